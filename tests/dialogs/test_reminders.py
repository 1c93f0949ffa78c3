"""Deadline reminders: subscribe / list / opt out in the chat, and the scheduler's exactly-once pushes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

from bot.jobs.reminders import ReminderSettings
from bot.jobs.scheduler import JobScheduler
from bot.runtime.context import TurnContext
from bot.runtime.services import Services
from bot.runtime.sessions import Session
from bot.tools.simulator import Simulator
from bot.transport.events import EventKind, InboundEvent
from core.deadlines import RETRY_KEY_NAMESPACE, due_kinds, retry_key, window
from core.thai_dates import thai_date
from dialogs.reminders import reminder_choice
from integrations.line.fake import FakeLineServer
from integrations.storage import models
from integrations.storage.models.civic import ReminderSubscription, SentReminder
from knowledge.schema import Deadline

BANGKOK = timedelta(hours=7)
SIGNBOARD = "a=remind&s=signboard_tax&d=signboard_tax_filing"


def at(day: date, hour: int = 9) -> datetime:
    """A Bangkok wall-clock time as the UTC instant services.clock returns."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - BANGKOK


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def clock(services: Services) -> Clock:
    clock = Clock(at(date(2026, 1, 15)))
    services.clock = clock
    async with services.db.engine.begin() as conn:
        await conn.run_sync(models.metadata.create_all)
    return clock


def scheduler(services: Services, closing_days: int = 7) -> JobScheduler:
    return JobScheduler(services, ReminderSettings(_env_file=None, closing_days=closing_days))  # type: ignore[call-arg]


async def _sent(services: Services) -> list[SentReminder]:
    async with services.db.session() as session:
        return list((await session.exec(select(SentReminder))).all())


def _pushes(fake_line: FakeLineServer) -> list[dict]:  # type: ignore[type-arg]
    return [c.body for c in fake_line.sent("/push")]


def test_windows_and_thai_dates(knowledge_store: object) -> None:
    feb = Deadline(id="x", description="x", month=2)
    assert window(feb, 2028) == window(feb, 2028)
    assert window(feb, 2028).closes == date(2028, 2, 29) and window(feb, 2027).closes == date(2027, 2, 28)
    march = Deadline(id="y", description="y", month=3, day_from=1, day_to=31)
    assert due_kinds(march, date(2026, 2, 28), 7) == []
    assert due_kinds(march, date(2026, 3, 1), 7) == ["open"]
    assert due_kinds(march, date(2026, 3, 24), 7) == ["open", "closing"]
    assert due_kinds(march, date(2026, 4, 1), 7) == []
    assert due_kinds(march, date(2026, 3, 30), 0) == ["open"]
    snapshot = knowledge_store.current  # type: ignore[attr-defined]
    assert thai_date(snapshot.message, date(2026, 3, 1)) == "1 มีนาคม 2569"
    assert retry_key(5, 2026, "open") == str(uuid.uuid5(RETRY_KEY_NAMESPACE, "5:2026:open"))


async def test_subscribe_then_the_scheduler_reminds_once_a_year(
    sim: Simulator, services: Services, fake_line: FakeLineServer, clock: Clock
) -> None:
    done = await sim.postback(SIGNBOARD)
    assert "ตั้งการแจ้งเตือนแล้วค่ะ" in done.text and "ภาษีป้าย" in done.text
    assert "1 มีนาคม 2569" in done.text

    clock.now = at(date(2026, 2, 28))
    assert await scheduler(services).tick() == 0  # not yet
    clock.now = at(date(2026, 3, 1), hour=8)
    assert await scheduler(services).tick() == 1
    assert await scheduler(services).tick() == 0  # a restart (a new scheduler) does not send again
    [push] = fake_line.sent("/push")
    assert push.body["to"] == sim.user_id
    [sub] = await _subscriptions(services)
    assert push.headers["X-Line-Retry-Key"] == retry_key(sub.id, 2026, "open")  # type: ignore[arg-type]
    text = push.body["messages"][0]["text"]
    assert "ภาษีป้าย" in text and "31 มีนาคม 2569" in text and "ค่ะ" in text
    labels = [i["action"]["label"] for i in push.body["messages"][0]["quickReply"]["items"]]
    assert labels == ["เอกสารที่ต้องใช้", "เลิกแจ้งเตือน"]

    clock.now = at(date(2026, 3, 24))
    assert await scheduler(services).tick() == 1  # a week before it closes
    assert "อีก 7 วัน" in _pushes(fake_line)[-1]["messages"][0]["text"]
    clock.now = at(date(2026, 3, 31), hour=23)
    assert await scheduler(services).tick() == 0
    clock.now = at(date(2027, 3, 2))
    assert await scheduler(services).tick() == 1  # next year
    assert {(s.year, s.kind) for s in await _sent(services)} == {(2026, "open"), (2026, "closing"), (2027, "open")}


async def _subscriptions(services: Services) -> list[ReminderSubscription]:
    async with services.db.session() as session:
        return list((await session.exec(select(ReminderSubscription))).all())


async def test_a_push_accepted_before_a_crash_is_not_sent_twice(
    sim: Simulator, services: Services, fake_line: FakeLineServer, clock: Clock
) -> None:
    await sim.postback(SIGNBOARD)
    [sub] = await _subscriptions(services)
    clock.now = at(date(2026, 3, 3))
    # the previous process pushed with the deterministic key, then died before recording it
    await services.line.push(sim.user_id, [{"type": "text", "text": "x"}], retry_key=retry_key(sub.id, 2026, "open"))  # type: ignore[arg-type]
    assert await scheduler(services).tick() == 1  # LINE answers 409: counted as delivered, recorded
    assert len(fake_line.sent("/push")) == 1
    assert [c.status for c in fake_line.calls if c.path.endswith("/push")] == [200, 409]
    assert await scheduler(services).tick() == 0 and len(await _sent(services)) == 1


