"""The live knowledge of the running bot: one snapshot reference, swapped whole.

    store = KnowledgeStore()              # loads now; raises KnowledgeLoadError if broken
    store.current.service("signboard_tax")
    store.subscribe(nlu.rebuild)          # called with each new snapshot after a swap
    asyncio.create_task(store.watch(stop_event))

A reload parses and validates a complete new KnowledgeSnapshot first and only then
replaces the reference, so a request sees either the old knowledge or the new,
never a mix. A tree with errors is refused: the previous snapshot stays in force and
the errors are logged and kept in `last_errors` (with `last_errors_at`) for the
officers' console.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, awatch

from knowledge.errors import KnowledgeError, KnowledgeLoadError
from knowledge.loader import locate, try_load_knowledge
from knowledge.snapshot import KnowledgeSnapshot

log = logging.getLogger("knowledge")

Subscriber = Callable[[KnowledgeSnapshot], Awaitable[None] | None]
WATCHED_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class ReloadResult:
    at: dt.datetime
    ok: bool
    version: str  # the version in force after this attempt
    errors: tuple[KnowledgeError, ...] = ()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class KnowledgeStore:
    def __init__(self, path: str | Path | None = None, *, snapshot: KnowledgeSnapshot | None = None) -> None:
        """Load from `path` (default $KNOWLEDGE_DIR), or start from a ready `snapshot` (tests)."""
        self._path = path
        self._lock = threading.Lock()  # one reload at a time; readers never take it
        self._subscribers: list[Subscriber] = []
        self.last_errors: tuple[KnowledgeError, ...] = ()
        self.last_errors_at: dt.datetime | None = None
        self.last_reload: ReloadResult | None = None
        if snapshot is None:
            loaded, errors = try_load_knowledge(path)
            if loaded is None:
                self._record_failure(errors)
                raise KnowledgeLoadError(errors)
            snapshot = loaded
        self._snapshot: KnowledgeSnapshot = snapshot

    @property
    def current(self) -> KnowledgeSnapshot:
        """The snapshot in force. Keep it for the whole request rather than re-reading."""
        return self._snapshot

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(snapshot)` after every successful swap; returns an unsubscribe function.

        Sync callbacks run in a worker thread when the swap comes from `watch`/`areload`
        (heavy rebuilds such as NLU training do not block the event loop); coroutine
        functions are awaited. A failing subscriber is logged and does not undo the swap.
        """
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    # --- reloading

    def watch_dirs(self) -> tuple[Path, ...]:
        """Office and national folders; the snapshot's own when the office folder is unreadable."""
        try:
            return locate(self._path).watch_dirs
        except KnowledgeLoadError:
            return self._snapshot.source_dirs

    def _load(self) -> tuple[KnowledgeSnapshot | None, list[KnowledgeError], bool]:
        """Build and validate a new snapshot, swap it in when valid. Returns (new, errors, changed)."""
        with self._lock:
            snapshot, errors = try_load_knowledge(self._path)
            if snapshot is None:
                self._record_failure(errors)
                return None, errors, False
            changed = snapshot.version != self._snapshot.version
            self._snapshot = snapshot  # the swap: one reference assignment
            self.last_errors = ()
            self.last_errors_at = None
            self.last_reload = ReloadResult(_now(), True, snapshot.version)
            if changed:
                log.info("knowledge reloaded: version %s", snapshot.version)
            return snapshot, [], changed

    def _record_failure(self, errors: list[KnowledgeError]) -> None:
        at = _now()
        self.last_errors = tuple(errors)
        self.last_errors_at = at
        current = getattr(self, "_snapshot", None)
        self.last_reload = ReloadResult(at, False, current.version if current else "", tuple(errors))
        log.error("knowledge refused (%d error(s)); previous version stays in force", len(errors))
        for error in errors:
            log.error("  %s", error)

    def reload(self) -> list[KnowledgeError]:
        """Reload now (blocking). Returns the errors; empty means the new knowledge is live."""
        snapshot, errors, changed = self._load()
        if snapshot is not None and changed:
            for callback in list(self._subscribers):
                self._notify_sync(callback, snapshot)
        return errors

    async def areload(self) -> list[KnowledgeError]:
        """Reload with parsing in a worker thread, then await the subscribers."""
        snapshot, errors, changed = await asyncio.to_thread(self._load)
        if snapshot is not None and changed:
            for callback in list(self._subscribers):
                await self._notify_async(callback, snapshot)
        return errors

    @staticmethod
    def _notify_sync(callback: Subscriber, snapshot: KnowledgeSnapshot) -> None:
        try:
            result = callback(snapshot)
            if inspect.isawaitable(result):
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:
                    asyncio.run(_await(result))
                else:
                    task = loop.create_task(_await(result))
                    task.add_done_callback(_log_task_error)
        except Exception:
            log.exception("knowledge subscriber %r failed", callback)

    @staticmethod
    async def _notify_async(callback: Subscriber, snapshot: KnowledgeSnapshot) -> None:
        try:
            if inspect.iscoroutinefunction(callback):
                await callback(snapshot)
                return
            result = await asyncio.to_thread(callback, snapshot)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("knowledge subscriber %r failed", callback)

    async def watch(
        self,
        stop_event: asyncio.Event,
        *,
        debounce_ms: int = 300,
        step_ms: int = 50,
        force_polling: bool | None = None,
    ) -> None:
        """Reload whenever a YAML file under the office or national folder changes.

        Changes are grouped for `debounce_ms` at most (an editor's save touches several
        files), keeping change-to-live well under two seconds. Runs until `stop_event`.
        """
        while not stop_event.is_set():
            dirs = self.watch_dirs()
            log.info("watching knowledge in %s", ", ".join(str(d) for d in dirs))
            async for changes in awatch(
                *dirs,
                watch_filter=_yaml_only,
                stop_event=stop_event,
                debounce=debounce_ms,
                step=step_ms,
                force_polling=force_polling,
            ):
                log.debug("knowledge files changed: %s", changes)
                await self.areload()
                if self.watch_dirs() != dirs:
                    break  # `extends` moved: watch the new folders


def _yaml_only(change: Change, path: str) -> bool:
    # editors write swap and backup files next to the real one; only YAML matters
    return path.endswith(WATCHED_SUFFIXES) and not Path(path).name.startswith((".", "#", "~"))


async def _await(result: Awaitable[None]) -> None:
    await result


def _log_task_error(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("knowledge subscriber failed", exc_info=task.exception())
