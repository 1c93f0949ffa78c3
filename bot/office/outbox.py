"""The transactional outbox: pushes written with the state change, delivered by a sender.

Writing: call `enqueue(session, …)` inside the same database transaction as the change
(a case transition, a payment). If that transaction rolls back, the push never existed;
if it commits, the push will be delivered, whatever happens to this process next.

Delivering (`OutboxSender`):
1. claim due rows in a short transaction — `FOR UPDATE SKIP LOCKED` on PostgreSQL so
   several senders share the work; on SQLite one sender per database — and set a lease
   (`next_attempt_at = now + OUTBOX_LEASE_SECONDS`, `attempts + 1`) with a compare-and-set,
   so a row is never pushed by two senders at once;
2. push outside any transaction, with the row's own `X-Line-Retry-Key`;
3. mark the pass's deliveries sent (one commit). A crash between 2 and 3 leaves the lease to
   lapse; the next claim pushes again with the same key and LINE answers 409 ("already accepted"), which counts as
   delivered. So each row reaches LINE exactly once.

A failure reschedules with backoff in minutes (1, 2, 4 … at most 60) plus up to 25 %
jitter; a 429 waits for its Retry-After instead. Other 4xx are final. After
OUTBOX_MAX_ATTEMPTS the row is marked dead and, for case notifications, an alert goes to
the officers' LINE group (LINE_OFFICER_GROUP_ID) through the outbox too.

Order: a recipient's rows are delivered oldest first; a newer row waits while an older
one for the same recipient is unsent (and not dead).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.runtime.background import BackgroundTask
from bot.runtime.render import batches
from core.masking import mask_line_id as mask_id
from integrations.line.client import LineError, LineMessenger
from integrations.storage.db import Database
from integrations.storage.models.office import OutboxMessage

log = logging.getLogger(__name__)

LineMessage = dict[str, Any]
ALERT_PURPOSE = "alert"
CASE_PURPOSE_PREFIX = "case"
MAX_BACKOFF_MINUTES = 60

# builds the officers' alert for a dead row (None: no alert)
AlertBuilder = Callable[[AsyncSession, OutboxMessage], Awaitable[list[LineMessage] | None]]


def enqueue(
    session: AsyncSession,
    recipient: str,
    messages: list[LineMessage],
    *,
    purpose: str,
    now: datetime,
    case_id: int | None = None,
    retry_key: str | None = None,
    not_before: datetime | None = None,
) -> list[OutboxMessage]:
    """Add the push(es) to `session`'s transaction; more than five messages become several rows.

    `retry_key`: pass a deterministic UUID when the same logical send may be enqueued again
    (the unique constraint then refuses the duplicate); by default a fresh UUID4.
    """
    if not messages:
        return []
    base = retry_key or str(uuid.uuid4())
    rows = []
    for index, chunk in enumerate(batches(messages)):
        key = base if index == 0 else str(uuid.uuid5(uuid.UUID(base), str(index)))
        row = OutboxMessage(recipient=recipient, messages=chunk, retry_key=key, purpose=purpose,
                            case_id=case_id, next_attempt_at=not_before or now, created_at=now)
        session.add(row)
        rows.append(row)
    return rows


class OutboxBell:
    """Rung after a commit that enqueued something, so the sender in this process runs now."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        self._event.set()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)
        self._event.clear()


@dataclass(frozen=True)
class OutboxPolicy:
    max_attempts: int = 8
    lease_seconds: int = 120
    batch_size: int = 50
    concurrency: int = 8


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """The wait before the next try after `attempts` failed ones."""
    if retry_after is not None and retry_after > 0:
        return timedelta(seconds=retry_after * random.uniform(1.0, 1.1))
    minutes = min(2 ** max(attempts - 1, 0), MAX_BACKOFF_MINUTES)
    return timedelta(minutes=minutes * random.uniform(1.0, 1.25))


