"""The database: SQLite by default, PostgreSQL by DATABASE_URL, same code (SQLModel, async)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

REPO_ROOT = Path(__file__).resolve().parents[2]
ALEMBIC_INI = REPO_ROOT / "alembic.ini"
# aiosqlite logs each call with its SQL parameters at DEBUG: they are personal data (issue 15)
logging.getLogger("aiosqlite").setLevel(logging.INFO)
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{REPO_ROOT / 'data' / 'bot.sqlite3'}"  # DATABASE_URL unset


def async_url(url: str) -> str:
    """Accept the plain URLs people write and pick the async driver."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url


def _engine_options(url: str) -> dict[str, Any]:
    """Connection pool sized for a busy turn loop.

    Measured under load (docs/performance.md): with SQLAlchemy's default pool (5 + 10 overflow) the
    overflow connections were closed after each use and opened again, and every aiosqlite connection
    is a new thread plus a new file handle. Keep enough connections open instead.
    """
    if ":memory:" in url:
        return {}
    return {"pool_size": 20, "max_overflow": 20, "pool_recycle": 1800, "pool_pre_ping": not url.startswith("sqlite")}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL: readers never wait for the writer (web and worker processes share the file), and a commit
    is one append instead of a journal rewrite; synchronous=NORMAL in WAL mode keeps every committed
    transaction across a crash of the process (only a power cut may lose the last ones).
    busy_timeout: a second process waits for the lock instead of failing at once (30 s: the webhook
    journals every event before its 200, and 5 s met 'database is locked' under load, issue 15)."""
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


class Database:
    def __init__(self, url: str) -> None:
        self.url = async_url(url)
        if self.url.startswith("sqlite+aiosqlite:///") and ":memory:" not in self.url:
            Path(self.url.removeprefix("sqlite+aiosqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: no log (at any level) may show the values of a query: they are personal data
        self.engine: AsyncEngine = create_async_engine(self.url, hide_parameters=True, **_engine_options(self.url))
        if self.url.startswith("sqlite"):
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commit on success, roll back on any error."""
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (`alembic upgrade head`), at start-up."""
        if ":memory:" in self.url:
            # an in-memory database lives in this engine's connection: migrate through it
            async with self.engine.begin() as conn:
                await conn.run_sync(_upgrade, self.url)
            return
        await asyncio.to_thread(_upgrade_once, self.url)

    async def ping(self) -> bool:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def close(self) -> None:
        await self.engine.dispose()


def _upgrade_once(url: str) -> None:
    """Several processes start together (web + workers): only one may run the migrations.

    SQLite: an exclusive lock on a file beside the database; the others wait, then find the
    schema at head. Other databases: DDL is transactional, so a process that loses the race
    fails cleanly and simply tries again, finding the schema at head.
    """
    if url.startswith("sqlite"):
        import fcntl

        lock_path = Path(url.split(":///", 1)[-1] + ".migrate.lock")
        with lock_path.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                _upgrade(None, url)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return
    for attempt in range(3):
        try:
            _upgrade(None, url)
            return
        except Exception:
            if attempt == 2:
                raise
            time.sleep(1 + attempt)


def _upgrade(connection: Connection | None, url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.attributes.update(url=url, connection=connection, configure_logging=False)
    command.upgrade(config, "head")
