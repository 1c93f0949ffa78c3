"""The NLU as the rest of the bot sees it: one object, rebuilt when the knowledge changes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from core.ports import Understanding
from knowledge.snapshot import KnowledgeSnapshot

log = logging.getLogger(__name__)


class NluService:
    def __init__(self, snapshot: KnowledgeSnapshot) -> None:
        self._pipeline = self._build(snapshot)
        self._version = snapshot.version

    @staticmethod
    def _build(snapshot: KnowledgeSnapshot) -> Any:
        from bot.nlu import pipeline_from_snapshot

        return pipeline_from_snapshot(snapshot)

    def parse(self, text: str) -> Understanding:
        result: Understanding = self._pipeline.parse(text)
        return result

    async def rebuild(self, snapshot: KnowledgeSnapshot) -> None:
        """Retrain off the event loop, then swap: requests keep the old model until then."""
        if snapshot.version == self._version:
            return
        pipeline = await asyncio.to_thread(self._build, snapshot)
        self._pipeline, self._version = pipeline, snapshot.version
        log.info("NLU retrained for knowledge version %s", snapshot.version[:8])
