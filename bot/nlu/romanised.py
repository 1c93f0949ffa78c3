"""Thai typed in Latin letters ("pasee pai", "bia kon kae") and short English questions,
turned into the Thai words the classifier and the service matcher know.

Citizens without a Thai keyboard, or used to chatting in karaoke Thai, spell the same
word many ways (ภาษี: pasee, phasi, pasi, paasee). The table below lists the spellings
seen in chat for the words of this domain; English words of the domain map to their
Thai equivalent, so "how much is land tax" reads like "เท่าไหร่ ภาษีที่ดิน".
Phrases (up to three words) are matched before single words. A Latin word not in the
table is left as it is (it may be a name, an English word the examples use, or noise).

Applied inside `normalise`, so training examples and messages go through the same table.
"""

from __future__ import annotations

import re

# Multi-word phrases first: their words alone would map to something else.
_PHRASES_TEXT = """
signboard tax|sign tax|shop sign tax|sign board tax|pasee pai|phasi pai|pasi pai|paasee pai|pa see pai => ภาษีป้าย
land tax|land and building tax|property tax|house tax => ภาษีที่ดิน
pasee tee din|pasee tidin|phasi thi din|pasi tee din|pasee ti din => ภาษีที่ดิน
bia kon kae|bia khon kae|bia kon gae|biea kon kae|bia kon ka|bia konkae => เบี้ยคนแก่
bia poo soong ayu|bia phu sung ayu|bia poo soong ar yu|bia pu sung ayu => เบี้ยผู้สูงอายุ
elderly allowance|old age allowance|pension for elderly|senior allowance|elderly pension => เบี้ยผู้สูงอายุ
disability allowance|disabled allowance|allowance for disabled => เบี้ยคนพิการ
bia kon pikan|bia khon phikan|bia pikan|bia phikan => เบี้ยคนพิการ
building permit|construction permit|permit to build => ขออนุญาตก่อสร้าง
kor anuyat sang|khor anuyat sang|anuyat kor sang|anuyat gor sang => ขออนุญาตก่อสร้าง
demolition permit|anuyat rue thon|rue thon|ruea thon|rue ton => รื้อถอน
business registration|register a business|register business|commercial registration => จดทะเบียนพาณิชย์
jot tabien panit|jod tabien panich|jot thabian phanit|jod tabian panit|jot tabian phanit => จดทะเบียนพาณิชย์
health license|health licence|tor bai anuyat|taw bai anuyat|tor bai anuyard => ต่อใบอนุญาต
bai anuyat|bai anuyart|bai anuyard => ใบอนุญาต
tao rai|tao lai|thao rai|taorai|tow rai|how much => เท่าไหร่
gee wan|kee wan|ki wan|gi wan|how long|how many days => กี่วัน
gee mong|kee mong|ki mong|what time => กี่โมง
gee baht|kee baht|ki baht => กี่บาท
yang ngai|yangngai|yung ngai|yang ngi|yangai|how to|how do i|how can i => ยังไง
arai bang|alai bang|arai baang => อะไรบ้าง
jao na tee|jao nah tee|jao nathi|chao na thi|jaonatee|jao nahtee => เจ้าหน้าที่
sawasdee|sawatdee|sawaddee|sawasdi|sawadee|sa wat dee|sawusdee => สวัสดี
khob khun|kob kun|khop khun|kobkun|khobkhun|kob khun|khob kun => ขอบคุณ
long tabien|long tabian|long thabian => ลงทะเบียน
muea rai|meua rai|mua rai|muerai => เมื่อไหร่
dai mai|dai mai ka|dai mai krub => ได้ไหม
real person|a person|a human|someone real => เจ้าหน้าที่
street light|street lamp|road light => ไฟถนน
opening hours|office hours|opening time => เวลาทำการ
gone through|been approved => อนุมัติ
"""

