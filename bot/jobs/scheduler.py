"""The jobs outside a turn, on one asyncio task in the web process (or the worker): every
REMINDER_INTERVAL_SECONDS, deadline reminders (bot/jobs/reminders.py), then the draft sweep
(bot/jobs/drafts.py). A failing job is logged and tried again next time."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from zoneinfo import ZoneInfo

from bot.jobs.drafts import sweep_drafts
from bot.jobs.reminders import ReminderSettings, reminder_settings, send_due_reminders
from bot.runtime.background import BackgroundTask
from bot.runtime.services import Services

log = logging.getLogger(__name__)


class JobScheduler(BackgroundTask):
    def __init__(self, services: Services, settings: ReminderSettings | None = None) -> None:
        self.services = services
        self.settings = settings or reminder_settings()
        self._zone = ZoneInfo(services.settings.timezone)
        self._task: asyncio.Task[None] | None = None

    def today(self) -> date:
        return self.services.clock().astimezone(self._zone).date()

    async def tick(self) -> int:
        """Send every reminder due now; returns how many were pushed."""
        return await send_due_reminders(self.services, self.settings, self.today())

    async def sweep_drafts(self) -> None:
        """Remind citizens of drafts about to expire, and expire old ones (idempotent)."""
        result = await sweep_drafts(self.services)
        if result.expired or result.reminded:
            log.info("drafts: %d expired, %d reminded", len(result.expired), len(result.reminded))

    async def run(self) -> None:
        await asyncio.sleep(self.settings.initial_delay_seconds)
        while True:
            for job, name in ((self.tick, "reminder tick"), (self.sweep_drafts, "draft sweep")):
                try:
                    await job()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("%s failed", name)
            await asyncio.sleep(self.settings.interval_seconds)

    def start(self) -> None:
        if self.settings.enabled:
            self._launch(self.run, "job-scheduler")
