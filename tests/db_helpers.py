"""Read what a test's database holds, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from integrations.storage.db import Database


async def db_rows(db: Database, query: str) -> list[tuple[object, ...]]:
    async with db.engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(text(query))).all()]


async def everything_stored(db: Database) -> bytes:
    """Every byte the database keeps: the file for SQLite, every row of every table as text elsewhere."""
    if db.url.startswith("sqlite"):
        return Path(db.url.split(":///", 1)[1]).read_bytes()
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        dumped = []
        for table in tables:
            result = await conn.execute(text(f'SELECT row_to_json(t)::text FROM "{table}" t'))
            dumped += [row[0] for row in result.all()]
    return "\n".join(dumped).encode()
