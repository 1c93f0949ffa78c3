"""Slots answer their own question: while a flow waits for an answer, words that do not fit are
asked again in context; only a confident other question (or a button) leaves the flow."""

from __future__ import annotations

from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from integrations.line.fake import FakeLineServer
from integrations.sms.fake import FakeSms
from tests.applications.helpers import FakeClock, tap, to_review


async def _at_use_previous_details(sim: Simulator, services: Services, line: FakeLineServer, sms: FakeSms) -> None:
    services.clock = FakeClock()
    await to_review(sim, line)
    await tap(sim, "ยืนยันและส่งคำขอ")
    assert "TJL-2569-000001" in (await sim.text(sms.last_code())).text
    await sim.text("ขอยื่นเบี้ยความพิการ")
    asked = await tap(sim, "ยอมรับ")
    assert "ใช้ข้อมูลผู้ยื่นเดิมไหมคะ" in asked.text


async def test_an_answer_that_does_not_fit_is_asked_again_not_a_new_topic(
    sim: Simulator, services: Services, fake_line: FakeLineServer, fake_sms: FakeSms
) -> None:
    await _at_use_previous_details(sim, services, fake_line, fake_sms)
    stray = await sim.text("บ้านเลขที่ 12 หมู่ 5")  # the NLU half-thinks "complaint" (0.4)
    assert "ร้องเรียน" not in stray.text
    assert "ใช้ข้อมูลผู้ยื่นเดิมไหมคะ" in stray.text  # the same question, in context
    reused = await sim.choose("ใช้ข้อมูลนี้")
    assert "ใช้ข้อมูลผู้ยื่นเดิมแล้ว" in reused.text


async def test_a_confident_other_question_is_answered_and_ทำต่อ_comes_back(
    sim: Simulator, services: Services, fake_line: FakeLineServer, fake_sms: FakeSms
) -> None:
    await _at_use_previous_details(sim, services, fake_line, fake_sms)
    hours = await sim.text("วันนี้เปิดไหม")
    assert "08:30" in hours.text
    resumed = await sim.text("ทำต่อ")
    assert "เบี้ยความพิการ" in resumed.text and "ใช้ข้อมูลผู้ยื่นเดิม" in resumed.text


async def test_applying_outside_the_registration_window_says_when_it_opens(
    sim: Simulator, services: Services
) -> None:
    from datetime import UTC, datetime

    services.clock = lambda: datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 2 December: the window closed
    screen = await sim.text("ขอยื่นเบี้ยยังชีพผู้สูงอายุ")
    first = sim.messages[0]["text"]
    assert "ยังไม่อยู่ในช่วงลงทะเบียน" in first and "1 พฤศจิกายน 2570" in first
    labels = [a.label for a in screen.actions]
    assert "เตือนเมื่อถึงกำหนด" in labels and "ยอมรับ" in labels  # a reminder, and a draft still allowed
    reminded = await sim.choose("เตือนเมื่อถึงกำหนด")
    assert "เตือน" in reminded.text


async def test_inside_the_window_there_is_no_such_note(sim: Simulator, services: Services) -> None:
    from datetime import UTC, datetime

    services.clock = lambda: datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
    screen = await sim.text("ขอยื่นเบี้ยยังชีพผู้สูงอายุ")
    assert "ยังไม่อยู่ในช่วงลงทะเบียน" not in screen.text
