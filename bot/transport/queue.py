"""Event queue between the webhook and the dialogs.

Events are partitioned by conversation (user key): each partition is consumed
by one task, so one user's events are handled strictly in arrival order while
different users proceed in parallel. The webhook only enqueues; it never waits
for a dialog.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.runtime.kv import KeyValueStore, MemoryStore
from bot.transport.events import InboundEvent

log = logging.getLogger(__name__)

Handler = Callable[[InboundEvent], Awaitable[None]]


class EventQueue(Protocol):
    async def put(self, event: InboundEvent) -> None: ...
    async def put_once(self, event: InboundEvent, claim_key: str, ttl_seconds: int) -> bool:
        """Enqueue unless `claim_key` was claimed before (atomically); True if enqueued."""
        ...
    def start(self) -> None: ...
    async def join(self) -> None: ...
    async def stop(self, drain_seconds: float = 5.0) -> None: ...


def partition_of(user_key: str, partitions: int) -> int:
    # crc32, not hash(): stable across processes, so a Redis-backed queue can shard the same way
    return zlib.crc32(user_key.encode()) % partitions


class InProcessQueue:
    def __init__(self, handler: Handler, partitions: int = 16, claims: KeyValueStore | None = None) -> None:
        self._handler = handler
        self._claims = claims or MemoryStore()
        self._queues: list[asyncio.Queue[InboundEvent]] = [asyncio.Queue() for _ in range(partitions)]
        self._tasks: list[asyncio.Task[None]] = []

    async def put(self, event: InboundEvent) -> None:
        self._queues[partition_of(event.user_key, len(self._queues))].put_nowait(event)

    async def put_once(self, event: InboundEvent, claim_key: str, ttl_seconds: int) -> bool:
        if not await self._claims.set_if_absent(claim_key, "1", ttl_seconds):
            return False
        await self.put(event)
        return True

    @property
    def pending(self) -> int:
        return sum(q.qsize() for q in self._queues)

    def start(self) -> None:
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._consume(q), name=f"queue-{i}") for i, q in enumerate(self._queues)]

    async def _consume(self, queue: asyncio.Queue[InboundEvent]) -> None:
        while True:
            event = await queue.get()
            try:
                await self._handler(event)
            except Exception:
                # The handler already turns dialog errors into an apology; this is a last guard
                # so one bad event never stops the partition.
                log.exception("event %s failed", event.event_id)
            finally:
                queue.task_done()

    async def join(self) -> None:
        """Wait until every queued event has been handled (tests, graceful shutdown)."""
        await asyncio.gather(*(q.join() for q in self._queues))

    async def stop(self, drain_seconds: float = 5.0) -> None:
        try:
            await asyncio.wait_for(self.join(), timeout=drain_seconds)
        except TimeoutError:
            log.warning("stopping with %d events still queued", self.pending)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
