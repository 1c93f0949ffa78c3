"""Per-day counters for the console's dashboard, in the key-value store (Redis when shared).

- conversations: distinct LINE users who sent anything that day (Asia/Bangkok days);
- NLU: texts understood by the NLU, and those it labelled `unknown`, for the 7-day rate.
Counters expire after STATS_DAYS_KEPT days; a store failure never costs a citizen an answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from bot.runtime.kv import KeyValueStore

log = logging.getLogger(__name__)
STATS_DAYS_KEPT = 9
_TTL = STATS_DAYS_KEPT * 86400


def _key(day: date, name: str) -> str:
    return f"stats:{day.isoformat()}:{name}"


async def note_turn(store: KeyValueStore, day: date, user_key: str, intent: str | None) -> None:
    try:
        if await store.set_if_absent(_key(day, f"seen:{user_key}"), "1", _TTL):
            await store.incr(_key(day, "conversations"), _TTL)
        if intent is not None:
            await store.incr(_key(day, "nlu_total"), _TTL)
            if intent == "unknown":
                await store.incr(_key(day, "nlu_unknown"), _TTL)
    except Exception:
        log.exception("dashboard counters not updated")


@dataclass(frozen=True)
class DayStats:
    day: date
    conversations: int
    nlu_total: int
    nlu_unknown: int

    @property
    def unknown_rate(self) -> float | None:
        return self.nlu_unknown / self.nlu_total if self.nlu_total else None


async def _count(store: KeyValueStore, key: str) -> int:
    raw = await store.get(key)
    try:
        return int(raw) if raw is not None else 0
    except ValueError:
        return 0


async def recent_days(store: KeyValueStore, today: date, days: int = 7) -> list[DayStats]:
    """The last `days` days, oldest first, today last."""
    out = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        out.append(DayStats(day, await _count(store, _key(day, "conversations")),
                            await _count(store, _key(day, "nlu_total")), await _count(store, _key(day, "nlu_unknown"))))
    return out
