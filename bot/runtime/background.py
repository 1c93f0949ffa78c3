"""One asyncio task that runs for the life of the app (a scheduler, a sender) and stops cleanly."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any


class BackgroundTask:
    """Mixin: `_launch(work, name)` starts the task once; `stop()` cancels it and waits for it."""

    _task: asyncio.Task[None] | None = None

    def _launch(self, work: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
        if self._task is None:
            self._task = asyncio.create_task(work(), name=name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
