"""Key-value store behind a small interface: in-process by default, Redis when REDIS_URL is set.

Sessions, webhook de-duplication, per-user locks and rate limits all sit on
this interface, so scaling out to several processes is a configuration change.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from redis.asyncio import Redis


class KeyValueStore(Protocol):
    async def get(self, key: str) -> str | None: ...
    async def set(self, key: str, value: str, ttl_seconds: int | None = None) -> None: ...
    async def set_if_absent(self, key: str, value: str, ttl_seconds: int) -> bool: ...
    async def delete(self, key: str) -> None: ...
    async def incr(self, key: str, ttl_seconds: int) -> int: ...
    def lock(self, key: str, timeout_seconds: float = 30.0) -> AbstractAsyncContextManager[None]: ...
    async def ping(self) -> bool: ...
    async def close(self) -> None: ...


class MemoryStore:
    """Single-process store. Expired keys are dropped lazily and by a periodic sweep."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._writes = 0

    def _alive(self, key: str) -> str | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires <= time.monotonic():
            del self._data[key]
            return None
        return value

    def _sweep_sometimes(self) -> None:
        self._writes += 1
        if self._writes % 10_000 == 0:
            now = time.monotonic()
            for key in [k for k, (_, exp) in self._data.items() if exp is not None and exp <= now]:
                del self._data[key]

    async def get(self, key: str) -> str | None:
        return self._alive(key)

    async def set(self, key: str, value: str, ttl_seconds: int | None = None) -> None:
        self._data[key] = (value, time.monotonic() + ttl_seconds if ttl_seconds else None)
        self._sweep_sometimes()

    async def set_if_absent(self, key: str, value: str, ttl_seconds: int) -> bool:
        # No await between the check and the write: atomic within the event loop.
        if self._alive(key) is not None:
            return False
        self._data[key] = (value, time.monotonic() + ttl_seconds)
        self._sweep_sometimes()
        return True

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def incr(self, key: str, ttl_seconds: int) -> int:
        current = self._alive(key)
        if current is None:
            self._data[key] = ("1", time.monotonic() + ttl_seconds)
            return 1
        value = int(current) + 1
        self._data[key] = (str(value), self._data[key][1])
        return value

    @asynccontextmanager
    async def lock(self, key: str, timeout_seconds: float = 30.0) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]  # evict idle locks so memory does not grow per user
            else:
                self._locks[key] = (lock, users - 1)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None


class RedisStore:
    def __init__(self, url: str) -> None:
        self.redis: Redis = Redis.from_url(url, decode_responses=True)

    async def get(self, key: str) -> str | None:
        value = await self.redis.get(key)
        return None if value is None else str(value)

    async def set(self, key: str, value: str, ttl_seconds: int | None = None) -> None:
        await self.redis.set(key, value, ex=ttl_seconds)

    async def set_if_absent(self, key: str, value: str, ttl_seconds: int) -> bool:
        return bool(await self.redis.set(key, value, ex=ttl_seconds, nx=True))

    async def delete(self, key: str) -> None:
        await self.redis.delete(key)

    async def incr(self, key: str, ttl_seconds: int) -> int:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, ttl_seconds, nx=True)
            value, _ = await pipe.execute()
        return int(value)

    @asynccontextmanager
    async def lock(self, key: str, timeout_seconds: float = 30.0) -> AsyncIterator[None]:
        # The timeout frees the lock if a worker dies mid-turn; a turn never takes that long.
        async with self.redis.lock(f"lock:{key}", timeout=timeout_seconds, blocking_timeout=timeout_seconds):
            yield

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def close(self) -> None:
        await self.redis.aclose()


def create_store(redis_url: str | None) -> MemoryStore | RedisStore:
    return RedisStore(redis_url) if redis_url else MemoryStore()
