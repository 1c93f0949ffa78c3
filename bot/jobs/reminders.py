"""Deadline reminders: push "the window is open" (and "closing soon") to citizens who subscribed
in the chat (dialogs/reminders.py); the calendar rules are in core/deadlines.py.

Each run looks at every active subscription and the service's `deadlines` in the knowledge
files, dates in the bot's time zone (Asia/Bangkok). Exactly once: each push carries
X-Line-Retry-Key = uuid5(subscription id, year, kind), and a row is recorded after LINE
accepts it. A crash between the two makes the next run push again with the same key;
LINE answers 409 (already accepted) and the row is recorded then. Nothing is sent after
a window has closed.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.jobs.pushing import push_once
from bot.runtime.replies import Text, postback_choice
from bot.runtime.services import Services
from core.deadlines import CLOSING, OPEN, Window, due_kinds, retry_key, window
from core.thai_dates import date_range, thai_date
from knowledge.schema import Deadline, Service
from knowledge.snapshot import KnowledgeSnapshot

log = logging.getLogger(__name__)


class ReminderSettings(BaseSettings):
    """REMINDER_* environment variables (or .env)."""

    model_config = SettingsConfigDict(env_prefix="REMINDER_", env_file=".env", extra="ignore")

    enabled: bool = True
    interval_seconds: float = Field(default=3600, ge=1)
    initial_delay_seconds: float = Field(default=15, ge=0)  # let start-up finish first
    closing_days: int = Field(default=7, ge=0, le=27)
    batch_limit: int = Field(default=1000, ge=1)  # pushes per run, at most


@lru_cache
def reminder_settings() -> ReminderSettings:
    return ReminderSettings()


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
                                       days=(win.closes - today).days, close_date=close_date,
                                       description=deadline.description)
    else:
        body = snapshot.office_message("remind.push.open", service=service.short_name,
                                       description=deadline.description, close_date=close_date)
    return Text(
        text=f"{body}\n{snapshot.office_message('remind.push.footer')}",
        choices=[
            postback_choice(snapshot.office_message("remind.documents.label"), "documents", s=service.id),
            postback_choice(snapshot.office_message("remind.push.stop.label"), "remind", op="off",
                            id=str(subscription_id)),
        ],
    )


async def send_due_reminders(services: Services, settings: ReminderSettings, today: date) -> int:
    """Send every reminder due `today`; returns how many were pushed."""
    snapshot = services.knowledge.current
    reminders = services.ports.reminders
    subscriptions = await reminders.all_active()
    sent = await reminders.sent_in(today.year)
    pushed = 0
    for sub in subscriptions:
        found = find_deadline(snapshot, sub.service_id, sub.deadline_id)
        if found is None or sub.id is None:
            continue  # the service or deadline was removed from the knowledge files
        due = [k for k in due_kinds(found[1], today, settings.closing_days) if (sub.id, k) not in sent]
        if not due:
            continue
        kind = CLOSING if CLOSING in due else OPEN
        key = retry_key(sub.id, today.year, kind)
        reply = reminder_text(snapshot, *found, today, kind, sub.id)
        if await push_once(services.line, sub.line_user_id, [reply], key, f"reminder for subscription {sub.id}"):
            await reminders.record_sent(sub.id, today.year, due, key, services.clock())
            pushed += 1
            if pushed >= settings.batch_limit:
                log.warning("reminder batch limit reached; the rest go out next run")
                break
    if pushed:
        log.info("sent %d deadline reminder(s)", pushed)
    return pushed
