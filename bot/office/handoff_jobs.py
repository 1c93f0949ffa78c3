"""Handoff work outside a turn: the escalation job, and the LINE groups the bot was invited to.

`HandoffEscalator` runs `HandoffService.escalate_due` every HANDOFF_CHECK_SECONDS in the app.
`record_group` is called by the dispatcher for `join`/`leave` events; `print_groups` is
`python -m bot officer group`, which prints the id to put in LINE_OFFICER_GROUP_ID.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlmodel import col, select

from bot.office.handoffs import HandoffService
from bot.runtime.background import BackgroundTask
from bot.runtime.services import Services
from integrations.storage.db import Database
from integrations.storage.models.handoff import LineGroup

log = logging.getLogger(__name__)


async def record_group(services: Services, group_id: str, joined: bool) -> None:
    """A `join` (or `leave`) event: remember the group so `python -m bot officer group` can print it."""
    now = services.clock()
    async with services.db.session() as session:
        row = await session.get(LineGroup, group_id)
        if row is None:
            row = LineGroup(group_id=group_id, joined_at=now)
        if joined:
            row.joined_at, row.left_at = now, None
        else:
            row.left_at = now
        session.add(row)


async def groups_seen(db: Database) -> list[LineGroup]:
    """LINE groups the bot was invited to (newest first), for `python -m bot officer group`."""
    async with db.session() as session:
        rows = await session.exec(select(LineGroup).order_by(col(LineGroup.joined_at).desc()))
        return list(rows.all())


async def print_groups(db: Database, say: Callable[[str], None]) -> int:
    groups = await groups_seen(db)
    if not groups:
        say("no group seen yet: invite the bot to the officers' LINE group, then run this again")
        return 1
    for group in groups:
        state = f"left {group.left_at:%Y-%m-%d %H:%M}" if group.left_at else "member"
        say(f"{group.group_id}\tjoined {group.joined_at:%Y-%m-%d %H:%M} UTC\t{state}")
    current = next((g for g in groups if g.left_at is None), None)
    if current is not None:
        say(f"set LINE_OFFICER_GROUP_ID={current.group_id}")
    return 0


class HandoffEscalator(BackgroundTask):
    """The escalation job: an asyncio task in the app, every HANDOFF_CHECK_SECONDS."""

    def __init__(self, services: Services) -> None:
        self.service = HandoffService(services)
        self.interval = services.settings.handoff_check_seconds

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.service.escalate_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("handoff escalation failed")

    def start(self) -> None:
        self._launch(self.run, "handoff-escalator")
