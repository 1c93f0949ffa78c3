"""`python -m bot db upgrade` creates the whole schema on SQLite and on PostgreSQL, and is idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from integrations.storage.db import ALEMBIC_INI, Database
from integrations.storage.models import SQLModel

pytestmark = pytest.mark.both_databases
REPO = Path(__file__).resolve().parents[2]


def _bot_db(command: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(REPO), "LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-m", "bot", "db", command], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


async def test_db_upgrade_creates_every_table_of_the_models_and_can_run_again(database_url: str) -> None:
    head = ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).get_current_head()
    before = _bot_db("current", database_url)
    assert before.returncode == 0 and "(none)" in before.stdout
    first = _bot_db("upgrade", database_url)
    assert first.returncode == 0, first.stderr
    assert f"revision {head}" in first.stdout
    again = _bot_db("upgrade", database_url)
    assert again.returncode == 0 and f"revision {head}" in again.stdout
    db = Database(database_url)
    try:
        async with db.engine.connect() as conn:
            tables = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await db.close()
    assert set(SQLModel.metadata.tables) <= tables
