"""The short answer first: every intent except service_info starts with a bubble a villager can
read on a phone; the most specific dialog beats an FAQ about the same service; payment, English
and emoji get useful replies; the service card shows each action once."""

from __future__ import annotations

import pytest

from bot.tools.simulator import Simulator
from knowledge.loader import load_knowledge
from tests.conv.answers import FIRST_BUBBLE_MAX, QUESTIONS, first_bubble

SERVICES = {sid: s.short_name for sid, s in load_knowledge().services.items()}
CHECKLIST_OPENERS = ("ขอถามสั้น ๆ", "เอกสารที่ต้องใช้")


@pytest.mark.parametrize("intent", sorted(QUESTIONS))
@pytest.mark.parametrize("service_id", sorted(SERVICES))
async def test_first_bubble_is_short_for_every_service_and_intent(
    sim: Simulator, service_id: str, intent: str
) -> None:
    await sim.text(QUESTIONS[intent].format(name=SERVICES[service_id]))
    bubble = first_bubble(sim)
    assert len(bubble) <= FIRST_BUBBLE_MAX, f"{len(bubble)} characters:\n{bubble}"


@pytest.mark.parametrize("service_id", sorted(SERVICES))
async def test_a_documents_question_gets_the_checklist_not_an_faq(sim: Simulator, service_id: str) -> None:
    await sim.text(f"{SERVICES[service_id]}ต้องใช้เอกสารอะไรบ้าง")
    assert first_bubble(sim).startswith(CHECKLIST_OPENERS), first_bubble(sim)


async def test_a_close_faq_of_the_same_kind_still_wins(sim: Simulator) -> None:
    answer = await sim.text("ขออนุญาตสร้างบ้านใช้เวลากี่วัน")
    assert "ขยายเวลาได้อีกไม่เกิน 2 คราว" in answer.text  # the FAQ on the legal deadline


async def test_direct_questions_get_one_line_answers(sim: Simulator) -> None:
    window = await sim.text("เบี้ยคนแก่ลงได้เดือนไหน")
    assert "1 – 30 พฤศจิกายน" in window.text.splitlines()[0]
    saturday = await sim.text("วันเสาร์เปิดมั้ย")
    assert "08:30" in saturday.text and len(first_bubble(sim)) <= FIRST_BUBBLE_MAX
    amount = await sim.text("เบี้ยคนแก่ได้เดือนละเท่าไหร่")
    assert "ไม่ได้ระบุ" in amount.text and "0-4475-6171" in amount.text  # honest, and where to ask


async def test_payment_questions_answer_from_the_knowledge_base(sim: Simulator) -> None:
    promptpay = await sim.text("ภาษีป้ายจ่ายผ่านพร้อมเพย์ได้ไหม")
    first = promptpay.text.splitlines()[0]
    assert "พร้อมเพย์" in first and "ไม่ได้" in first  # no PromptPay channel in the knowledge base yet
    assert "ชำระด้วยตนเองที่ องค์การบริหารส่วนตำบลท่าจะหลุง" in promptpay.text
    free = await sim.text("เบี้ยคนพิการจ่ายที่ไหน")
    assert "ไม่มีค่าธรรมเนียม ไม่ต้องชำระเงิน" in free.text


async def test_english_about_a_service_gets_thai_with_an_english_line(sim: Simulator) -> None:
    await sim.text("how much is signboard tax")
    assert sim.messages[0]["text"].startswith("I answer in Thai")
    assert "500 ตารางเซนติเมตร" in sim.last.text


async def test_english_the_bot_cannot_place_gets_an_honest_reply_and_the_menu(sim: Simulator) -> None:
    answer = await sim.text("what is the weather tomorrow")
    assert "I answer in Thai" in answer.text and "ยังตอบ" not in answer.text
    assert "บริการทั้งหมด" in [a.label for a in answer.actions]


@pytest.mark.parametrize("emoji", ["👍", "😊😊", "❤️ ❤️"])
async def test_emoji_alone_gets_a_friendly_prompt(sim: Simulator, emoji: str) -> None:
    answer = await sim.text(emoji)
    assert "ยังตอบเรื่องนี้ไม่ได้" not in answer.text and "ไม่เข้าใจ" not in answer.text
    assert "เลือกจากเมนู" in answer.text and answer.actions


@pytest.mark.parametrize("service_id", sorted(SERVICES))
async def test_service_card_shows_each_action_once(sim: Simulator, service_id: str) -> None:
    card = await sim.postback(f"a=service_info&s={service_id}")
    labels = [a.label for a in card.actions]
    assert len(labels) == len(set(labels)), labels
    for i, one in enumerate(labels):
        for other in labels[i + 1:]:
            assert one[:3] != other[:3], f"{one!r} and {other!r} share a label prefix"


async def test_cancel_on_the_consent_screen_does_not_claim_a_draft(sim: Simulator) -> None:
    consent = await sim.text("อยากยื่นเบี้ยผู้สูงอายุ")
    assert "ยอมรับ" in [a.label for a in consent.actions]
    cancelled = await sim.text("ยกเลิก")
    assert "ยังไม่ได้บันทึกข้อมูลใด ๆ" in cancelled.text
    assert "ฉบับร่าง" not in cancelled.text and "ทำต่อ" not in cancelled.text


async def test_cancel_after_consent_says_the_draft_is_kept(sim: Simulator) -> None:
    await sim.text("อยากยื่นเบี้ยผู้สูงอายุ")
    await sim.choose("ยอมรับ")
    cancelled = await sim.text("ยกเลิก")
    assert "ยังไม่ได้บันทึก" not in cancelled.text and "ทำต่อ" in cancelled.text
