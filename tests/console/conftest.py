"""Console fixtures: officers with passwords, a logged-in browser-like client."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest

from bot.runtime.services import Services

PASSWORD = "correct horse 1"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def log_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    page = await client.get("/console/login")
    return await client.post("/console/login", data={"username": username, "password": password,
                                                      "csrf": csrf_of(page.text), "next": "/console/inbox"})


@pytest.fixture
async def accounts(services: Services, app: object) -> Callable[..., Awaitable[None]]:
    async def make(username: str, role: str = "officer") -> None:
        await services.accounts.create(username, PASSWORD, role=role)

    return make
