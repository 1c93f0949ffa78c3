"""The office side on PostgreSQL (tests/postgres_server.py, or POSTGRES_TEST_URL): SKIP LOCKED claims by
concurrent senders, concurrent moves of one case under FOR UPDATE."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from bot.office.outbox import enqueue
from bot.office.wiring import build_outbox_sender
from bot.runtime.services import Services
from core.cases import Actor
from integrations.line.fake import FakeLineServer
from integrations.storage.models.cases import CaseTransition
from tests.applications.helpers import FakeClock
from tests.office.conftest import PASSWORD, submitted_case

pytestmark = pytest.mark.both_databases


@pytest.fixture
def pg(services: Services, clock: FakeClock) -> Services:
    """The test's services, on PostgreSQL only: these tests are about its row locks."""
    if "postgresql" not in services.settings.database_url:
        pytest.skip("PostgreSQL behaviour (SKIP LOCKED, FOR UPDATE)")
    return services


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
