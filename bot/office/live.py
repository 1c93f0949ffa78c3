"""Live updates for the console (server-sent events), in one process.

`publish` wakes every open inbox stream at once. Events published in another process (a
separate worker with Redis) do not arrive here, so the console's stream also re-reads the
database every few seconds (console/routes.py): the feed makes it instant, the re-read makes
it correct.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LiveFeed:
    _subscribers: set[asyncio.Queue[dict[str, Any]]] = field(default_factory=set)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def publish(self, kind: str, **data: Any) -> None:
        event = {"id": next(self._seq), "kind": kind, **data}
        for queue in list(self._subscribers):
            if queue.qsize() < 100:  # a stalled browser must not grow memory without end
                queue.put_nowait(event)

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._subscribers.discard(queue)
