"""Fixtures for the application flow: a migrated database, a settable clock, a webhook chat."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from bot.runtime.services import Services
from integrations.line.fake import FakeLineServer
from tests.applications.helpers import FakeClock, WebhookChat


@pytest.fixture
def clock(services: Services) -> FakeClock:
    fake = FakeClock()
    services.clock = fake
    return fake


@pytest.fixture(autouse=True)
async def migrated(services: Services) -> AsyncIterator[None]:
    await services.db.migrate()
    yield
    await services.close()  # also for tests that use neither `sim` nor `app` (closing twice is harmless)


@pytest.fixture
def web(client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str,
        clock: FakeClock) -> WebhookChat:
    return WebhookChat(client, app, fake_line, user_id)