async def test_a_late_start_sends_only_the_closing_reminder(
    sim: Simulator, services: Services, fake_line: FakeLineServer, clock: Clock
) -> None:
    await sim.postback(SIGNBOARD)
    clock.now = at(date(2026, 3, 28))  # the bot was down the whole month
    assert await scheduler(services).tick() == 1
    assert "อีก 3 วัน" in _pushes(fake_line)[0]["messages"][0]["text"]
    assert await scheduler(services).tick() == 0


async def test_opt_out_from_the_reminder_button(
    sim: Simulator, services: Services, fake_line: FakeLineServer, clock: Clock
) -> None:
    await sim.postback("a=remind&s=elderly_allowance&d=elderly_allowance_registration")
    clock.now = at(date(2026, 11, 1))
    assert await scheduler(services).tick() == 1
    button = _pushes(fake_line)[0]["messages"][0]["quickReply"]["items"][1]["action"]
    stopped = await sim.postback(button["data"])
    assert "เลิกแจ้งเตือนเรื่อง “เบี้ยยังชีพผู้สูงอายุ” แล้วค่ะ" in stopped.text
    clock.now = at(date(2026, 11, 25))
    assert await scheduler(services).tick() == 0
    again = await sim.choose("ตั้งเตือนอีกครั้ง")
    assert "ตั้งการแจ้งเตือนแล้วค่ะ" in again.text


async def test_words_subscribe_list_and_stop(sim: Simulator, services: Services, clock: Clock) -> None:
    pick = await sim.text("เตือนด้วย")
    assert "ให้เตือนเรื่องใดคะ" in pick.text
    assert "ภาษีป้าย: 1 – 31 มีนาคม 2569" in pick.text
    assert "เบี้ยความพิการ: 1 – 30 พฤศจิกายน 2569" in pick.text
    await sim.choose("เบี้ยความพิการ")
    direct = await sim.text("เตือนภาษีป้ายด้วย")
    assert "ตั้งการแจ้งเตือนแล้วค่ะ" in direct.text and "ภาษีป้าย" in direct.text
    mine = await sim.text("เลิกแจ้งเตือน")
    assert "1. เบี้ยความพิการ" in mine.text and "2. ภาษีป้าย" in mine.text
    stopped = await sim.choose("เลิกเตือน ภาษีป้าย")
    assert "เลิกแจ้งเตือนเรื่อง “ภาษีป้าย”" in stopped.text
    listed = await sim.choose("การแจ้งเตือนของฉัน")
    assert "เบี้ยความพิการ" in listed.text and "ภาษีป้าย" not in listed.text.split("\n\n")[0]
    subs = await _subscriptions(services)
    assert {(s.service_id, s.opted_out) for s in subs} == {("disability_allowance", False), ("signboard_tax", True)}


async def test_subscribing_inside_the_window_says_so_and_is_not_repeated(
    sim: Simulator, services: Services, fake_line: FakeLineServer, clock: Clock
) -> None:
    clock.now = at(date(2026, 11, 10))
    done = await sim.postback("a=remind&s=disability_allowance")
    assert "ตอนนี้อยู่ในช่วงยื่นแล้วค่ะ ยื่นได้ถึงวันที่ 30 พฤศจิกายน 2569" in done.text
    assert "23 พฤศจิกายน 2569" in done.text  # the closing reminder
    assert await scheduler(services).tick() == 0
    clock.now = at(date(2026, 11, 23))
    assert await scheduler(services).tick() == 1
    again = await sim.postback("a=remind&s=disability_allowance")
    assert "ไว้แล้วค่ะ" in again.text


async def test_no_deadline_and_someone_elses_subscription(
    sim: Simulator, services: Services, clock: Clock
) -> None:
    none = await sim.postback("a=remind&s=building_construction")
    assert "ไม่มีกำหนดยื่นประจำปีค่ะ" in none.text
    async with services.db.session() as session:
        other = ReminderSubscription(line_user_id="Uother", service_id="signboard_tax",
                                     deadline_id="signboard_tax_filing", created_at=clock.now)
        session.add(other)
    refused = await sim.postback(f"a=remind&op=off&id={other.id}")
    assert "ไม่พบการแจ้งเตือนนี้" in refused.text
    [row] = await _subscriptions(services)
    assert row.opted_out is False


def test_reminder_choice_for_other_dialogs(services: Services) -> None:
    event = InboundEvent(event_id="e", kind=EventKind.text, line_type="message", user_id="U1", text="x")
    ctx = TurnContext(event=event, session=Session(), knowledge=services.knowledge.current, services=services,
                      now=datetime.now(UTC))
    choice = reminder_choice(ctx, "signboard_tax")
    assert choice is not None and choice.data == "a=remind&s=signboard_tax"
    assert reminder_choice(ctx, "building_construction") is None


async def test_the_app_runs_the_scheduler(client: httpx.AsyncClient, app: FastAPI) -> None:
    reminders = app.state.reminders
    assert isinstance(reminders, JobScheduler)
    assert reminders._task is not None and not reminders._task.done()
