"""BizPortal / DGA Connect help: topics picked from the words, a topic menu, step-by-step cards."""

from __future__ import annotations

import pytest

from bot.tools.simulator import Simulator
from knowledge.loader import portal_help_of
from knowledge.store import KnowledgeStore


def _labels(screen_actions: list) -> list[str]:  # type: ignore[type-arg]
    return [a.label for a in screen_actions]


@pytest.mark.parametrize(
    ("said", "title"),
    [
        ("OTP ไม่มา", "รหัส OTP ทาง SMS"),
        ("ไม่ได้รับ OTP เลยค่ะ", "รหัส OTP ทาง SMS"),
        ("ลืมรหัสผ่าน", "เข้าสู่ระบบ BizPortal"),
        ("เข้าสู่ระบบไม่ได้", "เข้าสู่ระบบ BizPortal"),
        ("อัปโหลดเอกสารไม่ได้", "อัปโหลดเอกสาร"),
        ("บันทึกร่างคำร้องยังไง", "บันทึกร่างคำร้อง"),
        ("ลงทะเบียน dga connect ไม่ผ่าน", "ลงทะเบียนบัญชีผู้ใช้ (Digital ID) ที่ DGA Connect"),
    ],
)
async def test_the_words_pick_the_topic(sim: Simulator, said: str, title: str) -> None:
    screen = await sim.text(said)
    assert f"## {title}" in screen.text
    assert "1. " in screen.text and "ค่ะ" in screen.text
    assert "หัวข้ออื่น" in _labels(screen.actions)
    assert "คุยกับเจ้าหน้าที่" in _labels(screen.actions)


async def test_otp_card_links_both_sites_and_offers_a_person(sim: Simulator) -> None:
    screen = await sim.text("OTP ไม่มา")
    uris = {a.uri for a in screen.actions if a.kind == "uri"}
    assert uris == {"https://connect.dga.or.th", "https://bizportal.go.th"}
    assert "0-4475-6171" in screen.text  # still stuck: the office phone
    opened = await sim.choose("เปิด DGA Connect")
    assert "https://connect.dga.or.th" in opened.text


async def test_register_then_follow_the_journey_to_submitting(sim: Simulator) -> None:
    menu = await sim.text("biz portal คืออะไร")
    assert "DGA Connect" in menu.text
    assert {"สมัคร Digital ID", "รหัส OTP", "ความหมายสถานะคำขอ"} <= set(_labels(menu.actions))
    card = await sim.choose("สมัคร Digital ID")
    assert "บัตรประจำตัวประชาชน 13 หลัก" in card.text
    assert "เลขเลเซอร์" in card.text and "OTP" in card.text
    assert [a.uri for a in card.actions if a.kind == "uri"] == ["https://connect.dga.or.th"]
    titles = ["เข้าสู่ระบบ BizPortal", "กรอกข้อมูลคำขอ", "อัปโหลดเอกสาร", "บันทึกร่างคำร้อง", "ส่งคำร้อง"]
    for title in titles:
        card = await sim.choose("➜")
        assert f"## {title}" in card.text
    assert "ยืนยันการส่งคำร้อง" in card.text and "OTP" in card.text
    assert not any(a.label.startswith("➜") for a in card.actions)  # the last step


async def test_case_states_explain_what_to_do(sim: Simulator) -> None:
    await sim.text("ช่วยเรื่อง biz portal หน่อย")
    states = await sim.choose("ความหมายสถานะคำขอ")
    assert "สถานะ" in states.text
    labels = _labels(states.actions)
    assert {"คืนเรื่อง", "ไม่อนุญาต", "ชำระค่าธรรมเนียม", "รับใบอนุญาต"} <= set(labels)
    returned = await sim.choose("คืนเรื่อง")
    assert "เหตุผล" in returned.text and "0-4475-6171" in returned.text
    back = await sim.choose("หัวข้ออื่น")  # back to the states, not the how-tos
    assert "รับใบอนุญาต" in _labels(back.actions)
    fix = await sim.choose("ตรวจสอบ:ให้แก้ไข")
    assert "แก้ไขหรืออัปโหลดเอกสารใหม่" in fix.text and "เอกสารเพิ่มเติม" in fix.text
    bill = await sim.postback("a=portal_help&t=fee_payment")
    assert "บิลเพย์เมนต์" in bill.text
    licence = await sim.postback("a=portal_help&t=completed_licence")
    assert "พิมพ์ใบอนุญาต" in licence.text


async def test_every_topic_has_a_card_and_a_short_button(sim: Simulator, knowledge_store: KnowledgeStore) -> None:
    guide = portal_help_of(knowledge_store.current)
    assert guide is not None
    for topic in guide.topics:
        label = knowledge_store.current.message(f"portal_help.topic.{topic.id}")
        assert len(label) <= 20, label
        screen = await sim.postback(f"a=portal_help&t={topic.id}")
        assert topic.title in screen.text


async def test_help_in_the_middle_of_a_complaint_leaves_the_complaint_waiting(sim: Simulator) -> None:
    await sim.text("ขอร้องเรียนค่ะ")
    await sim.choose("ขยะ/ความสะอาด")
    asked = await sim.text("รถขยะไม่มาเก็บสามวันแล้ว")
    assert "รูป" in asked.text
    help_ = await sim.text("OTP ไม่มา")
    assert "รหัส OTP" in help_.text
    nxt = await sim.text("ข้าม")
    assert "ที่ไหน" in nxt.text  # the complaint went on to the location question
