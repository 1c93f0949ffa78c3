"""The Redis stream queue across several worker processes (simulated as several queue objects)."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from bot.transport.events import EventKind, InboundEvent
from bot.transport.redis_queue import RedisStreamQueue

pytestmark = pytest.mark.redis


def _event(user: str, n: int) -> InboundEvent:
    return InboundEvent(event_id=f"{user}-{n}", kind=EventKind.text, line_type="message", user_id=user,
                        text=f"{n}")


@pytest.fixture
async def clean_redis(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()


async def test_two_workers_keep_each_users_order_and_handle_each_event_once(
    redis_url: str, clean_redis: None
) -> None:
    seen: list[tuple[str, str, str]] = []

    def recorder(worker: str):  # type: ignore[no-untyped-def]
        async def handle(event: InboundEvent) -> None:
            seen.append((worker, event.user_id or "", event.text or ""))
            await asyncio.sleep(0.001)

        return handle

    producer = RedisStreamQueue(redis_url, recorder("none"), partitions=4, consume=False)
    workers = [RedisStreamQueue(redis_url, recorder(name), partitions=4, lease_seconds=1.5, consumer=name)
               for name in ("w1", "w2")]
    for worker in workers:
        worker.start()
    users = [f"U{i}" for i in range(6)]
    for n in range(15):
        for user in users:
            await producer.put(_event(user, n))
    await asyncio.wait_for(producer.join(), 20)
    await asyncio.sleep(0.1)
    for user in users:
        assert [text for _, uid, text in seen if uid == user] == [str(n) for n in range(15)]
    assert len(seen) == 90
    assert workers[0].owned.isdisjoint(workers[1].owned)
    for queue in (*workers, producer):
        await queue.stop()


async def test_a_dead_workers_partitions_and_unacknowledged_events_are_taken_over(
    redis_url: str, clean_redis: None
) -> None:
    handled: list[str] = []
    gate = asyncio.Event()

    async def stuck(event: InboundEvent) -> None:
        await gate.wait()  # dies before finishing

    async def healthy(event: InboundEvent) -> None:
        handled.append(event.text or "")

    producer = RedisStreamQueue(redis_url, healthy, partitions=1, consume=False)
    dying = RedisStreamQueue(redis_url, stuck, partitions=1, lease_seconds=0.6, consumer="dying")
    dying.start()
    for n in range(3):
        await producer.put(_event("U1", n))
    await asyncio.sleep(0.5)
    assert dying.owned == {0}
    # simulate a crash: tasks stop, the lease is neither renewed nor released
    assert dying._leaser is not None
    dying._leaser.cancel()
    for task in dying._owned.values():
        task.cancel()
    survivor = RedisStreamQueue(redis_url, healthy, partitions=1, lease_seconds=0.6, consumer="survivor")
    survivor.start()
    await asyncio.wait_for(producer.join(), 10)
    assert handled == ["0", "1", "2"]
    await survivor.stop()
    await producer.stop()
    await dying.redis.aclose()
