"""One suite for every store backend: in-process and Redis (a real redis-server)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.runtime.kv import MemoryStore, RedisStore
from bot.runtime.sessions import Session, SessionStore


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[MemoryStore | RedisStore]:
    if request.param == "memory":
        backend: MemoryStore | RedisStore = MemoryStore()
    else:
        backend = RedisStore(request.getfixturevalue("redis_url"))
        await backend.redis.flushdb()
    yield backend
    await backend.close()


async def test_set_if_absent_claims_once_even_concurrently(store: MemoryStore | RedisStore) -> None:
    results = await asyncio.gather(*(store.set_if_absent("evt:1", "1", 60) for _ in range(20)))
    assert results.count(True) == 1


async def test_values_expire(store: MemoryStore | RedisStore) -> None:
    await store.set("k", "v", ttl_seconds=1)
    assert await store.get("k") == "v"
    await asyncio.sleep(1.2)
    assert await store.get("k") is None


async def test_incr_counts_within_a_window(store: MemoryStore | RedisStore) -> None:
    assert [await store.incr("sms:0812345678", 3600) for _ in range(3)] == [1, 2, 3]


async def test_lock_serialises_one_key_but_not_others(store: MemoryStore | RedisStore) -> None:
    order: list[str] = []

    async def work(key: str, name: str) -> None:
        async with store.lock(key):
            order.append(f"{name}+")
            await asyncio.sleep(0.05)
            order.append(f"{name}-")

    await asyncio.gather(work("user:a", "a1"), work("user:a", "a2"))
    assert order in (["a1+", "a1-", "a2+", "a2-"], ["a2+", "a2-", "a1+", "a1-"])
    order.clear()
    await asyncio.gather(work("user:b", "b"), work("user:c", "c"))
    assert order[:2] in (["b+", "c+"], ["c+", "b+"])


async def test_sessions_round_trip_and_survive_a_new_store_object(store: MemoryStore | RedisStore) -> None:
    sessions = SessionStore(store, ttl_seconds=60)
    session = Session(dialog="checklist", step="ask_condition", data={"service": "signboard_tax"},
                      answers={"juristic_person": True}, focus_service="signboard_tax")
    await sessions.save("user:U1", session)
    loaded = await SessionStore(store, ttl_seconds=60).load("user:U1")
    assert loaded.state == "checklist:ask_condition"
    assert loaded.answers == {"juristic_person": True}
    assert loaded.data == {"service": "signboard_tax"}


async def test_a_corrupt_session_starts_fresh(store: MemoryStore | RedisStore) -> None:
    await store.set("sess:user:U2", '{"dialog": 42, "misses": "many"}')
    assert (await SessionStore(store, 60).load("user:U2")).dialog is None
