"""The confusions of issue 16 and Thai as it is typed: one phrase per kind, written for this
test (none is a training example, checked below), read the way a citizen means it."""

from __future__ import annotations

import pytest

from bot.nlu import NluPipeline
from bot.nlu.data import TrainingData
from bot.nlu.evalsets import near_copies
from bot.nlu.normalise import normalise
from bot.nlu.tokenise import Tokeniser

PHRASES: list[tuple[str, str, str | None]] = [
    # one document of a service is a documents question, not the service card
    ("ยื่นขอเบี้ยผู้สูงอายุ ต้องใช้ทะเบียนบ้านฉบับจริงไหมคะ", "documents", "elderly_allowance"),
    ("จะสร้างโกดัง ต้องมีแบบแปลนด้วยหรือเปล่าครับ", "documents", "building_construction"),
    # wanting to do it is apply, with or without a service
    ("ขอทำเรื่องออนไลน์ตอนนี้ได้เลยไหมคะ", "apply", None),
    ("จะลงทะเบียนรับเบี้ยคนพิการให้ป้าเดี๋ยวนี้", "apply", "disability_allowance"),
    # progress of my matter keeps its service
    ("ขอรื้อตึกแถวไว้ ตอนนี้ผ่านหรือยังคะ", "status", "building_demolition"),
    ("อยากรู้ว่าคำร้องของผมคืบหน้าไปถึงไหนแล้ว", "status", None),
    # bills and pay-in slips
    ("ใบแจ้งหนี้ของปีนี้ยังไม่มาส่งเลยค่ะ", "payment", None),
    ("ขอคิวอาร์สำหรับโอนค่าภาษีป้ายค่ะ", "payment", "signboard_tax"),
    # dissatisfaction is a complaint, not the service list
    ("บริการของ อบต. ไม่ประทับใจเลยสักครั้ง", "complaint", None),
    ("เจ้าหน้าที่ตอบห้วนๆ ไม่สุภาพเลยค่ะ", "complaint", None),
    # asking whether someone is there is asking for a person
    ("ตอนนี้มีแอดมินตอบไหมคะ", "handoff", None),
    ("มีพี่ๆ เจ้าหน้าที่ออนไลน์ไหมครับ", "handoff", None),
    # portal questions before applying online
    ("จะยื่นทางเน็ตต้องเปิดบัญชีดิจิทัลไอดีก่อนไหมคะ", "portal_help", None),
    ("เลขเลเซอร์ด้านหลังบัตรอยู่ตรงไหนคะ", "portal_help", None),
    # regional forms
    ("ลูกสิขอเบี้ยพิการ ต้องใช้ใบแพทย์บ่", "documents", "disability_allowance"),  # Isan
    ("ต่อใบอนุญาตร้านนวดเสียเต้าใดเจ้า", "fees", "health_hazard_license_renewal"),  # Northern
    ("จดทะเบียนพาณิชย์ใช้ไหรมั่งหม้าย", "documents", "commercial_registration_new"),  # Southern
    # keyboard slips, voice run-ons, Thai digits
    ("จ่ายภาษีโรงเรีอนต้องเตรียมเอกสานไรมั่งงง", "documents", "house_land_tax"),
    ("เอ่อคือว่าจะขอใบอนุญาตก่อสร้างบ้านชั้นเดียวครับต้องใช้เวลากี่วันครับ", "duration", "building_construction"),
    ("ที่ดิน ๒ ไร่ ต้องเสียภาษีกี่บาทคะ", "fees", "house_land_tax"),
    # romanised Thai and short English
    ("pasee pai chai arai bang", "documents", "signboard_tax"),
    ("bia kon kae dai gee baht", "service_info", "elderly_allowance"),
    ("how much is the fee for a building permit", "fees", "building_construction"),
    ("can i pay my bill online", "payment", None),
]


def test_phrases_here_are_not_training_examples(training_data: TrainingData) -> None:
    assert not near_copies((e.text for e in training_data.examples), [p[0] for p in PHRASES])


@pytest.mark.parametrize(("text", "intent", "service"), PHRASES)
def test_family_phrase(pipeline: NluPipeline, text: str, intent: str, service: str | None) -> None:
    result = pipeline.parse(text)
    assert (result.intent, result.service) == (intent, service), result.alternatives


def test_romanised_thai_and_english_become_thai_words() -> None:
    assert normalise("Pasee Pai tao rai") == "ภาษีป้าย เท่าไหร่"
    assert normalise("bia kon kae") == "เบี้ยคนแก่"
    assert normalise("how much is land tax") == "เท่าไหร่ is ภาษีที่ดิน"
    # tracking numbers, OTP and names the table does not know are left alone
    assert normalise("เช็คสถานะ TJL-2569-000123") == "เช็คสถานะ tjl-2569-000123"
    assert normalise("biz portal otp") == "biz portal otp"


def test_sentence_final_bo_asks_and_elsewhere_negates() -> None:
    tokeniser = Tokeniser()
    assert tokeniser.tokens(normalise("ได้เบี้ยแม่นบ่"))[-2:] == ["ใช่", "ไหม"]
    assert tokeniser.tokens(normalise("บ่มีบิล"))[0] == "ไม่"
    assert tokeniser.tokens(normalise("มีเจ้าหน้าที่อยู่ก่เจ้า"))[:4] == ["มี", "เจ้าหน้าที่", "อยู่", "ไหม"]


def test_a_vague_card_question_is_not_answered_with_a_guess(pipeline: NluPipeline) -> None:
    result = pipeline.parse("เรื่องใบอนุญาตหน่อย")
    assert result.intent == "unknown"
    guesses = [s.label for s in result.alternatives.services[:2]]
    assert set(guesses) == {"health_hazard_license", "health_hazard_license_renewal"}
