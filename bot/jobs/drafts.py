"""Unfinished applications over time: a reminder DRAFT_REMINDER_DAYS before they expire, then expiry
after DRAFT_TTL_DAYS untouched (what was typed and the photos are deleted). Safe to run often."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.jobs.pushing import push_once
from bot.runtime.replies import Reply, Text, postback_choice
from bot.runtime.services import Services
from core.applications import ApplicationStatus
from core.ports import ApplicationRecord
from core.thai_dates import thai_date

REMINDER_NAMESPACE = uuid.UUID("0c7e7f0e-8a51-4d0b-9a7c-2b8e3e6f4d21")  # never change: keys must repeat


@dataclass
class DraftSweep:
    reminded: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)


async def _push(services: Services, app: ApplicationRecord, replies: list[Reply], purpose: str) -> bool:
    key = str(uuid.uuid5(REMINDER_NAMESPACE, f"{purpose}:{app.id}:{app.updated_at.isoformat()}"))
    return await push_once(services.line, app.line_user_id, replies, key, f"the {purpose} of draft {app.id}")


async def sweep_drafts(services: Services, now: datetime | None = None) -> DraftSweep:
    """Remind drafts about to expire and expire the old ones (idempotent)."""
    settings = services.settings
    now = now or services.clock()
    applications = services.ports.applications
    ttl = timedelta(days=settings.draft_ttl_days)
    remind_from = ttl - timedelta(days=settings.draft_reminder_days)
    result = DraftSweep()
    snapshot = services.knowledge.current
    for app in await applications.drafts_older_than(now - min(remind_from, ttl)):
        service = snapshot.services.get(app.service_id)
        name = service.short_name if service else app.service_title
        expires = app.updated_at + ttl
        if expires <= now:
            await applications.withdraw(app, ApplicationStatus.expired, actor="system",
                                        note=f"draft older than {settings.draft_ttl_days} days")
            expired = snapshot.office_message("application.draft.expired", service=name)
            await _push(services, app, [Text(text=expired)], "expiry")
            result.expired.append(app.id or 0)
        elif app.reminded_at is None and settings.draft_reminder_days > 0:
            day = thai_date(snapshot.message, expires.astimezone(now.tzinfo).date())
            label = snapshot.office_message("application.choice.continue")
            text = snapshot.office_message("application.draft.reminder", service=name, expires=day)
            choice = postback_choice(label, "app_resume", id=str(app.id))
            if await _push(services, app, [Text(text=text, choices=[choice])], "reminder"):
                await applications.mark_reminded(app)
                result.reminded.append(app.id or 0)
    return result
