"""Thai word segmentation: pythainlp newmm over the default dictionary plus our own words.

The custom words (service titles, short names, aliases, domain and Isan words) keep
"เบี้ยคนแก่" or "ทะเบียนพาณิชย์" in one piece instead of fragments newmm would guess.

pythainlp's `Trie` takes ~0.4 s to build from the 62k-word default dictionary, which is
a third of the start-up budget. newmm only ever calls `prefixes()` on its dictionary,
so `PrefixDict` answers that from two frozensets (words, proper prefixes): the default
part is built once per process, and each training only unions in its few hundred custom
words (~20 ms), so a knowledge reload never pays the full price again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from pythainlp.corpus import thai_words
from pythainlp.tokenize.newmm import segment
from pythainlp.util import Trie

from bot.nlu.normalise import normalise

# Words newmm's default dictionary lacks or splits badly in this domain, space-separated:
# services and the office, then Isan (ภาษาอีสาน), then chat spellings.
_DOMAIN_TEXT = """
    อบต อบต. ท่าจะหลุง โชคชัย เทศบาล ปลัด
    เบี้ยยังชีพ เบี้ยคนแก่ เบี้ยคนชรา เบี้ยผู้สูงอายุ เบี้ยพิการ เบี้ยคนพิการ เบี้ยความพิการ เบี้ยผู้พิการ
    เบี้ยเอดส์ ผู้ติดเชื้อ เอชไอวี ผู้ป่วยเอดส์
    ภาษีป้าย ภาษีที่ดิน ภาษีโรงเรือน ภาษีบ้าน สิ่งปลูกสร้าง ภ.ป.1 ภ.ป.
    ใบอนุญาต ต่อใบอนุญาต ต่ออายุ ประกอบกิจการ อันตรายต่อสุขภาพ
    ก่อสร้าง ดัดแปลง ต่อเติม รื้อถอน รีโนเวท แบบแปลน
    ทะเบียนพาณิชย์ จดพาณิชย์ พาณิชยกิจ ทะเบียนการค้า เลิกกิจการ ปิดกิจการ
    ค่าธรรมเนียม ใบแจ้งหนี้ ใบเสร็จ คิวอาร์ พร้อมเพย์ สลิป เป๋าตัง ลิงก์ ลิ้งค์
    โอทีพี ล็อกอิน อัปโหลด อัพโหลด ดาวน์โหลด ดิจิทัลไอดี ทางรัฐ ไทยดี ร่างคำร้อง คำร้อง คำขอ เลขติดตาม
    ไฟกิ่ง ไฟทาง หมาจร แมวจร น้ำประปา แอดมิน บอท ไลน์ โลเคชั่น พิกัด ร้องเรียน ร้องทุกข์
    เฮ็ด ข่อย จั่งใด๋ จั่งได๋ จังใด อีหยัง หยัง กี่มื้อ มื้อนี้ มื้ออื่น เด้อ ซำบายดี เฮือน เว้า ไผ ได๋ ใด๋
    ผู้เฒ่า แม่ใหญ่ พ่อใหญ่ จักบาท จักมื้อ ตังค์ บักหุ่ง แซบ หลาย สิ
    มั้ย มั๊ย คับ งับ ครัช คร้าบ ค้าบ ป่าว ยังงัย เท่าไหร่ เท่าไร
    บ่ แม่น จั๊กแม่น จักแม่น บ่ฮู้ ฮู้ เบิ่ง แนวใด๋ ปานใด๋ ดนปานใด๋ ยามใด๋ มื้อใด๋ อีหลี ฮอด คนเฒ่า
    ก่ จะใด อะหยัง เต้าใด พ่อง เยียะ หื้อ ขอบใจ๋ เน้อ ตี้ เฮา ใจ้ ละอ่อน
    หม้าย ไหร พรือ ทำพรือ พันพรือ ไซ หรอย ม่าย มั่ง ตัง ตังค์ จังฮู้ หนิ
    บิลเพย์เมนต์ บิลเพย์เม้นท์ ใบนำฝาก ใบแจ้งชำระ ดิจิทัลไอดี เลเซอร์ แอดมิน
