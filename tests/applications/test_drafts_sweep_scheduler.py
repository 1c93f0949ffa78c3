"""The scheduler that runs in the app also expires old drafts (not only reminders)."""

from __future__ import annotations

from datetime import timedelta

from bot.jobs.scheduler import JobScheduler
from bot.runtime.services import Services
from bot.tools.simulator import Simulator


async def test_scheduler_sweep_expires_a_draft_past_its_time(sim: Simulator, services: Services) -> None:
    await sim.text("ขอยื่นเบี้ยยังชีพผู้สูงอายุ")
    await sim.pick(1)  # accept the notice: the draft now exists
    real_clock = services.clock
    services.clock = lambda: real_clock() + timedelta(days=services.settings.draft_ttl_days + 1)
    await JobScheduler(services).sweep_drafts()
    screen = await sim.text("ทำต่อ")
    assert "ไม่มีคำขอที่ค้างอยู่" in screen.text