_WORDS_TEXT = """
pasee|phasi|pasi|paasee|tax => ภาษี
pai|paai|paay|sign|signboard|signage => ป้าย
bia|biea|allowance|pension => เบี้ย
kae|gae => แก่
elderly|senior|old => ผู้สูงอายุ
pikan|phikan|disabled|disability => พิการ
ekkasan|eksan|ekasarn|aekasarn|ekasan|documents|document|papers|paper|docs => เอกสาร
chai|chay => ใช้
arai|alai => อะไร
bang|baang => บ้าง
anuyat|anuyart|anuyard|permit|license|licence|licenses => ใบอนุญาต
sang|sarng|build|construction|construct => สร้าง
baan|ban|house|home => บ้าน
tabien|tabian|thabian => ทะเบียน
panit|panich|phanit|phanich => พาณิชย์
jot|jod|chot|register|registration => จด
yuen|yeun|yun|apply|submit|file => ยื่น
tor|taw|renew|renewal => ต่อ
kor|khor|gor => ขอ
jai|jaai|pay|paying|payment => จ่าย
ngern|ngoen|ngen|money => เงิน
bin|bill|invoice => บิล
sathana|satana|status|progress => สถานะ
rueang|ruang|reuang|request|application|case => เรื่อง
check|track => เช็ค
kui|khui|kuy|talk|speak|chat => คุย
gub|gap => กับ
staff|officer|admin|human|agent => เจ้าหน้าที่
obt|orbortor|office => อบต.
perd|poed|open => เปิด
pid|close|closed => ปิด
mong => โมง
wan|day|days => วัน
krub|krab|khrap|khrub|kub|krap => ครับ
ka|kha|kaa|khaa => ค่ะ
na => นะ
mai => ไหม
dai => ได้
noi|noy => หน่อย
yak|yaak|want => อยาก
laew|leaw|laeo => แล้ว
tueng|tung|thueng => ถึง
nai => ไหน
kon|khon => คน
tee|ti|thi => ที่
din => ดิน
online => ออนไลน์
shop|store|business => ร้าน
fee|fees|cost|price|charge => ค่าธรรมเนียม
thanks|thank|thx => ขอบคุณ
hello|hi => สวัสดี
cancel => ยกเลิก
complain|complaint => ร้องเรียน
broken => เสีย
hole|holes|pothole => หลุม
road|street => ถนน
light|lights|lamp => ไฟ
water => น้ำประปา
garbage|trash|rubbish => ขยะ
stray => จรจัด
flood|flooded => น้ำท่วม
password => รหัสผ่าน
forgot|forget => ลืม
"""


def _table(text: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in text.strip().splitlines():
        spellings, thai = line.split(" => ")
        for spelling in spellings.split("|"):
            table[spelling.strip()] = thai.strip()
    return table


PHRASES: dict[str, str] = _table(_PHRASES_TEXT)
WORDS: dict[str, str] = _table(_WORDS_TEXT)
MAX_PHRASE = max(len(p.split()) for p in PHRASES)

_ANY_LATIN = re.compile("[a-z]")
_LATIN_RUN = re.compile(r"[a-z]+(?:[ '-]+[a-z]+)*")


def _replace_run(match: re.Match[str]) -> str:
    run = match.group(0)
    words = re.split(r"[ '-]+", run)
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_PHRASE, len(words) - i), 1, -1):
            thai = PHRASES.get(" ".join(words[i : i + size]))
            if thai is not None:
                out.append(thai)
                i += size
                break
        else:
            word = words[i]
            out.append(PHRASES.get(word) or WORDS.get(word) or word)
            i += 1
    if out == words:
        return run
    return " " + " ".join(out) + " "


def thai_from_latin(text: str) -> str:
    """`text` (lower-cased) with known romanised Thai and English words in Thai."""
    if not _ANY_LATIN.search(text):
        return text
    return _LATIN_RUN.sub(_replace_run, text)
