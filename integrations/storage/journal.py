"""The inbound event journal (table `inbound_events`, see models/reliability.py).

Generic on purpose (event ids and JSON strings): the queue in bot/transport decides
what an event is; this module only makes it durable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from integrations.storage.db import Database
from integrations.storage.models.reliability import InboundEventRow

UNFINISHED = ("queued", "answering")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class JournalEntry:
    event_id: str
    state: str
    body: str
    messages: str | None
    reply_attempted: bool
    attempts: int


class EventJournal:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, event_id: str, body: str) -> bool:
        """Record an acknowledged event; False if this event id was recorded before (a redelivery)."""
        now = utc_now()
        try:
            async with self._db.session() as session:
                session.add(InboundEventRow(event_id=event_id, body=body, received_at=now, updated_at=now))
        except IntegrityError:
            return False
        return True

    async def _set(self, event_id: str, **values: object) -> None:
        async with self._db.session() as session:
            await session.exec(
                update(InboundEventRow).where(col(InboundEventRow.event_id) == event_id)
                .values(updated_at=utc_now(), **values)
            )

    async def answering(self, event_id: str, messages: str, reply_attempted: bool) -> None:
        await self._set(event_id, state="answering", messages=messages, reply_attempted=reply_attempted)

    async def done(self, event_id: str) -> None:
        # the body and the answer may hold personal data: nothing of them is kept once answered
        await self._set(event_id, state="done", body="", messages=None)

    async def failed(self, event_id: str, attempts: int) -> None:
        await self._set(event_id, state="failed", attempts=attempts)

    async def unfinished(self) -> list[JournalEntry]:
        """Acknowledged events not yet answered, oldest first (their order per user is kept)."""
        async with self._db.session() as session:
            rows = (await session.exec(
                select(InboundEventRow).where(col(InboundEventRow.state).in_(UNFINISHED))
                .order_by(col(InboundEventRow.id))
            )).all()
        return [JournalEntry(r.event_id, r.state, r.body, r.messages, r.reply_attempted, r.attempts) for r in rows]

    async def purge(self, finished_before: datetime) -> int:
        """Remove finished rows last touched before `finished_before` (retention; de-duplication window)."""
        async with self._db.session() as session:
            result = await session.exec(
                delete(InboundEventRow).where(col(InboundEventRow.state).in_(("done", "failed")))
                .where(col(InboundEventRow.updated_at) < finished_before)
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
