"""The personal document checklist: only the questions not answered yet, the list for THIS
citizen, ticks and "what is still missing", changing answers, and interrupts mid-flow."""

from __future__ import annotations

import itertools
import time

import pytest

from bot.runtime.render import MAX_MESSAGES_PER_REQUEST, render_all
from bot.runtime.replies import MAX_TEXT_CHARS
from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from bot.transport.events import EventKind, InboundEvent
from knowledge.store import KnowledgeStore

_ids = itertools.count(1)
COMPANY = "หนังสือรับรองนิติบุคคล"


def _labels(sim: Simulator) -> list[str]:
    return [a.label for a in sim.last.actions]


def _names(knowledge_store: KnowledgeStore, service_id: str, answers: dict[str, bool]) -> tuple[set[str], set[str]]:
    """(documents the citizen needs, documents they do not) according to the knowledge."""
    service = knowledge_store.current.service(service_id)
    needed = {d.name for d in service.documents_for(answers)}
    return needed, {d.name for d in service.documents} - needed


async def test_a_company_signboard_owner_gets_the_company_certificate(
    sim: Simulator, knowledge_store: KnowledgeStore
) -> None:
    first = await sim.text("ภาษีป้ายต้องใช้อะไรบ้าง")
    assert "(1/3) เจ้าของป้ายเป็นนิติบุคคล (บริษัท ห้างหุ้นส่วน) ใช่ไหมคะ" in first.text
    assert _labels(sim) == ["ใช่", "ไม่ใช่", "ไม่แน่ใจ", "ข้าม ดูรายการเลย", "เปลี่ยนบริการ"]
    second = await sim.choose("ใช่")
    assert "เปลี่ยนบริการ" not in _labels(sim)
    assert "(2/3)" in second.text and "ใบเสร็จรับเงินภาษีป้าย" in second.text
    await sim.choose("ไม่ใช่")
    listed = await sim.choose("ไม่ใช่")
    needed, not_needed = _names(knowledge_store, "signboard_tax",
                                {"juristic_person": True, "has_previous_receipt": False, "by_proxy": False})
    assert any(COMPANY in n for n in needed)
    for name in needed:
        assert name in listed.text
    for name in not_needed:
        assert name not in listed.text
    assert f"📋 เอกสารภาษีป้าย ({len(needed)} รายการ)" in listed.text
    assert "ตัวจริง 1 ชุด, สำเนา 1 ชุด" in listed.text
    assert "จัดตามคำตอบของท่านแล้วค่ะ" in listed.text
    assert {"ยังขาดอะไร", "มีครบแล้ว", "มีข้อ 1 แล้ว", "ตอบใหม่"} <= set(_labels(sim))


async def test_an_individual_owner_does_not_get_it(sim: Simulator, knowledge_store: KnowledgeStore) -> None:
    await sim.postback("a=documents&s=signboard_tax")  # the card's button
    await sim.text("ไม่ใช่ค่ะ")  # typed answers work too
    await sim.text("ไม่มี")
    listed = await sim.text("ไม่")
    assert COMPANY not in listed.text
    assert "บัตรประจำตัวประชาชน" in listed.text
    needed, _ = _names(knowledge_store, "signboard_tax",
                       {"juristic_person": False, "has_previous_receipt": False, "by_proxy": False})
    assert f"({len(needed)} รายการ)" in listed.text


async def test_unsure_keeps_the_document_with_a_note_and_skip_keeps_the_rest(sim: Simulator) -> None:
    await sim.text("ภาษีป้ายต้องใช้อะไรบ้าง")
    await sim.choose("ไม่แน่ใจ")
    listed = await sim.choose("ข้าม")
    assert COMPANY in listed.text and "หนังสือมอบอำนาจ" in listed.text
    assert listed.text.count("⚠️ ใช้เฉพาะบางกรณี") == 3
    assert "(กรณีนิติบุคคล)" in listed.text
    asked_again = await sim.postback("a=documents&s=signboard_tax")
    assert "(1/3)" in asked_again.text  # "ไม่แน่ใจ" is asked again next time


async def test_answers_are_reused_across_services(sim: Simulator, knowledge_store: KnowledgeStore) -> None:
    await sim.text("ภาษีป้ายต้องใช้อะไรบ้าง")
    await sim.choose("ใช่")  # a company
    await sim.choose("ไม่ใช่")
    await sim.choose("ไม่ใช่")  # not by proxy
    house = await sim.text("ภาษีโรงเรือนต้องใช้เอกสารอะไร")
    assert "ใช่ไหมคะ" not in house.text  # juristic_person and by_proxy: already answered
    needed, not_needed = _names(knowledge_store, "house_land_tax", {"juristic_person": True, "by_proxy": False})
    assert all(name in house.text for name in needed)
    assert not any(name in house.text for name in not_needed)


async def test_ticks_missing_and_all_done(sim: Simulator, knowledge_store: KnowledgeStore) -> None:
    await sim.text("ภาษีป้ายต้องใช้อะไรบ้าง")
    for answer in ("ไม่ใช่", "ไม่ใช่", "ไม่ใช่"):
        await sim.choose(answer)
    needed, _ = _names(knowledge_store, "signboard_tax",
                       {"juristic_person": False, "has_previous_receipt": False, "by_proxy": False})
    ticked = await sim.choose("มีข้อ 1 แล้ว")
    assert "✅ รับทราบค่ะ ข้อ 1" in ticked.text and f"เตรียมแล้ว 1 จาก {len(needed)} รายการ" in ticked.text
    assert "มีข้อ 1 แล้ว" not in _labels(sim)
    await sim.text("มีข้อ 2 แล้ว")  # typed
    await sim.text("ถามหน่อย อบต.เปิดกี่โมง")  # a one-shot answer in between keeps the ticks
    missing = await sim.text("ยังขาดอะไรบ้าง")
    assert f"ยังขาดอีก {len(needed) - 2} รายการ" in missing.text
    assert "บัตรประจำตัวประชาชน" not in missing.text and "ทะเบียนบ้าน" not in missing.text
    assert "แผนผังแสดงสถานที่ตั้ง" in missing.text
    shown = await sim.postback("a=documents&s=signboard_tax")  # all answered: straight to the list
    assert shown.text.count("✅") == 2
    done = await sim.choose("มีครบแล้ว")
    assert "ครบแล้วค่ะ" in done.text
    assert "ยื่นคำขอ" in _labels(sim)
    nothing_left = await sim.postback("a=missing&s=signboard_tax")
    assert "ครบแล้วค่ะ" in nothing_left.text


