"""Fixtures for the fault-injection tests: an app whose settings a test may change."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app import create_app
from bot.config import Settings
from bot.runtime.kv import MemoryStore
from bot.runtime.services import Services, build_services
from bot.runtime.understanding import NluService
from integrations.sms.fake import FakeSms
from knowledge.store import KnowledgeStore

AppFactory = Callable[..., Any]


@pytest.fixture
async def app_with(
    settings: Settings, knowledge_store: KnowledgeStore, nlu_service: NluService
) -> AsyncIterator[AppFactory]:
    """`async with app_with(queue_max_pending=2) as (app, client):` an app on changed settings."""
    from contextlib import asynccontextmanager

    opened: list[Services] = []

    @asynccontextmanager
    async def factory(**changes: Any) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
        built = build_services(settings.model_copy(update=changes), store=MemoryStore(),
                               knowledge=knowledge_store, nlu=nlu_service, sms=FakeSms())
        opened.append(built)
        await built.db.migrate()
        application = create_app(services=built)
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
                yield application, http

    yield factory
    for built in opened:
        await built.close()
