"""The services carousel, the service card, fees and duration, and follow-ups that keep the service."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.context import TurnContext
from bot.runtime.render import MAX_CAROUSEL_BUBBLES, render
from bot.runtime.services import Services
from bot.runtime.sessions import Session
from bot.tools.simulator import Simulator
from bot.transport.events import EventKind, InboundEvent
from core.thai_dates import number, thai_duration
from dialogs.cards import service_card, services_carousel
from knowledge.store import KnowledgeStore

SERVICE_IDS = [
    "house_land_tax", "signboard_tax", "building_construction", "building_demolition", "building_modification",
    "health_hazard_license", "health_hazard_license_renewal", "commercial_registration_change",
    "commercial_registration_closure", "commercial_registration_new", "aids_patient_assistance",
    "disability_allowance", "elderly_allowance",
]  # fmt: skip


def _ctx(services: Services) -> TurnContext:
    event = InboundEvent(event_id="t-1", kind=EventKind.text, line_type="message", user_id="Utest", text="")
    return TurnContext(event=event, session=Session(), knowledge=services.knowledge.current, services=services,
                       now=datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Asia/Bangkok")))


def test_the_tree_has_the_services_these_tests_name(knowledge_store: KnowledgeStore) -> None:
    assert sorted(knowledge_store.current.services) == sorted(SERVICE_IDS)


def test_every_card_and_the_carousel_render_within_line_limits(services: Services) -> None:
    ctx = _ctx(services)
    for service in ctx.knowledge.services.values():
        [message] = render(service_card(ctx, service))  # raises FlexTooLarge when over 30 KB
        assert message["type"] == "flex" and len(message["altText"]) <= 400
        footer = message["contents"]["footer"]["contents"]
        assert [b["action"]["data"] for b in footer] == [
            f"a=documents&s={service.id}", f"a=apply&s={service.id}", "a=handoff"]
    carousel = services_carousel(ctx)
    [message] = render(carousel)
    bubbles = message["contents"]["contents"]
    assert len(bubbles) <= MAX_CAROUSEL_BUBBLES
    assert all(len(b["footer"]["contents"]) <= 5 for b in bubbles)
    tapped = [btn["action"]["data"] for b in bubbles for btn in b["footer"]["contents"]]
    assert sorted(tapped) == sorted(f"a=service_info&s={s}" for s in SERVICE_IDS)
    assert all(len(btn["action"]["label"]) <= 20 for b in bubbles for btn in b["footer"]["contents"])


async def test_list_services_by_category_then_a_card(sim: Simulator, knowledge_store: KnowledgeStore) -> None:
    screen = await sim.text("มีบริการอะไรบ้าง")
    for category in ("ภาษีท้องถิ่น", "ขออนุญาตก่อสร้าง/อาคาร", "ใบอนุญาตด้านสาธารณสุข", "ทะเบียนพาณิชย์",
                     "เบี้ยยังชีพและสวัสดิการ"):
        assert f"## {category}" in screen.text
    assert "13 เรื่อง" in screen.text
    card = await sim.choose("ภาษีป้าย")
    service = knowledge_store.current.service("signboard_tax")
    assert "## ภาษีป้าย" in card.text and service.title in card.text
    assert "46 วัน" in card.text
    assert "พ.ร.บ.ภาษีป้าย พ.ศ. 2510" in card.text
    assert "08:30 - 16:30 น." in card.text  # where and when
    assert {"เอกสารที่ต้องใช้", "ยื่นคำขอ", "คุยกับเจ้าหน้าที่"} <= {a.label for a in card.actions}


@pytest.mark.parametrize("service_id", SERVICE_IDS)
async def test_each_service_card_quotes_its_knowledge(
    sim: Simulator, knowledge_store: KnowledgeStore, service_id: str
) -> None:
    service = knowledge_store.current.service(service_id)
    card = await sim.postback(f"a=service_info&s={service_id}")
    msg = knowledge_store.current.message
    assert thai_duration(msg, service.total_duration) in card.text
    assert service.legal_basis[0] in card.text
    for fee in service.fees:
        assert (f"{number(fee.amount_baht)} บาท" if fee.amount_baht is not None else str(fee.rule)) in card.text
    if service.eligibility:
        assert "ผู้มีสิทธิ์ยื่น" in card.text and service.eligibility[0] in card.text
    assert service.channels[0].place in card.text
    documents = next(a for a in card.actions if a.label == "เอกสารที่ต้องใช้")
    assert documents.data == f"a=documents&s={service_id}"


async def test_a_service_card_from_words_and_the_fees_that_follow(sim: Simulator) -> None:
    card = await sim.text("จดทะเบียนพาณิชย์ตั้งใหม่")
    assert "## จดทะเบียนพาณิชย์ (ตั้งใหม่)" in card.text and "60 นาที" in card.text
    fees = await sim.text("ค่าธรรมเนียมเท่าไหร่")  # no service named: the one in focus
    assert "ค่าธรรมเนียมจดทะเบียนพาณิชย์ (ตั้งใหม่)" in fees.text
    assert "ค่าธรรมเนียมการจดทะเบียน (คำขอละ): 50 บาท" in fees.text
    assert "30 บาท" in fees.text
    duration = await sim.choose("ใช้เวลากี่วัน")
    assert "ใช้เวลาดำเนินการประมาณ 60 นาทีค่ะ" in duration.text


async def test_follow_up_questions_keep_the_service(sim: Simulator) -> None:
    await sim.text("ภาษีป้ายต้องใช้อะไรบ้าง")
    duration = await sim.text("แล้วกี่วันเสร็จ")
    assert "ภาษีป้าย ใช้เวลาดำเนินการประมาณ 46 วันค่ะ" in duration.text
    fees = await sim.text("แล้วค่าธรรมเนียมล่ะ")
    assert "ค่าธรรมเนียมภาษีป้าย" in fees.text
    assert "500 ตารางเซนติเมตร" in fees.text and "ไม่มีข้อมูลค่าธรรมเนียม" not in fees.text  # how the tax is computed


async def test_fees_with_no_service_known_ask_which_one(sim: Simulator) -> None:
    asked = await sim.text("ค่าธรรมเนียมเท่าไหร่")
    assert "สอบถามค่าธรรมเนียมของบริการไหนคะ" in asked.text
    assert all(a.data.startswith("a=fees&s=") for a in asked.actions if a.data and "s=" in a.data)
    answered = await sim.choose("จดทะเบียนพาณิชย์ใหม่")
    assert "50 บาท" in answered.text
    # the question is answered: a service named later is not taken as its answer again
    card = await sim.text("ภาษีป้าย")
    assert "## ภาษีป้าย" in card.text


async def test_a_typed_service_answers_the_pending_question(sim: Simulator) -> None:
    await sim.text("ใช้เวลากี่วัน")
    answered = await sim.text("ขออนุญาตก่อสร้างอาคาร")
    assert "ขออนุญาตก่อสร้างอาคาร ใช้เวลาดำเนินการประมาณ 45 วันค่ะ" in answered.text


async def test_vague_service_question_offers_the_nlu_guesses(sim: Simulator) -> None:
    asked = await sim.text("สอบถามเรื่องบ้าน")
    assert "ต้องการทราบรายละเอียดของบริการไหนคะ" in asked.text
    labels = [a.label for a in asked.actions]
    assert "ขออนุญาตดัดแปลงอาคาร" in labels and "บริการอื่น ๆ" in labels
    everything = await sim.choose("บริการอื่น ๆ")
    assert "## ภาษีท้องถิ่น" in everything.text


async def test_where_to_pay_a_tax_gets_the_payment_channels_not_the_card(sim: Simulator) -> None:
    answer = await sim.text("ภาษีป้ายต้องจ่ายที่ไหน")  # issue 10: payment questions get the channels
    assert answer.text.startswith("ภาษีป้าย ชำระได้ที่") and "## ภาษีป้าย" not in answer.text
