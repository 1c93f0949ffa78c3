"""Web and worker processes start together: concurrent migrations must not trip over each other."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from integrations.storage.db import ALEMBIC_INI, Database


async def test_four_processes_migrating_the_same_sqlite_file_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    databases = [Database(url) for _ in range(4)]
    try:
        await asyncio.gather(*(db.migrate() for db in databases))
        async with databases[0].engine.connect() as conn:
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        head = ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).get_current_head()
        assert version == head
    finally:
        for db in databases:
            await db.close()
