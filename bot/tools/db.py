"""`python -m bot db upgrade|current`: the database schema (Alembic), for deployments that migrate once.

The embedded mode also migrates at start; compose runs `db upgrade` as a one-shot service first so that
web and worker processes never race to create tables.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from sqlalchemy import text

from integrations.storage.db import Database

log = logging.getLogger(__name__)


async def _current(db: Database) -> str | None:
    async with db.engine.connect() as conn:
        try:
            return (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one_or_none()
        except Exception:  # no alembic_version table yet: an empty database
            return None


async def _run(command: str, url: str) -> int:
    db = Database(url)
    try:
        if command == "upgrade":
            await db.migrate()
        revision = await _current(db)
        print(f"database schema at revision {revision or '(none)'}")  # noqa: T201 - the command's answer
        return 0
    finally:
        await db.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot db", description="database schema (Alembic)")
    parser.add_argument("command", choices=["upgrade", "current"],
                        help="upgrade: apply every migration up to head; current: show the revision")
    args = parser.parse_args(argv)
    from bot.config import get_settings
    from bot.logging import setup_logging

    settings = get_settings()
    setup_logging(settings.log_level, settings.log_format)
    return asyncio.run(_run(args.command, settings.database_url))
