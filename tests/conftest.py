"""Shared fixtures: real knowledge and NLU (built once), a fake LINE server, the app under test."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app import create_app
from bot.config import DEFAULT_KNOWLEDGE_DIR, Settings
from bot.runtime.kv import MemoryStore
from bot.runtime.services import Services, build_services
from bot.runtime.understanding import NluService
from bot.tools.simulator import Simulator
from integrations.line.fake import FakeLineServer
from integrations.sms.fake import FakeSms
from knowledge.store import KnowledgeStore
from tests.factories import ACCESS_TOKEN, CHANNEL_SECRET
from tests.postgres_server import PostgresCluster, start_cluster, why_unavailable
from tests.servers import free_port

_users = itertools.count(1)


@pytest.fixture(scope="session")
def knowledge_store() -> KnowledgeStore:
    return KnowledgeStore(DEFAULT_KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def nlu_service(knowledge_store: KnowledgeStore) -> NluService:
    return NluService(knowledge_store.current)


@pytest.fixture
def user_id() -> str:
    return f"U{next(_users):032x}"


@pytest.fixture
async def fake_line() -> AsyncIterator[FakeLineServer]:
    server = await FakeLineServer().start()
    yield server
    await server.stop()


# --- databases (infra): tests marked `both_databases` run on SQLite and on PostgreSQL ---
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    reason = why_unavailable()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI (.ci/run installs it): {reason}")
        pytest.skip(reason)
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite in the test's temp dir; for `both_databases` tests also a fresh PostgreSQL database."""
    if getattr(request, "param", "sqlite") == "postgresql":
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        return cluster.create_database(f"test_{uuid.uuid4().hex[:16]}")
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture
def settings(tmp_path: Path, fake_line: FakeLineServer, database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        line_channel_secret=CHANNEL_SECRET,
        line_channel_access_token=ACCESS_TOKEN,
        line_api_base_url=fake_line.base_url,
        line_data_api_base_url=fake_line.base_url,
        database_url=database_url,
        storage_dir=tmp_path / "uploads",
        watch_knowledge=False,
        redis_url=None,
        rate_limit_per_minute=0,  # conversations here run on a frozen clock; the limit: tests/reliability
    )


@pytest.fixture
def fake_sms() -> FakeSms:
    """The SMS gateway of the `services` under test: records every SMS (OTP codes), fails on demand."""
    return FakeSms()


@pytest.fixture
async def services(
    settings: Settings, knowledge_store: KnowledgeStore, nlu_service: NluService, fake_sms: FakeSms
) -> AsyncIterator[Services]:
    # async: the LINE client opens its connection pool on the running loop
    built = build_services(settings, store=MemoryStore(), knowledge=knowledge_store, nlu=nlu_service, sms=fake_sms)
    await built.db.migrate()  # every test starts on the real schema, as the app does
    yield built
    await built.close()  # closing twice (the app's lifespan closes too) is harmless


@pytest.fixture
async def app(services: Services) -> AsyncIterator[FastAPI]:
    application = create_app(services=services)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
        yield http


@pytest.fixture
async def sim(services: Services) -> AsyncIterator[Simulator]:
    yield Simulator(services)


@pytest.fixture
def other_user() -> str:
    return f"U{next(_users):032x}"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    if url := os.environ.get("REDIS_TEST_URL"):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is required in CI (.ci/run installs it)")
        pytest.skip("redis-server not installed")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(5)
