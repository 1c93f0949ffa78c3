"""Helpers for tests that start real servers (uvicorn, redis-server, PostgreSQL) on this machine's loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import httpx


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_until_up(
    url: str,
    *,
    attempts: int = 600,
    exit_code: Callable[[], int | None] = lambda: None,
    details: Callable[[], str] = lambda: "",
) -> None:
    """Poll `url` every 0.1 s until it answers 200; fail at once if the server process has exited."""
    async with httpx.AsyncClient() as http:
        for _ in range(attempts):
            code = exit_code()
            if code is not None:
                raise AssertionError(f"the server exited with {code} before {url} answered\n{details()}")
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} did not come up\n{details()}")