async def test_changing_the_answers(sim: Simulator) -> None:
    await sim.text("ภาษีป้ายต้องใช้อะไรบ้าง")
    for answer in ("ไม่ใช่", "ไม่ใช่", "ไม่ใช่"):
        await sim.choose(answer)
    assert COMPANY not in sim.last.text
    again = await sim.choose("ตอบใหม่")
    assert "(1/3)" in again.text
    await sim.choose("ใช่")
    await sim.choose("ไม่ใช่")
    listed = await sim.choose("ไม่ใช่")
    assert COMPANY in listed.text


async def test_cancel_and_menu_work_mid_flow(sim: Simulator) -> None:
    await sim.text("ภาษีป้ายต้องใช้อะไรบ้าง")
    menu = await sim.postback("a=menu")  # the rich menu / เมนูหลัก in the middle of the questions
    assert "ต้องการสอบถามเรื่องใดคะ" in menu.text
    resumed = await sim.text("ใช่")  # the question is still waiting
    assert "(2/3)" in resumed.text
    cancelled = await sim.text("ยกเลิก")
    assert "ยกเลิกรายการเรียบร้อยแล้ว" in cancelled.text
    after = await sim.text("ใช่")
    assert "(3/3)" not in after.text and "ใช่ไหมคะ" not in after.text


async def test_an_unclear_answer_repeats_the_question(sim: Simulator) -> None:
    await sim.text("ภาษีป้ายต้องใช้อะไรบ้าง")
    again = await sim.text("อืม")
    assert "ขอคำตอบ ใช่ / ไม่ใช่ / ไม่แน่ใจ" in again.text and "(1/3)" in again.text
    assert _labels(sim)[:3] == ["ใช่", "ไม่ใช่", "ไม่แน่ใจ"]


async def test_documents_with_no_service_ask_which_one(sim: Simulator) -> None:
    asked = await sim.postback("a=documents")  # the menu button, nothing in focus
    assert "ต้องการทราบเอกสารของบริการไหนคะ" in asked.text
    first = await sim.choose("เบี้ยผู้สูงอายุ")
    assert "ใช่ไหมคะ" in first.text and "(1/3)" in first.text
    again = await sim.postback("a=documents")  # now the service in focus…
    assert "เบี้ยยังชีพผู้สูงอายุ" in again.text
    other = await sim.choose("เปลี่ยนบริการ")  # …or another one
    assert "ต้องการทราบเอกสารของบริการไหนคะ" in other.text
    typed = await sim.text("ภาษีป้าย")
    assert "(1/3) เจ้าของป้ายเป็นนิติบุคคล" in typed.text


def _event(user_id: str, data: str) -> InboundEvent:
    return InboundEvent(event_id=f"cl-{time.time_ns()}-{next(_ids)}", kind=EventKind.postback, line_type="postback",
                        user_id=user_id, timestamp_ms=time.time_ns() // 1_000_000, postback_data=data)


@pytest.mark.parametrize("service_id", [
    "house_land_tax", "signboard_tax", "building_construction", "building_demolition", "building_modification",
    "health_hazard_license", "health_hazard_license_renewal", "commercial_registration_change",
    "commercial_registration_closure", "commercial_registration_new", "aids_patient_assistance",
    "disability_allowance", "elderly_allowance",
])  # fmt: skip
async def test_the_longest_list_of_every_service_fits_one_turn(
    services: Services, knowledge_store: KnowledgeStore, service_id: str
) -> None:
    sim = Simulator(services, user_id=f"U{next(_ids):032x}")
    await sim.processor.turn(_event(sim.user_id, f"a=documents&s={service_id}"))
    replies = await sim.processor.turn(_event(sim.user_id, f"a=cl_skip&s={service_id}"))  # every document kept
    messages = render_all(replies)
    assert 1 <= len(messages) <= min(3, MAX_MESSAGES_PER_REQUEST)
    assert all(m["type"] == "text" and len(m["text"]) <= MAX_TEXT_CHARS for m in messages)
    text = "\n".join(m["text"] for m in messages)
    service = knowledge_store.current.service(service_id)
    assert all(d.name in text for d in service.documents)
    assert len(messages[-1]["quickReply"]["items"]) <= 13


async def test_ticks_survive_another_flow_and_cancel(sim) -> None:  # type: ignore[no-untyped-def]
    await sim.text("ภาษีป้ายต้องใช้เอกสารอะไรบ้าง")
    await sim.choose("ข้าม")
    ticked = await sim.text("มีข้อ 2")
    assert "1 จาก" in ticked.text
    await sim.text("อยากแจ้งเรื่องไฟถนนดับค่ะ")  # a complaint starts…
    await sim.text("ยกเลิก")  # …and is cancelled
    missing = await sim.text("ภาษีป้ายยังขาดเอกสารอะไร")
    assert "ทะเบียนบ้าน" not in missing.text.split("ยังขาด", 1)[-1]
    assert "บัตรประจำตัวประชาชน" in missing.text
