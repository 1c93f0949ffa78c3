"""The citizen's side of a case in the chat: status with history, sending just what was asked, cancelling,
reminders once, counter payments."""

from __future__ import annotations

from sqlmodel import select

from bot.office.outbox import OutboxSender
from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from bot.tools.textview import screen_of
from core.cases import Actor
from integrations.line.fake import FakeLineServer
from integrations.storage.models.cases import Payment
from integrations.storage.models.office import OutboxMessage
from tests.applications.helpers import FakeClock, photo, tap
from tests.office.conftest import submitted_case


async def officer(services: Services, username: str = "somchai", role: str = "officer"):  # type: ignore[no-untyped-def]
    found = await services.accounts.get(username)
    return found or await services.accounts.create(username, "correct horse battery", role=role)


async def move(services: Services, tracking: str, to: str, **kwargs: object) -> None:
    who = await officer(services, "head", "admin") if to in {"approved", "denied"} else await officer(services)
    await services.cases.transition(tracking, to, actor=Actor(who.role), officer=who, **kwargs)  # type: ignore[arg-type]


async def test_status_shows_the_case_state_history_and_a_pasted_number(
    services: Services, user_id: str, clock: FakeClock
) -> None:
    tracking = await submitted_case(services, user_id)
    clock.advance(days=1)
    await move(services, tracking, "preliminary_check")
    sim = Simulator(services, user_id=user_id)
    screen = await sim.text("เรื่องของฉันถึงไหนแล้ว")
    assert tracking in screen.text and "เจ้าหน้าที่กำลังตรวจสอบคำขอเบื้องต้น" in screen.text
    assert "ความคืบหน้า" in screen.text and "11 มกราคม 2569" in screen.text
    pasted = await sim.text(tracking)
    assert "เจ้าหน้าที่กำลังตรวจสอบคำขอเบื้องต้น" in pasted.text


async def test_the_citizen_sends_only_the_documents_asked_for_and_the_case_returns(
    services: Services, user_id: str, fake_line: FakeLineServer, clock: FakeClock
) -> None:
    tracking = await submitted_case(services, user_id)
    await move(services, tracking, "preliminary_check")
    await move(services, tracking, "consideration")
    await move(services, tracking, "fix_uploads", note="รูปไม่ชัดค่ะ",
               documents=["สำเนาบัตรประจำตัวประชาชน", "หนังสือมอบอำนาจ"])
    sim = Simulator(services, user_id=user_id)
    status = await sim.text("ติดตามสถานะ")
    asked = await tap(sim, "ส่งเอกสาร")
    assert "1/2" in asked.text and "สำเนาบัตรประจำตัวประชาชน" in asked.text
    assert status.text  # the status card offered the button
    bad = await sim.file("huge.pdf", size=11 * 1024 * 1024)
    assert "10 MB" in bad.text and "1/2" in bad.text
    second = await photo(sim, fake_line)
    assert "2/2" in second.text and "หนังสือมอบอำนาจ" in second.text
    done = await photo(sim, fake_line)
    assert "ครบแล้ว" in done.text and "อยู่ระหว่างพิจารณา" in done.text
    detail = await services.cases.detail(tracking)
    assert detail.summary.state == "consideration" and detail.summary.waiting_for == "officer"
    assert detail.requested_documents == [] and detail.history[-1].actor_kind == "citizen"
    assert {d.name for d in detail.documents} >= {"สำเนาบัตรประจำตัวประชาชน", "หนังสือมอบอำนาจ"}
    again = await sim.postback(f"a=case_upload&t={tracking}")
    assert "ไม่มีเอกสารที่รอส่ง" in again.text


async def test_the_citizen_may_cancel_before_a_decision_and_not_after(
    services: Services, user_id: str, clock: FakeClock
) -> None:
    first = await submitted_case(services, user_id)
    second = await submitted_case(services, user_id)
    sim = Simulator(services, user_id=user_id)
    asked = await sim.postback(f"a=case_cancel&t={first}")
    assert first in asked.text
    kept = await tap(sim, "ไม่ยกเลิก")
    assert "ไม่ยกเลิก" in kept.text and (await services.cases.detail(first)).summary.state == "submitted"
    await sim.postback(f"a=case_cancel&t={first}")
    cancelled = await tap(sim, "ยืนยันยกเลิก")
    assert "ยกเลิกคำขอเลขที่" in cancelled.text and (await services.cases.detail(first)).summary.state == "cancelled"

    for to in ("preliminary_check", "consideration", "approved"):
        await move(services, second, to)
    late = await sim.postback(f"a=case_cancel&t={second}")
    assert "ยกเลิกในแชตไม่ได้" in late.text and (await services.cases.detail(second)).summary.state == "approved"


async def test_a_fee_reminder_and_an_idle_request_reminder_are_sent_once(
    services: Services, user_id: str, other_user: str, clock: FakeClock, sender: OutboxSender,
    fake_line: FakeLineServer,
) -> None:
    billed = await submitted_case(services, user_id)
    waiting = await submitted_case(services, other_user)
    for to in ("preliminary_check", "consideration", "approved"):
        await move(services, billed, to)
    await move(services, billed, "fee_due")  # 50 baht, due 15 days later (25 January)
    await move(services, waiting, "preliminary_check")
    await move(services, waiting, "more_documents", documents=["สำเนาทะเบียนบ้าน"])
    await sender.drain()
    before_user, before_other = len(fake_line.messages_to(user_id)), len(fake_line.messages_to(other_user))

    clock.advance(days=2)
    assert await services.cases.send_reminders() == 0  # nothing due yet
    clock.advance(days=2)  # 14 January: the request has waited 4 days
    assert await services.cases.send_reminders() == 1
    clock.advance(days=9)  # 23 January: two days before the fee is due
    assert await services.cases.send_reminders() == 1
    clock.advance(days=1)
    assert await services.cases.send_reminders() == 0  # each only once
    await sender.drain()
    [fee] = fake_line.messages_to(user_id)[before_user:]
    [idle] = fake_line.messages_to(other_user)[before_other:]
    assert "เตือนชำระค่าธรรมเนียม 50 บาท" in screen_of([fee]).text and "25 มกราคม 2569" in screen_of([fee]).text
    assert "ยังรอเอกสาร" in screen_of([idle]).text and "สำเนาทะเบียนบ้าน" in screen_of([idle]).text


async def test_paid_at_the_counter_is_recorded_and_receipted(
    services: Services, user_id: str, clock: FakeClock, sender: OutboxSender, fake_line: FakeLineServer
) -> None:
    tracking = await submitted_case(services, user_id)
    for to in ("preliminary_check", "consideration", "approved", "fee_due", "paid"):
        await move(services, tracking, to)
    async with services.db.session() as session:
        [payment] = (await session.exec(select(Payment))).all()
        rows = (await session.exec(select(OutboxMessage))).all()
    assert (payment.channel, payment.status, payment.amount_satang) == ("counter", "accepted", 5000)
    assert len(rows) == 5  # one push per move
    await sender.drain()
    assert "ได้รับชำระ 50 บาท" in screen_of(fake_line.messages_to(user_id)[-1:]).text
