"""The event queue on Redis streams, for several processes (REDIS_URL set).

The webhook process only appends (XADD) to one stream per partition
(crc32(user key) % partitions). Worker processes (`python -m bot worker`, and the
web process itself unless RUN_WORKERS=false) take partitions by lease: a partition
is consumed by exactly one process at a time, so a user's events stay in order
across processes. A lease expires when its holder dies; the next holder first
claims the dead holder's unacknowledged entries (XAUTOCLAIM), so nothing is lost.

Faults (issue 15): every loop survives Redis going away and coming back. A consumer
that loses its connection waits and starts over from its own unacknowledged entries;
one that finds its stream or group gone (Redis restarted without persistence) creates
them again; the lease keeper restarts a consumer that died. An event whose turn failed
for an infrastructure reason (Redis, the network) is never acknowledged: it is tried
again, in order, until it succeeds. `healthy` turns false while Redis cannot be reached
or a partition makes no progress, and /readyz reports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

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
# errors that say nothing about the event: wait and try the same event again
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
MAX_EVENT_ATTEMPTS = 5  # other failures: then the event is logged and acknowledged (it would block the user)
MAX_BACKOFF_SECONDS = 5.0


def is_infrastructure_error(exc: BaseException) -> bool:
    return isinstance(exc, INFRASTRUCTURE_ERRORS) or (isinstance(exc, ResponseError) and _lost_group(exc))


def _lost_group(exc: ResponseError) -> bool:
    return "NOGROUP" in str(exc)


class RedisStreamQueue:
    def __init__(self, redis_url: str, handler: Handler, partitions: int = 16, *, consume: bool = True,
                 lease_seconds: float = 15.0, consumer: str | None = None) -> None:
        self.redis: Redis = Redis.from_url(redis_url, decode_responses=True, socket_connect_timeout=2,
                                           health_check_interval=5)
        self._handler = handler
        self._partitions = partitions
        self._consume = consume
        self._lease_ms = int(lease_seconds * 1000)
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._owned: dict[int, asyncio.Task[None]] = {}
        self._leaser: asyncio.Task[None] | None = None
        self._busy = 0
        self._last_lease_round = time.monotonic()
        self._reachable = False  # until the first round of leases succeeds
        self._failing_since: dict[int, float] = {}  # partition -> when its consumer started failing
        self._attempts: dict[str, int] = {}  # entry id -> failed tries (non-infrastructure failures)

    async def put(self, event: InboundEvent) -> None:
        partition = partition_of(event.user_key, self._partitions)
        await self.redis.xadd(STREAM.format(partition), {"e": event.model_dump_json()})

    async def put_once(self, event: InboundEvent, claim_key: str, ttl_seconds: int) -> bool:
        stream = STREAM.format(partition_of(event.user_key, self._partitions))
        added = await self.redis.eval(_CLAIM_AND_ADD, 2, claim_key, stream, ttl_seconds, event.model_dump_json())
        return bool(added)

    def start(self) -> None:
        if self._consume and self._leaser is None:
            self._last_lease_round = time.monotonic()
            self._leaser = asyncio.create_task(self._keep_leases(), name="queue-leases")

    @property
    def owned(self) -> set[int]:
        return set(self._owned)

    @property
    def healthy(self) -> bool:
        """False while leases cannot be kept or a partition has been failing for a while."""
        if not self._consume:
            return True
        now = time.monotonic()
        lease_seconds = self._lease_ms / 1000
        if self._leaser is None or self._leaser.done() or not self._reachable:
            return False
        if now - self._last_lease_round > lease_seconds:
            return False
        return all(now - since < lease_seconds for since in self._failing_since.values())

    async def _keep_leases(self) -> None:
        outage = False
        while True:
            try:
                await self._lease_round()
                self._last_lease_round = time.monotonic()
                self._reachable = True
                if outage:
                    log.warning("queue: Redis reachable again, leases kept")
                    outage = False
            except RedisError as exc:
                self._reachable = False
                if not outage:
                    log.error("queue: Redis unreachable (%s); retrying, /readyz reports not ready", type(exc).__name__)
                    outage = True
            await asyncio.sleep(self._lease_ms / 3000)

    async def _lease_round(self) -> None:
        for partition in range(self._partitions):
            key = LEASE.format(partition)
            task = self._owned.get(partition)
            if task is not None:
                if not await self.redis.eval(_RENEW, 1, key, self.consumer, self._lease_ms):
                    # lapsed (an outage longer than the lease, or Redis lost its data): take it back if free
                    if await self.redis.set(key, self.consumer, px=self._lease_ms, nx=True):
                        log.warning("queue: partition %d lease lapsed, taken again", partition)
                    else:
                        log.warning("queue: lost partition %d to another worker", partition)
                        self._owned.pop(partition).cancel()
                        self._failing_since.pop(partition, None)
                        continue
                if task.done():  # a consumer must never end; if it did, start it again
                    log.error("queue: consumer of partition %d had stopped; restarted", partition)
                    self._owned[partition] = asyncio.create_task(self._consume_partition(partition))
            elif await self.redis.set(key, self.consumer, px=self._lease_ms, nx=True):
                self._owned[partition] = asyncio.create_task(self._consume_partition(partition))

    async def _consume_partition(self, partition: int) -> None:
        stream = STREAM.format(partition)
        backoff = 0.1
        while True:
            try:
                await self._consume_until_error(stream)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._failing_since.setdefault(partition, time.monotonic())
                if is_infrastructure_error(exc):
                    log.warning("queue: partition %d paused (%s), retrying in %.1fs", partition,
                                type(exc).__name__, backoff)
                else:
                    log.exception("queue: partition %d consumer failed; retrying in %.1fs", partition, backoff)
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF_SECONDS, backoff * 2)
            else:  # pragma: no cover - the loop only ends by an exception
                return

    async def _ensure_group(self, stream: str) -> None:
        with contextlib.suppress(ResponseError):  # BUSYGROUP: the group exists already
            await self.redis.xgroup_create(stream, GROUP, id="0", mkstream=True)

    async def _consume_until_error(self, stream: str) -> None:
        partition = int(stream.rsplit(":", 1)[1])
        await self._ensure_group(stream)
        # entries a previous holder (or this one, before an error) read but never acknowledged, in order
        autoclaimed: Any = await self.redis.xautoclaim(stream, GROUP, self.consumer, min_idle_time=0,
                                                       start_id="0-0")  # [next id, entries, deleted ids]
        claimed = autoclaimed[1]
        await self._handle_entries(stream, claimed)
        while True:
            mine: Any = await self.redis.xreadgroup(GROUP, self.consumer, {stream: "0"}, count=16)
            entries = [entry for _, batch in mine or [] for entry in batch]
            if not entries:
                break
            await self._handle_entries(stream, entries)
        self._failing_since.pop(partition, None)
        while True:
            response: Any = await self.redis.xreadgroup(GROUP, self.consumer, {stream: ">"}, count=16, block=1000)
            for _, entries in response or []:
                await self._handle_entries(stream, entries)
            self._failing_since.pop(partition, None)

    async def _handle_entries(self, stream: str, entries: list[tuple[str, dict[str, str]]]) -> None:
        for entry_id, fields in entries:
            if not fields:  # deleted while pending
                await self.redis.xack(stream, GROUP, entry_id)
                continue
            self._busy += 1
            try:
                await self._handler(InboundEvent.model_validate_json(fields["e"]))
            except Exception as exc:
                if is_infrastructure_error(exc):
                    raise  # not acknowledged: the consumer waits and handles this entry again, in order
                attempts = self._attempts[entry_id] = self._attempts.get(entry_id, 0) + 1
                if attempts < MAX_EVENT_ATTEMPTS:
                    raise
                log.exception("event in %s failed %d times; acknowledged to unblock the user", stream, attempts)
            finally:
                self._busy -= 1
            # acknowledged only after handling: a crash mid-turn leaves it for the next holder
            await self.redis.xack(stream, GROUP, entry_id)
            await self.redis.xdel(stream, entry_id)
            self._attempts.pop(entry_id, None)

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
        with contextlib.suppress(RedisError):
            for partition in list(self._owned):  # hand partitions over at once instead of after the lease
                await self.redis.eval(
                    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
                    1, LEASE.format(partition), self.consumer,
                )
        self._owned.clear()
        await self.redis.aclose()