"""
DOMAIN_WORDS: tuple[str, ...] = tuple(_DOMAIN_TEXT.split())

# Spelling variants and Isan words -> the central-Thai token the examples mostly use, so
# one example of a question generalises to its other spellings. Applied per token.
TOKEN_MAP: dict[str, str] = {
    # chat spellings
    "คับ": "ครับ", "งับ": "ครับ", "ครัช": "ครับ", "คร้าบ": "ครับ", "ค้าบ": "ครับ", "ฮะ": "ครับ",
    "มั้ย": "ไหม", "มั๊ย": "ไหม", "ไม๊": "ไหม", "มะ": "ไหม",
    "เท่าไร": "เท่าไหร่", "เท่าไหล่": "เท่าไหร่", "ยังงัย": "ยังไง", "ยังไงง": "ยังไง",
    "ป่าว": "เปล่า", "ไร": "อะไร", "อะรัย": "อะไร", "ลิ้งค์": "ลิงก์", "ลิงค์": "ลิงก์",
    "อัพโหลด": "อัปโหลด", "ล็อคอิน": "ล็อกอิน", "otp": "โอทีพี", "licence": "license", "licences": "license",
    "licenses": "license", "permits": "permit",
    # Isan
    "เฮ็ด": "ทำ", "ข่อย": "ผม", "หยัง": "อะไร", "อีหยัง": "อะไร", "จั่งใด๋": "ยังไง",
    "จั่งได๋": "ยังไง", "จังใด": "ยังไง", "ไส": "ที่ไหน", "ได๋": "ไหน", "ใด๋": "ไหน",
    "กี่มื้อ": "กี่วัน", "จักมื้อ": "กี่วัน", "มื้อนี้": "วันนี้", "มื้ออื่น": "พรุ่งนี้",
    "เฮือน": "บ้าน", "เว้า": "พูด", "จัก": "กี่", "จักบาท": "กี่บาท", "ผู้เฒ่า": "ผู้สูงอายุ",
    "เด้อ": "นะ", "สิ": "จะ", "ไผ": "ใคร", "ซำบายดี": "สบายดี", "แน่": "บ้าง",
    "แม่น": "ใช่", "จั๊กแม่น": "ไม่รู้", "จักแม่น": "ไม่รู้", "บ่ฮู้": "ไม่รู้", "ฮู้": "รู้", "เบิ่ง": "ดู",
    "แนวใด๋": "ยังไง", "ปานใด๋": "เท่าไหร่", "ดนปานใด๋": "นานเท่าไหร่", "ยามใด๋": "เมื่อไหร่",
    "มื้อใด๋": "วันไหน", "อีหลี": "จริง", "ฮอด": "ถึง", "คนเฒ่า": "ผู้สูงอายุ", "อิ": "จะ",
    # Northern (คำเมือง)
    "จะใด": "ยังไง", "อะหยัง": "อะไร", "เต้าใด": "เท่าไหร่", "พ่อง": "บ้าง", "เยียะ": "ทำ", "หื้อ": "ให้",
    "ขอบใจ๋": "ขอบใจ", "เน้อ": "นะ", "ตี้": "ที่", "เฮา": "เรา", "ใจ้": "ใช่",
    # Southern (ภาษาใต้)
    "หม้าย": "ไหม", "ไหร": "อะไร", "พรือ": "ยังไง", "ทำพรือ": "ทำยังไง", "พันพรือ": "ยังไง", "ไซ": "ทำไม",
    "หรอย": "อร่อย", "ม่าย": "ไม่", "จังฮู้": "มาก", "หนิ": "นี่",
    # colloquial
    "มั่ง": "บ้าง", "ตัง": "เงิน", "ตังค์": "เงิน", "บิลเพย์เม้นท์": "บิลเพย์เมนต์",
}  # fmt: skip
# Isan บ่ and Northern ก่ ask a question at the end of a sentence ("ได้บ่" = ได้ไหม) and
# negate or mean ก็ elsewhere ("บ่มี" = ไม่มี, "ก่ได้" = ก็ได้).
QUESTION_OR_NOT: dict[str, tuple[str, str]] = {"บ่": ("ไหม", "ไม่"), "ก่": ("ไหม", "ก็"), "บ่อ": ("ไหม", "ไม่")}
SENTENCE_PARTICLES = frozenset(
    ["ครับ", "ค่ะ", "คะ", "นะ", "จ้า", "จ้ะ", "เด้อ", "เจ้า", "เน้อ", "ครับผม", "หนอ", "ล่ะ", "น้อ", "ฮะ", "แอดมิน"]
)

_SKIP = re.compile(r"^[\s\"'()\[\]{}<>,;:*/\\|_+=~`^-]*$")


class PrefixDict(Trie):
    """Read-only word set answering newmm's `prefixes()` queries.

    Subclasses `Trie` only so it can be passed where pythainlp expects one; none of the
    node machinery is used.
    """

    def __init__(self, words: frozenset[str], prefixes: frozenset[str]) -> None:
        self._words = words
        self._prefixes = prefixes  # every proper prefix of every word

    @classmethod
    def build(cls, words: Iterable[str], base: PrefixDict | None = None) -> PrefixDict:
        new = frozenset(w for w in (s.strip() for s in words) if w)
        prefixes = frozenset(w[:i] for w in new for i in range(1, len(w)))
        if base is not None:
            return cls(base._words | new, base._prefixes | prefixes)
        return cls(new, prefixes)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        found: list[str] = []
        words, prefixes = self._words, self._prefixes
        for end in range(start + 1, len(text) + 1):
            piece = text[start:end]
            if piece in words:
                found.append(piece)
            if piece not in prefixes:
                break
        return found

    def add(self, word: str) -> None:  # pragma: no cover - immutable by design
        raise TypeError("PrefixDict is immutable; build a new one")

    def remove(self, word: str) -> None:  # pragma: no cover - immutable by design
        raise TypeError("PrefixDict is immutable; build a new one")

    def __contains__(self, key: object) -> bool:
        return key in self._words

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


# Dictionary words that only ever mis-segment this domain's messages: with "เจ้าหน้า" in
# the dictionary "มีเจ้าหน้าที่อยู่ไหม" splits as เจ้าหน้า|ที่อยู่ (the address).
DROPPED_WORDS = frozenset({"เจ้าหน้า"})


@lru_cache(maxsize=1)
def _default_dict() -> PrefixDict:
    return PrefixDict.build(w for w in thai_words() if w not in DROPPED_WORDS)


class Tokeniser:
    """newmm with the default dictionary plus `extra_words`; build once per training."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        words: set[str] = set(DOMAIN_WORDS)
        for phrase in extra_words:
            norm = normalise(phrase)
            # A multi-word alias is useful whole (compact) and by its parts.
            words.add(norm.replace(" ", ""))
            words.update(norm.split())
        self.custom_words = frozenset(w for w in words if w)
        base = _default_dict()
        self._dict = PrefixDict.build(self.custom_words, base=base)
        # Service names are kept whole by the dictionary ("ยื่นภาษีป้าย"), which hides their
        # parts ("ยื่น", "ภาษีป้าย") from the classifier. Remember each compound's parts as
        # segmented without the service names, so features can carry both.
        plain = PrefixDict.build(DOMAIN_WORDS, base=base)
        self._parts: dict[str, tuple[str, ...]] = {}
        for word in self.custom_words:
            pieces = segment(word, custom_dict=plain)
            if len(pieces) == 1:  # a domain word itself ("เบี้ยคนชรา"): split by the default dictionary
                pieces = segment(word, custom_dict=base)
            parts = tuple(TOKEN_MAP.get(t, t) for t in pieces if not _SKIP.match(t))
            if len(parts) > 1 and min(map(len, parts)) > 1:  # a 1-letter piece: unreliable split
                self._parts[word] = parts

    def raw_tokens(self, normalised: str) -> list[str]:
        """newmm tokens of already-normalised text, without spaces and punctuation."""
        return [t for t in segment(normalised, custom_dict=self._dict) if not _SKIP.match(t)]

    def tokens(self, normalised: str) -> list[str]:
        """Tokens mapped to their canonical spelling (see TOKEN_MAP, QUESTION_OR_NOT)."""
        raw = self.raw_tokens(normalised)
        out = [TOKEN_MAP.get(t, t) for t in raw]
        for i, token in enumerate(raw):
            readings = QUESTION_OR_NOT.get(token)
            if readings is not None:
                at_end = all(t in SENTENCE_PARTICLES for t in out[i + 1 :])
                out[i] = readings[0] if at_end else readings[1]
        return out

    def parts(self, token: str) -> tuple[str, ...]:
        """The words inside a compound service name (empty for an ordinary token)."""
        return self._parts.get(token, ())
