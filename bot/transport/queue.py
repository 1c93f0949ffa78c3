"""Event queue between the webhook and the dialogs.

Events are partitioned by conversation (user key): each partition is consumed
by one task, so one user's events are handled strictly in arrival order while
different users proceed in parallel. The webhook only enqueues; it never waits
for a dialog.

Durability (issue 15): with a journal (the default in the app, table `inbound_events`)
each event is written to the database before `put_once` returns, so before the webhook
answers 200; it is marked done once answered, and `recover()` queues the unfinished ones
again at start, oldest first, so per-user order holds across a crash. A turn that fails
outside the dialog (infrastructure) is tried again a few times, then marked failed.
The queue is bounded: `full` tells the webhook to answer 503 instead of piling up events.
"""

from __future__ import annotations

import asyncio
import json
import logging
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.runtime.kv import KeyValueStore, MemoryStore
from bot.transport.events import InboundEvent

log = logging.getLogger(__name__)

Handler = Callable[[InboundEvent], Awaitable[None]]
# resume an event whose turn ran before a crash: (event, rendered messages, reply token used?)
ResumeHandler = Callable[[InboundEvent, list[dict[str, Any]], bool], Awaitable[None]]
RETRY_DELAYS = (0.5, 2.0, 5.0)  # an infrastructure failure of a turn is tried again after these


class EventQueue(Protocol):
    async def put(self, event: InboundEvent) -> None: ...
    async def put_once(self, event: InboundEvent, claim_key: str, ttl_seconds: int) -> bool:
        """Enqueue unless `claim_key` was claimed before (atomically); True if enqueued."""
        ...
    def start(self) -> None: ...
    async def join(self) -> None: ...
    async def stop(self, drain_seconds: float = 5.0) -> None: ...


class Journal(Protocol):
    """Where acknowledged events are made durable (integrations/storage/journal.py)."""

    async def add(self, event_id: str, body: str) -> bool: ...
    async def answering(self, event_id: str, messages: str, reply_attempted: bool) -> None: ...
    async def done(self, event_id: str) -> None: ...
    async def failed(self, event_id: str, attempts: int) -> None: ...
    async def unfinished(self) -> list[Any]: ...


@dataclass(frozen=True)
class _Item:
    event: InboundEvent
    resume: tuple[list[dict[str, Any]], bool] | None = None  # set for a turn that ran before a crash


def partition_of(user_key: str, partitions: int) -> int:
    # crc32, not hash(): stable across processes, so a Redis-backed queue can shard the same way
    return zlib.crc32(user_key.encode()) % partitions


class InProcessQueue:
    def __init__(self, handler: Handler, partitions: int = 16, claims: KeyValueStore | None = None, *,
                 journal: Journal | None = None, resume: ResumeHandler | None = None,
                 max_pending: int = 5000, retry_delays: tuple[float, ...] = RETRY_DELAYS) -> None:
        self._handler = handler
        self._claims = claims or MemoryStore()
        self._journal = journal
        self._resume = resume
        self._max_pending = max_pending
        self._retry_delays = retry_delays
        self._queues: list[asyncio.Queue[_Item]] = [asyncio.Queue() for _ in range(partitions)]
        self._tasks: list[asyncio.Task[None]] = []

    async def put(self, event: InboundEvent) -> None:
        self._queues[partition_of(event.user_key, len(self._queues))].put_nowait(_Item(event))

    async def put_once(self, event: InboundEvent, claim_key: str, ttl_seconds: int) -> bool:
        if not await self._claims.set_if_absent(claim_key, "1", ttl_seconds):
            return False
        if self._journal is not None:
            try:
                if not await self._journal.add(event.event_id, event.model_dump_json()):
                    return False  # journaled before (a redelivery after a restart)
            except BaseException:
                await self._claims.delete(claim_key)  # not persisted: a redelivery must be accepted
                raise
        await self.put(event)
        return True

    @property
    def pending(self) -> int:
        return sum(q.qsize() for q in self._queues)

    @property
    def healthy(self) -> bool:
        """False when a partition's consumer has died (then events would wait for ever)."""
        return all(not task.done() for task in self._tasks)

    @property
    def full(self) -> bool:
        return self.pending >= self._max_pending

    async def recover(self) -> int:
        """Queue again every acknowledged event not answered before the last stop or crash."""
        if self._journal is None:
            return 0
        entries = await self._journal.unfinished()
        for entry in entries:
            event = InboundEvent.model_validate_json(entry.body)
            resume = (json.loads(entry.messages), entry.reply_attempted) if entry.state == "answering" else None
            self._queues[partition_of(event.user_key, len(self._queues))].put_nowait(_Item(event, resume))
        if entries:
            log.warning("replaying %d acknowledged events left unfinished by the last run", len(entries))
        return len(entries)

    def start(self) -> None:
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._consume(q), name=f"queue-{i}") for i, q in enumerate(self._queues)]

    async def _consume(self, queue: asyncio.Queue[_Item]) -> None:
        while True:
            item = await queue.get()
            try:
                await self._handle(item)
            finally:
                queue.task_done()

    async def _handle(self, item: _Item) -> None:
        event = item.event
        for attempt in range(len(self._retry_delays) + 1):
            try:
                if item.resume is not None and self._resume is not None:
                    await self._resume(event, *item.resume)
                else:
                    await self._handler(event)
                break
            except Exception as exc:
                # The handler turns dialog errors into an apology: what reaches here is infrastructure
                # (a store, the database), worth another try; the partition waits, keeping the order.
                if attempt == len(self._retry_delays):
                    log.exception("event %s failed %d times; given up", event.event_id, attempt + 1)
                    await self._journal_call("failed", event.event_id, attempt + 1)
                    return
                log.warning("event %s failed (%s), try %d again", event.event_id, type(exc).__name__, attempt + 2)
                await asyncio.sleep(self._retry_delays[attempt])
        await self._journal_call("done", event.event_id)

    async def _journal_call(self, what: str, *args: Any) -> None:
        if self._journal is None:
            return
        try:
            await getattr(self._journal, what)(*args)
        except Exception as exc:
            # answered but not marked: a restart would replay it; the retry keys keep pushes single
            log.error("journal %s for event %s failed: %s", what, args[0], type(exc).__name__)

    async def join(self) -> None:
        """Wait until every queued event has been handled (tests, graceful shutdown)."""
        await asyncio.gather(*(q.join() for q in self._queues))

    async def stop(self, drain_seconds: float = 5.0) -> None:
        try:
            await asyncio.wait_for(self.join(), timeout=drain_seconds)
        except TimeoutError:
            log.warning("stopping with %d events still queued (journaled ones are replayed at start)", self.pending)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
