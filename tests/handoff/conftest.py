"""Fixtures for handoff tests: the officers' group configured, a weekday-morning clock, officers with tokens."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from bot.config import Settings
from bot.runtime.services import Services
from integrations.line.fake import FakeLineServer
from tests.applications.helpers import FakeClock, WebhookChat

GROUP_ID = "C" + "a1" * 16
MONDAY_10AM = datetime(2026, 1, 12, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok, a working day
SATURDAY_10AM = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
PASSWORD = "correct horse 1"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"line_officer_group_id": GROUP_ID, "handoff_escalate_minutes": 15})


@pytest.fixture
def clock(services: Services) -> FakeClock:
    fake = FakeClock(MONDAY_10AM)
    services.clock = fake
    return fake


@pytest.fixture
def web(client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str,
        clock: FakeClock) -> WebhookChat:
    return WebhookChat(client, app, fake_line, user_id)


@dataclass
class Officer:
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
async def make_officer(app: FastAPI, services: Services) -> Callable[..., Awaitable[Officer]]:
    async def make(username: str, role: str = "officer", display_name: str | None = None) -> Officer:
        await services.accounts.create(username, PASSWORD, role=role, display_name=display_name)
        return Officer(username, await services.accounts.issue_token(username))

    return make


@pytest.fixture
async def officer(make_officer: Callable[..., Awaitable[Officer]]) -> Officer:
    return await make_officer("somsri", display_name="สมศรี")


async def until(check: Callable[[], bool], what: str, attempts: int = 200) -> None:
    """Wait for the outbox sender (a background task) to have done something."""
    for _ in range(attempts):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
async def migrated(services: Services) -> AsyncIterator[None]:
    await services.db.migrate()
    yield
