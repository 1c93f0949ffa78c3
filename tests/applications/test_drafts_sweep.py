"""Drafts over time: a reminder before DRAFT_TTL_DAYS, then expiry (typed data and photos deleted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.jobs.drafts import DraftSweep, sweep_drafts
from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from bot.tools.textview import screen_of
from integrations.line.fake import FakeLineServer
from integrations.storage.models.applications import Application
from tests.applications.helpers import FakeClock, elderly_form, identity, photo, start_elderly, tap

pytestmark = pytest.mark.both_databases  # every test here runs on SQLite and on PostgreSQL


async def draft_with_a_photo(sim: Simulator, line: FakeLineServer) -> None:
    await start_elderly(sim)
    await identity(sim)
    await elderly_form(sim)
    await photo(sim, line)


async def application(services: Services) -> Application:
    async with services.db.session() as session:
        return (await session.exec(Application.__table__.select())).one()  # type: ignore[attr-defined,no-any-return]


async def test_a_draft_is_reminded_three_days_before_and_expired_after_thirty(
    sim: Simulator, services: Services, fake_line: FakeLineServer, clock: FakeClock, settings: Settings
) -> None:
    await draft_with_a_photo(sim, fake_line)
    assert len(list(Path(settings.storage_dir).rglob("*.jpg"))) == 1
    clock.advance(days=26, hours=23)
    assert await sweep_drafts(services) == DraftSweep()

    clock.advance(hours=1)  # 27 days: 3 days before it expires
    first = await sweep_drafts(services)
    assert len(first.reminded) == 1 and first.expired == []
    pushes = fake_line.sent("/push")
    assert len(pushes) == 1 and pushes[0].body["to"] == sim.user_id
    reminder = screen_of(pushes[0].body["messages"])
    assert "จะถูกลบในวันที่ 9 กุมภาพันธ์ 2569" in reminder.text
    assert [a.label for a in reminder.actions] == ["ทำต่อ"]
    assert await sweep_drafts(services) == DraftSweep()  # reminded once only

    clock.advance(days=3)
    last = await sweep_drafts(services)
    assert last.expired == first.reminded and last.reminded == []
    app = await application(services)
    assert app.status == "expired" and app.applicant_name is None and app.national_id_enc is None
    assert list(Path(settings.storage_dir).rglob("*.jpg")) == []
    notice = screen_of(fake_line.sent("/push")[-1].body["messages"])
    assert "ระบบจึงลบแล้ว" in notice.text
    assert await sweep_drafts(services) == DraftSweep()
    gone = await sim.text("ทำต่อ")
    assert "ไม่มีคำขอที่ค้างอยู่" in gone.text


async def test_the_reminder_button_resumes_and_activity_restarts_the_countdown(
    sim: Simulator, services: Services, fake_line: FakeLineServer, clock: FakeClock
) -> None:
    await draft_with_a_photo(sim, fake_line)
    clock.advance(days=27)
    reminded = await sweep_drafts(services)
    button = screen_of(fake_line.sent("/push")[-1].body["messages"]).actions[0]
    resumed = await sim.tap(button)
    assert "ต่อจากที่ค้างไว้" in resumed.text and "เอกสาร 2/2" in resumed.text
    await tap(sim, "ส่งภายหลัง")
    clock.advance(days=27)  # 27 days after the last answer, not after the first
    again = await sweep_drafts(services)
    assert again.reminded == reminded.reminded and again.expired == []
    clock.advance(days=2)
    assert (await sweep_drafts(services)).expired == []
    clock.advance(days=1)
    assert (await sweep_drafts(services)).expired == reminded.reminded


async def test_submitted_applications_are_never_swept(
    sim: Simulator, services: Services, fake_line: FakeLineServer, clock: FakeClock
) -> None:
    from integrations.sms.fake import FakeSms

    await draft_with_a_photo(sim, fake_line)
    await photo(sim, fake_line)
    await tap(sim, "ยืนยันและส่งคำขอ")
    assert isinstance(services.sms, FakeSms)
    await sim.text(services.sms.last_code())
    clock.advance(days=400)
    assert await sweep_drafts(services) == DraftSweep()
    assert (await application(services)).status == "submitted"
