"""The Redis queue under Redis faults (issue 15): restarts with and without data, Redis late, turns failing.

Each test runs its own redis-server so it can stop it; the queue objects are the ones
the web and worker processes use.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.transport.events import EventKind, InboundEvent
from bot.transport.redis_queue import RedisStreamQueue
from tests.reliability.servers import RedisServer

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed"),
]


def _event(user: str, n: int) -> InboundEvent:
    return InboundEvent(event_id=f"{user}-{n}", kind=EventKind.text, line_type="message", user_id=user, text=str(n))


async def _until(condition: Callable[[], bool | Awaitable[bool]], seconds: float = 60.0) -> bool:
    for _ in range(int(seconds * 20)):
        result = condition()
        if result if isinstance(result, bool) else await result:
            return True
        await asyncio.sleep(0.05)
    return False


async def _put_retrying(url: str, events: list[InboundEvent], partitions: int = 2) -> None:
    """What the webhook does (its 503 makes LINE retry): put each event, retrying while Redis is away."""
    producer = RedisStreamQueue(url, _nothing, partitions=partitions, consume=False)
    try:
        for event in events:
            for _ in range(200):
                try:
                    await producer.put_once(event, f"evt:{event.event_id}", 3600)
                    break
                except RedisConnectionError:
                    await asyncio.sleep(0.05)
    finally:
        await producer.stop()


async def _nothing(event: InboundEvent) -> None:
    return None


@pytest.fixture
async def handled() -> AsyncIterator[list[str]]:
    yield []


@pytest.mark.parametrize("persistent", [True, False], ids=["aof", "no-persistence"])
async def test_consumers_recover_after_a_redis_restart_and_handle_every_event_once(
    tmp_path: Path, persistent: bool, handled: list[str]
) -> None:
    redis = await RedisServer(tmp_path / "redis", persistent=persistent).start()

    async def record(event: InboundEvent) -> None:
        handled.append(f"{event.user_id}:{event.text}")

    worker = RedisStreamQueue(redis.url, record, partitions=2, lease_seconds=1.5, consumer="w1")
    worker.start()
    try:
        await _put_retrying(redis.url, [_event("U1", n) for n in range(3)])
        assert await _until(lambda: len(handled) == 3)
        assert await _until(lambda: worker.healthy)

        redis.stop()
        assert await _until(lambda: not worker.healthy)  # /readyz says not ready while Redis is away
        await asyncio.sleep(3)  # the probe's 3 s of downtime
        await redis.start()

        users = ["U1", "U2", "U3", "U4"]
        await _put_retrying(redis.url, [_event(u, n) for n in range(3, 8) for u in users])
        assert await _until(lambda: len(handled) == 3 + 20)
        assert await _until(lambda: worker.healthy)
        for user in users:
            mine = [h.split(":")[1] for h in handled if h.startswith(user + ":")]
            expected = [str(n) for n in range(0 if user == "U1" else 3, 8)]
            assert mine == expected  # each once, in order
    finally:
        await worker.stop()
        redis.stop()


async def test_a_worker_started_before_redis_handles_events_once_redis_is_up(
    tmp_path: Path, handled: list[str]
) -> None:
    redis = RedisServer(tmp_path / "redis", persistent=False)  # not started yet

    async def record(event: InboundEvent) -> None:
        handled.append(event.text or "")

    worker = RedisStreamQueue(redis.url, record, partitions=2, lease_seconds=1.5, consumer="early")
    worker.start()
    try:
        await asyncio.sleep(0.5)
        assert not worker.healthy
        await asyncio.sleep(2.5)
        await redis.start()
        await _put_retrying(redis.url, [_event("U9", n) for n in range(20)])
        assert await _until(lambda: len(handled) == 20)
        assert handled == [str(n) for n in range(20)]
        assert await _until(lambda: worker.healthy)
    finally:
        await worker.stop()
        redis.stop()


async def test_an_event_whose_turn_failed_on_infrastructure_is_not_acknowledged_but_handled_again(
    tmp_path: Path, handled: list[str]
) -> None:
    redis = await RedisServer(tmp_path / "redis", persistent=False).start()
    failures = {"U5-1": 3}

    async def flaky(event: InboundEvent) -> None:
        if failures.get(event.event_id, 0) > 0:
            failures[event.event_id] -= 1
            raise RedisConnectionError("Connection reset by peer")  # e.g. the lock, mid-turn
        handled.append(event.text or "")

    worker = RedisStreamQueue(redis.url, flaky, partitions=1, lease_seconds=1.5, consumer="w")
    worker.start()
    try:
        await _put_retrying(redis.url, [_event("U5", n) for n in range(4)], partitions=1)
        assert await _until(lambda: len(handled) == 4)
        assert handled == ["0", "1", "2", "3"]  # the failed one was retried in its place, never skipped
        client = Redis.from_url(redis.url)
        assert await client.xlen("events:0") == 0  # acknowledged and removed only once handled
        await client.aclose()
    finally:
        await worker.stop()
        redis.stop()
