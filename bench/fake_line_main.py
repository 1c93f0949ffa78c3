"""Run the fake LINE server on a given port until killed (used by bench/webhook.py)."""

from __future__ import annotations

import asyncio
import sys

from integrations.line.fake import FakeLineServer


async def main(port: int) -> None:
    server = FakeLineServer(port=port)
    await server.start_on(port)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
