"""Case reminders: one when a fee is FEE_REMINDER_DAYS from its due date, one when a fix/documents request has
waited CASE_IDLE_REMINDER_DAYS; and the task that looks every CASE_REMINDER_INTERVAL_SECONDS.

Exactly once: the reminder is an outbox row with a deterministic retry key (case, kind, version), written in
the same transaction as the case's `*_reminded_at` mark.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.office.cases import CaseService
from bot.office.notify import fee_reminder, idle_reminder
from bot.office.outbox import enqueue
from bot.runtime.background import BackgroundTask
from bot.runtime.render import render_all
from bot.runtime.services import Services
from core.cases import CaseState
from integrations.storage.models.applications import Application
from integrations.storage.models.cases import Case

log = logging.getLogger(__name__)
S = CaseState
REMINDER_PURPOSE = "case.reminder"
REMINDER_KEYS = uuid.UUID("3c1e1a0e-8a77-4c59-9d0e-5a2b7f3c0d42")  # never change: reminder keys must repeat


async def send_reminders(cases: CaseService) -> int:
    """One fee reminder FEE_REMINDER_DAYS before the due date; one reminder of an idle document request."""
    settings = cases.services.settings
    now, today = cases.now(), cases.today()
    idle_before = now - timedelta(days=settings.case_idle_reminder_days)
    sent = 0
    async with cases.services.db.session() as session:
        fee_rows = (await session.exec(
            select(Case, Application).join(Application, col(Application.id) == col(Case.application_id))
            .where(Case.state == S.fee_due.value, col(Case.fee_reminded_at).is_(None),
                   col(Case.fee_due).is_not(None))
        )).all()
        for case, app in fee_rows:
            if case.fee_due is None or case.fee_due - today > timedelta(days=settings.fee_reminder_days) \
                    or case.fee_due < today:
                continue
            notice = cases.notice(case, app)
            _remind(cases, session, case, fee_reminder(cases.snapshot, notice), "fee", now)
            await session.exec(update(Case).where(col(Case.id) == case.id).values(fee_reminded_at=now)
                               .execution_options(synchronize_session=False))
            sent += 1
        idle_rows = (await session.exec(
            select(Case, Application).join(Application, col(Application.id) == col(Case.application_id))
            .where(col(Case.state).in_([S.fix_uploads.value, S.more_documents.value]),
                   col(Case.idle_reminded_at).is_(None), col(Case.state_changed_at) <= idle_before)
        )).all()
        for case, app in idle_rows:
            _remind(cases, session, case, idle_reminder(cases.snapshot, cases.notice(case, app)), "idle", now)
            await session.exec(update(Case).where(col(Case.id) == case.id).values(idle_reminded_at=now)
                               .execution_options(synchronize_session=False))
            sent += 1
    if sent:
        cases.services.outbox_bell.ring()
    return sent


def _remind(cases: CaseService, session: AsyncSession, case: Case, replies: list[Any], kind: str,
            now: datetime) -> None:
    # one key per case, kind and version: a reminder can never be enqueued twice for one request
    key = str(uuid.uuid5(REMINDER_KEYS, f"{case.id}:{kind}:{case.version}"))
    enqueue(session, case.line_user_id, render_all(replies), purpose=REMINDER_PURPOSE, now=now,
            case_id=case.id, retry_key=key)


class CaseReminderTask(BackgroundTask):
    def __init__(self, services: Services) -> None:
        self.services = services
        self._task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        interval = self.services.settings.case_reminder_interval_seconds
        await asyncio.sleep(min(interval, 30))  # let start-up finish first
        while True:
            try:
                sent = await self.services.cases.send_reminders()
                if sent:
                    log.info("case reminders: %d queued", sent)
            except Exception:
                log.exception("case reminders failed")
            await asyncio.sleep(interval)

    def start(self) -> None:
        self._launch(self.run, "case-reminders")
