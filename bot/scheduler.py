"""Deadline reminders: an asyncio task that pushes "the window is open" (and "closing soon")
to citizens who subscribed in the chat (dialogs/reminders.py).

Each tick (every REMINDER_INTERVAL_SECONDS, clock = services.clock, dates in the bot's
time zone, Asia/Bangkok) looks at every active subscription and the service's `deadlines`
in the knowledge files:

- "open": sent once per subscription and year, on any day of the window [day_from, day_to];
- "closing": sent once, REMINDER_CLOSING_DAYS before the window closes (0 turns it off);
  when both are due (the bot was down), only "closing" is sent and both are recorded.

Exactly once: each push carries X-Line-Retry-Key = uuid5(subscription id, year, kind), and
a `SentReminder` row is written after LINE accepts it. A crash between the two makes the
next tick push again with the same key; LINE answers 409 (already accepted) and the row
is written then. Nothing is sent after a window has closed.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.runtime.render import render_all
from bot.runtime.replies import Text, postback_choice
from bot.runtime.services import Services
from core.thai_dates import date_range, thai_date
from integrations.line.client import LineError
from integrations.storage.models.civic import ReminderSubscription, SentReminder
from knowledge.schema import Deadline, Service
from knowledge.snapshot import KnowledgeSnapshot

log = logging.getLogger(__name__)

OPEN = "open"
CLOSING = "closing"
RETRY_KEY_NAMESPACE = uuid.UUID("6f1d3c52-5b0e-4c8e-9a51-2f7c0e0d9b11")  # never change: keys must repeat


class ReminderSettings(BaseSettings):
    """REMINDER_* environment variables (or .env)."""

    model_config = SettingsConfigDict(env_prefix="REMINDER_", env_file=".env", extra="ignore")

    enabled: bool = True
    interval_seconds: float = Field(default=3600, ge=1)
    initial_delay_seconds: float = Field(default=15, ge=0)  # let start-up finish first
    closing_days: int = Field(default=7, ge=0, le=27)
    batch_limit: int = Field(default=1000, ge=1)  # pushes per tick, at most


@lru_cache
def reminder_settings() -> ReminderSettings:
    return ReminderSettings()


# --- the calendar ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    opens: date
    closes: date


def window(deadline: Deadline, year: int) -> Window:
    last = calendar.monthrange(year, deadline.month)[1]
    opens = date(year, deadline.month, min(deadline.day_from, last))
    closes = date(year, deadline.month, min(deadline.day_to or last, last))
    return Window(opens, max(opens, closes))


def next_window(deadline: Deadline, today: date) -> Window:
    """This year's window if it has not closed yet, else next year's."""
    this_year = window(deadline, today.year)
    return this_year if today <= this_year.closes else window(deadline, today.year + 1)


def closing_day(win: Window, closing_days: int) -> date | None:
    if closing_days <= 0:
        return None
    day = win.closes - timedelta(days=closing_days)
    return day if day > win.opens else None  # a short window gets only the "open" reminder


def due_kinds(deadline: Deadline, today: date, closing_days: int) -> list[str]:
    win = window(deadline, today.year)
    if not win.opens <= today <= win.closes:
        return []
    kinds = [OPEN]
    closing = closing_day(win, closing_days)
    if closing is not None and today >= closing:
        kinds.append(CLOSING)
    return kinds


def retry_key(subscription_id: int, year: int, kind: str) -> str:
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"{subscription_id}:{year}:{kind}"))


# --- wording (knowledge/national/messages/civic.yaml) ----------------------------------------


def window_text(snapshot: KnowledgeSnapshot, win: Window) -> str:
    """1 – 31 มีนาคม 2569."""
    return date_range(snapshot.message, win.opens, win.closes)


def find_deadline(snapshot: KnowledgeSnapshot, service_id: str, deadline_id: str) -> tuple[Service, Deadline] | None:
    service = snapshot.services.get(service_id)
    if service is None:
        return None
    deadline = next((d for d in service.deadlines if d.id == deadline_id), None)
    return (service, deadline) if deadline is not None else None


def reminder_text(
    snapshot: KnowledgeSnapshot, service: Service, deadline: Deadline, today: date, kind: str,
    subscription_id: int,
) -> Text:
    win = window(deadline, today.year)
    close_date = thai_date(snapshot.message, win.closes)
    if kind == CLOSING:
        body = snapshot.office_message("remind.push.closing", service=service.short_name,
                          days=(win.closes - today).days, close_date=close_date, description=deadline.description)
    else:
        body = snapshot.office_message("remind.push.open", service=service.short_name,
                          description=deadline.description, close_date=close_date)
    docs = snapshot.office_message("remind.documents.label")
    stop = snapshot.office_message("remind.push.stop.label")
    return Text(
        text=f"{body}\n{snapshot.office_message('remind.push.footer')}",
        choices=[
            postback_choice(docs, "documents", s=service.id),
            postback_choice(stop, "remind", op="off", id=str(subscription_id)),
        ],
    )


# --- the task -------------------------------------------------------------------------------


class ReminderScheduler:
    def __init__(self, services: Services, settings: ReminderSettings | None = None) -> None:
        self.services = services
        self.settings = settings or reminder_settings()
        self._zone = ZoneInfo(services.settings.timezone)
        self._task: asyncio.Task[None] | None = None

    def today(self) -> date:
        return self.services.clock().astimezone(self._zone).date()

    async def tick(self) -> int:
        """Send every reminder due now; returns how many were pushed."""
        today = self.today()
        snapshot = self.services.knowledge.current
        async with self.services.db.session() as session:
            active = select(ReminderSubscription).where(col(ReminderSubscription.opted_out).is_(False))
            subscriptions = list((await session.exec(active)).all())
            sent_rows = await session.exec(
                select(SentReminder.subscription_id, SentReminder.kind).where(SentReminder.year == today.year)
            )
            sent = {(sub_id, kind) for sub_id, kind in sent_rows.all()}
        pushed = 0
        for sub in subscriptions:
            found = find_deadline(snapshot, sub.service_id, sub.deadline_id)
            if found is None or sub.id is None:
                continue  # the service or deadline was removed from the knowledge files
            due = [k for k in due_kinds(found[1], today, self.settings.closing_days) if (sub.id, k) not in sent]
            if not due:
                continue
            kind = CLOSING if CLOSING in due else OPEN
            key = retry_key(sub.id, today.year, kind)
            if await self._push(sub, reminder_text(snapshot, *found, today, kind, sub.id), key):
                await record_sent(self.services, sub.id, today.year, due, key)
                pushed += 1
                if pushed >= self.settings.batch_limit:
                    log.warning("reminder batch limit reached; the rest go out next tick")
                    break
        if pushed:
            log.info("sent %d deadline reminder(s)", pushed)
        return pushed

    async def _push(self, sub: ReminderSubscription, reply: Text, key: str) -> bool:
        try:
            await self.services.line.push(sub.line_user_id, render_all([reply]), retry_key=key)
        except LineError as err:
            if err.status == 409:  # an earlier attempt with this key was accepted
                return True
            log.warning("reminder for subscription %s not sent: %s", sub.id, err)
            return False
        return True

    async def run(self) -> None:
        await asyncio.sleep(self.settings.initial_delay_seconds)
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reminder tick failed")
            try:
                await self.sweep_drafts()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("draft sweep failed")
            await asyncio.sleep(self.settings.interval_seconds)

    async def sweep_drafts(self) -> None:
        """Remind citizens of drafts about to expire, and expire old ones (idempotent)."""
        from dialogs.drafts import sweep_drafts  # dialogs import the bot core: import late

        result = await sweep_drafts(self.services)
        if result.expired or result.reminded:
            log.info("drafts: %d expired, %d reminded", len(result.expired), len(result.reminded))

    def start(self) -> None:
        if self.settings.enabled and self._task is None:
            self._task = asyncio.create_task(self.run(), name="reminder-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


async def record_sent(services: Services, subscription_id: int, year: int, kinds: list[str], key: str) -> None:
    """Mark reminders as sent (idempotent: a row written by another instance is fine)."""
    for kind in kinds:
        try:
            async with services.db.session() as session:
                session.add(SentReminder(subscription_id=subscription_id, year=year, kind=kind,
                                         retry_key=key, sent_at=services.clock()))
        except IntegrityError:
            log.debug("reminder %s/%s/%s already recorded", subscription_id, year, kind)
