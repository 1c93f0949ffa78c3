"""The office side on PostgreSQL (POSTGRES_TEST_URL, e.g. postgresql://bot@/bot?host=/tmp/pg): migrations,
SKIP LOCKED claims by concurrent senders, a transition with its history and push, row locks on a case."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.config import Settings
from bot.office.outbox import enqueue
from bot.office.wiring import build_outbox_sender
from bot.runtime.kv import MemoryStore
from bot.runtime.services import Services, build_services
from core.cases import Actor
from integrations.line.fake import FakeLineServer
from integrations.sms.fake import FakeSms
from integrations.storage.db import Database
from integrations.storage.models.cases import CaseTransition
from knowledge.store import KnowledgeStore
from tests.applications.helpers import FakeClock
from tests.office.conftest import PASSWORD, submitted_case

URL = os.environ.get("POSTGRES_TEST_URL")
pytestmark = pytest.mark.skipif(not URL, reason="POSTGRES_TEST_URL not set")


@pytest.fixture
async def pg(settings: Settings, knowledge_store: KnowledgeStore, nlu_service: object,
             fake_sms: FakeSms) -> AsyncIterator[Services]:
    assert URL is not None
    reset = Database(URL)
    async with reset.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await reset.close()
    built = build_services(settings.model_copy(update={"database_url": URL}), store=MemoryStore(),
                           knowledge=knowledge_store, nlu=nlu_service, sms=fake_sms)  # type: ignore[arg-type]
    built.clock = FakeClock()
    await built.db.migrate()
    yield built
    await built.close()


async def test_two_senders_share_the_work_without_pushing_a_row_twice(pg: Services, fake_line: FakeLineServer
                                                                      ) -> None:
    async with pg.db.session() as session:
        for i in range(20):
            enqueue(session, f"U{i:032x}", [{"type": "text", "text": f"ข้อความ {i}"}], purpose="case.transition",
                    now=pg.clock())
    first, second = build_outbox_sender(pg), build_outbox_sender(pg)
    delivered = await asyncio.gather(first.drain(), second.drain())
    assert sum(delivered) == 20
    keys = [c.headers["X-Line-Retry-Key"] for c in fake_line.calls if c.path.endswith("/push")]
    assert len(keys) == len(set(keys)) == 20


async def test_a_transition_on_postgres_writes_state_history_and_push_together(pg: Services, user_id: str,
                                                                              fake_line: FakeLineServer) -> None:
    tracking = await submitted_case(pg, user_id)
    officer = await pg.accounts.create("somchai", PASSWORD)
    moves = [pg.cases.transition(tracking, "preliminary_check", actor=Actor.officer, officer=officer)
             for _ in range(3)]
    results = await asyncio.gather(*moves, return_exceptions=True)
    assert sum(1 for r in results if not isinstance(r, BaseException)) == 1  # the others are refused: 409
    async with pg.db.session() as session:
        history = (await session.exec(select(CaseTransition.to_state))).all()
    assert sorted(history) == ["preliminary_check", "submitted"]
    assert await build_outbox_sender(pg).drain() == 1
    assert len(fake_line.sent("/push")) == 1