class OutboxSender(BackgroundTask):
    def __init__(
        self,
        db: Database,
        line: LineMessenger,
        clock: Callable[[], datetime],
        *,
        policy: OutboxPolicy | None = None,
        officer_group_id: str | None = None,
        alert_for: AlertBuilder | None = None,
        bell: OutboxBell | None = None,
    ) -> None:
        self.db = db
        self.line = line
        self.clock = clock
        self.policy = policy or OutboxPolicy()
        self.officer_group_id = officer_group_id
        self.alert_for = alert_for
        self.bell = bell or OutboxBell()
        self._claim_lock = asyncio.Lock()  # one claimer per process (and per database on SQLite)
        self._task: asyncio.Task[None] | None = None

    # --- one pass ---------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Claim what is due and deliver it; returns how many rows were delivered."""
        rows = await self._claim()
        if not rows:
            return 0
        limit = asyncio.Semaphore(self.policy.concurrency)

        async def one(row: OutboxMessage) -> bool:
            async with limit:
                return await self._deliver(row)

        results = await asyncio.gather(*(one(r) for r in rows))
        delivered = [row.id for row, ok in zip(rows, results, strict=True) if ok]
        if delivered:  # one commit for the whole pass: a crash before it only means 409s on the next claim
            async with self.db.session() as session:
                await session.exec(update(OutboxMessage).where(col(OutboxMessage.id).in_(delivered))
                                   .values(sent_at=self.clock(), last_error=None))
        return len(delivered)

    async def drain(self, max_rounds: int = 50) -> int:
        """Run passes until nothing is due (tests, and the CLI)."""
        total = 0
        for _ in range(max_rounds):
            sent = await self.run_once()
            total += sent
            if sent == 0:
                break
        return total

    async def _claim(self) -> list[OutboxMessage]:
        async with self._claim_lock:
            now = self.clock()
            lease_until = now + timedelta(seconds=self.policy.lease_seconds)
            older = aliased(OutboxMessage)
            waiting_behind_older = exists().where(and_(
                col(older.recipient) == col(OutboxMessage.recipient), col(older.id) < col(OutboxMessage.id),
                col(older.sent_at).is_(None), col(older.dead_at).is_(None),
            ))
            query = (
                select(OutboxMessage)
                .where(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.dead_at).is_(None),
                       col(OutboxMessage.next_attempt_at) <= now, ~waiting_behind_older)
                .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
                .limit(self.policy.batch_size)
            )
            claimed: list[OutboxMessage] = []
            async with self.db.session() as session:
                if self.db.engine.dialect.name == "postgresql":
                    query = query.with_for_update(skip_locked=True, of=OutboxMessage)
                due = list((await session.exec(query)).all())
                session.expunge_all()  # plain objects from here on: only the SQL below writes
                for row in due:
                    # compare-and-set: another sender that claimed it first changed next_attempt_at
                    result = await session.exec(
                        update(OutboxMessage)
                        .where(col(OutboxMessage.id) == row.id,
                               col(OutboxMessage.next_attempt_at) == row.next_attempt_at,
                               col(OutboxMessage.sent_at).is_(None))
                        .values(attempts=row.attempts + 1, next_attempt_at=lease_until)
                        .execution_options(synchronize_session=False)
                    )
                    if result.rowcount == 1:  # type: ignore[attr-defined]
                        row.attempts += 1
                        row.next_attempt_at = lease_until
                        claimed.append(row)
            return claimed

    async def _deliver(self, row: OutboxMessage) -> bool:
        try:
            await self.line.push(row.recipient, row.messages, retry_key=row.retry_key)
        except LineError as err:
            if err.status == 409:  # this retry key was accepted before (a crash after the push)
                log.info("outbox %s: 409 on its retry key, delivered earlier", row.id)
                return True
            await self._failed(row, err)
            return False
        except Exception as exc:  # the row must never stay leased forever because of a bug here
            log.exception("outbox %s: unexpected error pushing", row.id)
            await self._failed(row, LineError(None, repr(exc)[:300]))
            return False
        return True  # run_once marks the pass's deliveries sent together

    async def _failed(self, row: OutboxMessage, err: LineError) -> None:
        now = self.clock()
        final = err.status is not None and 400 <= err.status < 500 and err.status not in {408, 429}
        detail = f"{err.status}: {err.detail}"[:500]
        async with self.db.session() as session:
            if final or row.attempts >= self.policy.max_attempts:
                log.error("outbox %s to %s is dead after %d attempts: %s", row.id, mask_id(row.recipient),
                          row.attempts, err.status)
                await session.exec(update(OutboxMessage).where(col(OutboxMessage.id) == row.id)
                                   .values(dead_at=now, last_error=detail))
                row.dead_at, row.last_error = now, detail
                await self._alert(session, row, now)
                return
            delay = backoff(row.attempts, err.retry_after if err.status == 429 else None)
            log.warning("outbox %s to %s failed (%s), retry in %.0fs", row.id, mask_id(row.recipient),
                        err.status, delay.total_seconds())
            await session.exec(update(OutboxMessage).where(col(OutboxMessage.id) == row.id)
                               .values(next_attempt_at=now + delay, last_error=detail))

    async def _alert(self, session: AsyncSession, row: OutboxMessage, now: datetime) -> None:
        if (row.purpose == ALERT_PURPOSE or not row.purpose.startswith(CASE_PURPOSE_PREFIX)
                or not self.officer_group_id or self.alert_for is None):
            return
        messages = await self.alert_for(session, row)
        if messages:
            enqueue(session, self.officer_group_id, messages, purpose=ALERT_PURPOSE, now=now, case_id=row.case_id)

    # --- the loop ---------------------------------------------------------------------------
    async def run(self, interval: float) -> None:
        while True:
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("outbox pass failed")
                sent = 0
            if sent == 0:
                await self.bell.wait(interval)

    def start(self, interval: float) -> None:
        self._launch(lambda: self.run(interval), "outbox-sender")
