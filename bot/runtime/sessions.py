"""Per-conversation state, kept in the key-value store as JSON."""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from bot.runtime.kv import KeyValueStore

SESSION_PREFIX = "sess:"


class Session(BaseModel):
    dialog: str | None = None  # active dialog name
    step: str | None = None  # its current step
    data: dict[str, Any] = Field(default_factory=dict)  # the dialog's typed Data, dumped
    focus_service: str | None = None  # the service the conversation is about, for follow-ups
    answers: dict[str, bool] = Field(default_factory=dict)  # condition answers, reused across services
    # document checklist, kept outside any one dialog so other flows in between lose nothing:
    have: dict[str, list[int]] = Field(default_factory=dict)  # service -> documents ticked as ready
    unsure: dict[str, list[str]] = Field(default_factory=dict)  # service -> conditions answered "ไม่แน่ใจ"
    misses: int = 0  # consecutive turns the bot did not understand
    handoff: bool = False  # an officer has the chat: the bot stays silent
    last_intent: str | None = None
    # the last few turns ({"from": citizen|bot, "text"}), copied into a handoff ticket (bot/runtime/transcript.py)
    recent: list[dict[str, str]] = Field(default_factory=list)
    updated_at: float = Field(default_factory=time.time)

    @property
    def state(self) -> str | None:
        """Readable state name, e.g. "application:ask_national_id"."""
        return f"{self.dialog}:{self.step}" if self.dialog and self.step else None

    def end_dialog(self) -> None:
        self.dialog = None
        self.step = None
        self.data = {}


class SessionStore:
    def __init__(self, store: KeyValueStore, ttl_seconds: int) -> None:
        self._store = store
        self._ttl = ttl_seconds

    async def load(self, user_key: str) -> Session:
        raw = await self._store.get(SESSION_PREFIX + user_key)
        if raw is None:
            return Session()
        try:
            return Session.model_validate_json(raw)
        except ValidationError:
            # A session written by an older schema: start fresh rather than half-read it.
            return Session()

    async def save(self, user_key: str, session: Session) -> None:
        session.updated_at = time.time()
        await self._store.set(SESSION_PREFIX + user_key, session.model_dump_json(), self._ttl)

    async def delete(self, user_key: str) -> None:
        await self._store.delete(SESSION_PREFIX + user_key)
