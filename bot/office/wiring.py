"""Building the office side's long-lived parts from `Services` (the app and `python -m bot worker`)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.office.outbox import OutboxPolicy, OutboxSender
from bot.runtime.services import Services
from integrations.storage.models.cases import Case
from integrations.storage.models.office import OutboxMessage


def build_outbox_sender(services: Services) -> OutboxSender:
    settings = services.settings

    async def alert_for(session: AsyncSession, row: OutboxMessage) -> list[dict[str, Any]] | None:
        """The officers' group hears that a citizen could not be told about their case."""
        case = await session.get(Case, row.case_id) if row.case_id is not None else None
        if case is None:
            return None
        snapshot = services.knowledge.current
        text = snapshot.message("case.alert.undelivered", tracking=case.tracking_no,
                                error=(row.last_error or "-")[:120])
        return [{"type": "text", "text": text}]

    return OutboxSender(
        services.db, services.line, lambda: services.clock(),
        policy=OutboxPolicy(max_attempts=settings.outbox_max_attempts, lease_seconds=settings.outbox_lease_seconds),
        officer_group_id=settings.line_officer_group_id,
        alert_for=alert_for,
        bell=services.outbox_bell,
    )
