"""The case reminders' clock: every CASE_REMINDER_INTERVAL_SECONDS, `services.cases.send_reminders()`.

What is due and the exactly-once rules are in bot/office/cases.py (a reminder is an outbox
row with a deterministic retry key, written with the case's `*_reminded_at` mark).
"""

from __future__ import annotations

import asyncio
import logging

from bot.runtime.background import BackgroundTask
from bot.runtime.services import Services

log = logging.getLogger(__name__)


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
