"""Yearly deadlines (ภ.ป.1 in March, elderly registration in November…): windows and when to remind.

- "open": sent once per subscription and year, on any day of the window [day_from, day_to];
- "closing": sent once, `closing_days` before the window closes (0 turns it off);
  when both are due (the bot was down), only "closing" is sent and both are recorded.
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

OPEN = "open"
CLOSING = "closing"
RETRY_KEY_NAMESPACE = uuid.UUID("6f1d3c52-5b0e-4c8e-9a51-2f7c0e0d9b11")  # never change: keys must repeat


class Deadline(Protocol):
    """A service's yearly deadline (knowledge.schema.Deadline)."""

    @property
    def month(self) -> int: ...

    @property
    def day_from(self) -> int: ...

    @property
    def day_to(self) -> int | None: ...  # None = end of month


@dataclass(frozen=True)
class Window:
    opens: date
    closes: date


def window(deadline: Deadline, year: int) -> Window:
    last = calendar.monthrange(year, deadline.month)[1]
    opens = date(year, deadline.month, min(deadline.day_from, last))
    closes = date(year, deadline.month, min(deadline.day_to or last, last))
    return Window(opens, max(opens, closes))


def next_window(deadline: Deadline, today: date) -> Window:
    """This year's window if it has not closed yet, else next year's."""
    this_year = window(deadline, today.year)
    return this_year if today <= this_year.closes else window(deadline, today.year + 1)


def closing_day(win: Window, closing_days: int) -> date | None:
    if closing_days <= 0:
        return None
    day = win.closes - timedelta(days=closing_days)
    return day if day > win.opens else None  # a short window gets only the "open" reminder


def due_kinds(deadline: Deadline, today: date, closing_days: int) -> list[str]:
    win = window(deadline, today.year)
    if not win.opens <= today <= win.closes:
        return []
    kinds = [OPEN]
    closing = closing_day(win, closing_days)
    if closing is not None and today >= closing:
        kinds.append(CLOSING)
    return kinds


def retry_key(subscription_id: int, year: int, kind: str) -> str:
    """The X-Line-Retry-Key of one reminder: the same whoever sends it, however often."""
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"{subscription_id}:{year}:{kind}"))
