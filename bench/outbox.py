"""Outbox delivery throughput against the fake LINE server: `python bench/outbox.py [--rows 2000] [--users 200]`.

Enqueues ROWS case notifications (one text each) for USERS citizens in one transaction, then lets one
OutboxSender drain them (claim, push with its retry key, mark sent) and prints rows per second and the
time from enqueue to the last delivery. SQLite in a temporary folder unless DATABASE_URL is given.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.office.outbox import OutboxPolicy, OutboxSender, enqueue
from integrations.line.client import SdkLineMessenger
from integrations.line.fake import FakeLineServer
from integrations.storage.db import Database


async def run(rows: int, users: int, batch: int, url: str) -> None:
    fake = await FakeLineServer().start()
    db = Database(url)
    await db.migrate()
    line = SdkLineMessenger("bench-token", api_base_url=fake.base_url, data_api_base_url=fake.base_url)
    now = datetime.now(UTC)
    async with db.session() as session:
        for i in range(rows):
            enqueue(session, f"U{i % users:032x}", [{"type": "text", "text": f"แจ้งผล {i}"}],
                    purpose="case.transition", now=now)
    sender = OutboxSender(db, line, lambda: datetime.now(UTC), policy=OutboxPolicy(batch_size=batch))
    started = time.perf_counter()
    delivered = await sender.drain(max_rounds=10_000)
    elapsed = time.perf_counter() - started
    pushes = len(fake.sent("/push"))
    print(f"rows={rows} users={users} batch={batch} delivered={delivered} pushes={pushes}")
    print(f"drain: {elapsed:.2f} s, {delivered / elapsed:.0f} rows/s, {1000 * elapsed / max(delivered, 1):.2f} ms/row")
    await line.close()
    await db.close()
    await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        asyncio.run(run(args.rows, args.users, args.batch, url))


if __name__ == "__main__":
    main()
