"""Handoff to a person: the ticket's states and the rules around them (no I/O).

A ticket is `open` when a citizen asks for a person, `claimed` once an officer takes it and
`closed` when the chat goes back to the bot. Officers may reply to an open ticket too (the
first reply claims it for them); a closed ticket is never reopened: a new request opens a
new ticket. Dialogs, the officers' API, the console and the escalation job all call these
functions, so the rules exist once.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class TicketState(StrEnum):
    open = "open"
    claimed = "claimed"
    closed = "closed"


class OpenReason(StrEnum):
    asked = "asked"  # the citizen asked for a person in words
    button = "button"  # the menu / card button
    misses = "misses"  # the bot failed twice and the citizen accepted the offer


class Sender(StrEnum):
    citizen = "citizen"
    officer = "officer"
    bot = "bot"  # what the bot said before the handoff, and its notices during it


TRANSITIONS: dict[TicketState, frozenset[TicketState]] = {
    TicketState.open: frozenset({TicketState.claimed, TicketState.closed}),
    TicketState.claimed: frozenset({TicketState.closed}),
    TicketState.closed: frozenset(),
}

RATING_MIN, RATING_MAX = 1, 5
MAX_REPLY_CHARS = 2000  # shorter than LINE's 5000: a reply is read on a phone
TRANSCRIPT_KEEP = 12  # turns of the conversation so far copied into the ticket


class HandoffRefused(Exception):
    """An action the rules do not allow; `code` is stable for the API, `reason` for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def check_transition(current: TicketState, target: TicketState) -> None:
    if target not in TRANSITIONS[current]:
        raise HandoffRefused("invalid_transition", f"a ticket that is {current} cannot become {target}")


def check_claim(state: TicketState, claimed_by: int | None, officer_id: int) -> bool:
    """May this officer claim the ticket? True = a change, False = already theirs (idempotent)."""
    if state is TicketState.claimed and claimed_by == officer_id:
        return False
    if state is TicketState.claimed:
        raise HandoffRefused("claimed_by_other", "another officer has already taken this ticket")
    check_transition(state, TicketState.claimed)
    return True


def check_reply(state: TicketState, text: str) -> str:
    """An officer's reply: the ticket must still be live, the text non-empty and not too long."""
    if state is TicketState.closed:
        raise HandoffRefused("closed", "the ticket is closed; the citizen is talking to the bot again")
    cleaned = text.strip()
    if not cleaned:
        raise HandoffRefused("empty", "a reply needs some text")
    if len(cleaned) > MAX_REPLY_CHARS:
        raise HandoffRefused("too_long", f"a reply may have at most {MAX_REPLY_CHARS} characters")
    return cleaned


def check_rating(value: int) -> int:
    if not RATING_MIN <= value <= RATING_MAX:
        raise HandoffRefused("bad_rating", f"a rating is {RATING_MIN}–{RATING_MAX}")
    return value


def needs_escalation(
    state: TicketState, opened_at: datetime, escalated_at: datetime | None, now: datetime, after_minutes: int
) -> bool:
    """Nobody has picked the ticket up in time and it has not been escalated yet (once only)."""
    if after_minutes <= 0 or state is not TicketState.open or escalated_at is not None:
        return False
    return now - opened_at >= timedelta(minutes=after_minutes)


@dataclass(frozen=True)
class ReplyTiming:
    opened_at: datetime
    first_reply_at: datetime | None


def median_first_reply_minutes(tickets: list[ReplyTiming]) -> float | None:
    """Median minutes from opening to the first officer reply, over the tickets that got one."""
    waits = [(t.first_reply_at - t.opened_at).total_seconds() / 60 for t in tickets if t.first_reply_at]
    return round(statistics.median(waits), 1) if waits else None
