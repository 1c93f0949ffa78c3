"""Cancel works from anywhere, but a short "no" answering a question is not a cancel."""

from __future__ import annotations

from bot.tools.simulator import Simulator


async def test_cancel_leaves_an_application_and_says_the_draft_is_kept(sim: Simulator) -> None:
    await sim.text("ขอยื่นเบี้ยยังชีพผู้สูงอายุ")
    await sim.choose("ยอมรับ")  # consent given: from here the answers are kept as a draft
    session = await sim.processor.services.sessions.load(f"user:{sim.user_id}")
    assert session.dialog == "application"
    screen = await sim.text("ยกเลิก")
    assert "ฉบับร่าง" in screen.text and "ทำต่อ" in screen.text
    session = await sim.processor.services.sessions.load(f"user:{sim.user_id}")
    assert session.dialog is None


async def test_a_short_no_inside_a_flow_answers_the_question(sim: Simulator) -> None:
    await sim.text("อยากแจ้งเรื่องน้ำประปาไม่ไหลค่ะ")
    before = await sim.processor.services.sessions.load(f"user:{sim.user_id}")
    assert before.dialog == "complaint"
    await sim.text("ไม่ต้อง")
    after = await sim.processor.services.sessions.load(f"user:{sim.user_id}")
    assert after.dialog == "complaint"  # still in the complaint: nothing typed was thrown away


async def test_cancel_with_nothing_open_says_so(sim: Simulator) -> None:
    screen = await sim.text("ยกเลิก")
    assert "ไม่มีรายการที่ค้างอยู่" in screen.text


async def test_a_person_is_offered_only_after_two_misses_in_a_row(sim: Simulator) -> None:
    await sim.text("ขอสูตรแกงส้มหน่อย")
    session = await sim.processor.services.sessions.load(f"user:{sim.user_id}")
    assert session.misses == 1
    await sim.text("อยากแจ้งเรื่องไฟฟ้าดับค่ะ")  # understood: a complaint starts
    await sim.text("ยกเลิก")
    after_understood = await sim.text("ขอสูตรแกงส้มหน่อย")
    session = await sim.processor.services.sessions.load(f"user:{sim.user_id}")
    assert session.misses == 1, after_understood.text
    await sim.text("ทีมไหนชนะบอลเมื่อคืน")
    session = await sim.processor.services.sessions.load(f"user:{sim.user_id}")
    assert session.misses == 2
