"""The event queue on Redis streams, for several processes (REDIS_URL set).

The webhook process only appends (XADD) to one stream per partition
(crc32(user key) % partitions). Worker processes (`python -m bot worker`, and the
web process itself unless RUN_WORKERS=false) take partitions by lease: a partition
is consumed by exactly one process at a time, so a user's events stay in order
across processes. A lease expires when its holder dies; the next holder first
claims the dead holder's unacknowledged entries (XAUTOCLAIM), so nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.transport.events import InboundEvent
from bot.transport.queue import Handler, partition_of

log = logging.getLogger(__name__)
GROUP = "workers"
STREAM = "events:{}"
LEASE = "lease:events:{}"
# renew only our own lease: a lapsed lease taken by another process must not be stolen back
_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
)


# claim the webhook event id and append it in one round trip, atomically
_CLAIM_AND_ADD = (
    "if redis.call('set', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then "
    "redis.call('xadd', KEYS[2], '*', 'e', ARGV[2]) return 1 end return 0"
)


class RedisStreamQueue:
    def __init__(self, redis_url: str, handler: Handler, partitions: int = 16, *, consume: bool = True,
                 lease_seconds: float = 15.0, consumer: str | None = None) -> None:
        self.redis: Redis = Redis.from_url(redis_url, decode_responses=True)
        self._handler = handler
        self._partitions = partitions
        self._consume = consume
        self._lease_ms = int(lease_seconds * 1000)
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._owned: dict[int, asyncio.Task[None]] = {}
        self._leaser: asyncio.Task[None] | None = None
        self._busy = 0

    async def put(self, event: InboundEvent) -> None:
        partition = partition_of(event.user_key, self._partitions)
        await self.redis.xadd(STREAM.format(partition), {"e": event.model_dump_json()})

    async def put_once(self, event: InboundEvent, claim_key: str, ttl_seconds: int) -> bool:
        stream = STREAM.format(partition_of(event.user_key, self._partitions))
        added = await self.redis.eval(_CLAIM_AND_ADD, 2, claim_key, stream, ttl_seconds, event.model_dump_json())
        return bool(added)

    def start(self) -> None:
        if self._consume and self._leaser is None:
            self._leaser = asyncio.create_task(self._keep_leases(), name="queue-leases")

    @property
    def owned(self) -> set[int]:
        return set(self._owned)

    async def _keep_leases(self) -> None:
        while True:
            for partition in range(self._partitions):
                key = LEASE.format(partition)
                if partition in self._owned:
                    if not await self.redis.eval(_RENEW, 1, key, self.consumer, self._lease_ms):
                        log.warning("lost partition %d", partition)
                        self._owned.pop(partition).cancel()
                elif await self.redis.set(key, self.consumer, px=self._lease_ms, nx=True):
                    self._owned[partition] = asyncio.create_task(self._consume_partition(partition))
            await asyncio.sleep(self._lease_ms / 3000)

    async def _consume_partition(self, partition: int) -> None:
        stream = STREAM.format(partition)
        with contextlib.suppress(ResponseError):  # BUSYGROUP: the group exists already
            await self.redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
        # entries a previous holder read but never acknowledged come first, in order
        autoclaimed: Any = await self.redis.xautoclaim(stream, GROUP, self.consumer, min_idle_time=0,
                                                       start_id="0-0")  # [next id, entries, deleted ids]
        claimed = autoclaimed[1]
        await self._handle_entries(stream, claimed)
        while True:
            response: Any = await self.redis.xreadgroup(GROUP, self.consumer, {stream: ">"}, count=16, block=1000)
            for _, entries in response or []:
                await self._handle_entries(stream, entries)

    async def _handle_entries(self, stream: str, entries: list[tuple[str, dict[str, str]]]) -> None:
        for entry_id, fields in entries:
            if not fields:  # deleted while pending
                await self.redis.xack(stream, GROUP, entry_id)
                continue
            self._busy += 1
            try:
                await self._handler(InboundEvent.model_validate_json(fields["e"]))
            except Exception:
                log.exception("event in %s failed", stream)
            finally:
                self._busy -= 1
            # acknowledged only after handling: a crash mid-turn leaves it for the next holder
            await self.redis.xack(stream, GROUP, entry_id)
            await self.redis.xdel(stream, entry_id)

    async def pending(self) -> int:
        total = 0
        for partition in range(self._partitions):
            total += await self.redis.xlen(STREAM.format(partition))
        return total

    async def join(self) -> None:
        while await self.pending() or self._busy:
            await asyncio.sleep(0.02)

    async def stop(self, drain_seconds: float = 5.0) -> None:
        if self._leaser is not None:
            self._leaser.cancel()
            await asyncio.gather(self._leaser, return_exceptions=True)
            self._leaser = None
        tasks = list(self._owned.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for partition in list(self._owned):  # hand partitions over at once instead of after the lease
            await self.redis.eval(
                "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
                1, LEASE.format(partition), self.consumer,
            )
        self._owned.clear()
        await self.redis.aclose()
