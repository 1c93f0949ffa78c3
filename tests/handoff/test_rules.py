"""core/handoff.py: the ticket rules every entrance shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.handoff import (
    MAX_REPLY_CHARS,
    HandoffRefused,
    ReplyTiming,
    TicketState,
    check_claim,
    check_rating,
    check_reply,
    check_transition,
    median_first_reply_minutes,
    needs_escalation,
)

T0 = datetime(2026, 1, 12, 3, 0, tzinfo=UTC)


def test_a_closed_ticket_never_reopens_and_claimed_is_only_reached_from_open() -> None:
    check_transition(TicketState.open, TicketState.claimed)
    check_transition(TicketState.claimed, TicketState.closed)
    for current, target in [(TicketState.closed, TicketState.open), (TicketState.closed, TicketState.claimed),
                            (TicketState.claimed, TicketState.open), (TicketState.closed, TicketState.closed)]:
        with pytest.raises(HandoffRefused) as refused:
            check_transition(current, target)
        assert refused.value.code == "invalid_transition"


def test_claiming_is_idempotent_for_the_same_officer_and_refused_for_another() -> None:
    assert check_claim(TicketState.open, None, 7) is True
    assert check_claim(TicketState.claimed, 7, 7) is False
    with pytest.raises(HandoffRefused) as refused:
        check_claim(TicketState.claimed, 7, 8)
    assert refused.value.code == "claimed_by_other"
    with pytest.raises(HandoffRefused):
        check_claim(TicketState.closed, None, 7)


def test_replies_must_have_text_fit_and_go_to_a_live_ticket() -> None:
    assert check_reply(TicketState.open, "  สวัสดีค่ะ \n") == "สวัสดีค่ะ"
    for state, text, code in [(TicketState.claimed, " ", "empty"), (TicketState.closed, "hi", "closed"),
                              (TicketState.open, "ก" * (MAX_REPLY_CHARS + 1), "too_long")]:
        with pytest.raises(HandoffRefused) as refused:
            check_reply(state, text)
        assert refused.value.code == code


@pytest.mark.parametrize("value", [0, 6, -1])
def test_ratings_are_one_to_five(value: int) -> None:
    assert [check_rating(v) for v in range(1, 6)] == [1, 2, 3, 4, 5]
    with pytest.raises(HandoffRefused):
        check_rating(value)


def test_escalation_is_due_once_for_an_unclaimed_ticket_after_the_set_minutes() -> None:
    later = T0 + timedelta(minutes=15)
    assert needs_escalation(TicketState.open, T0, None, later, 15)
    assert not needs_escalation(TicketState.open, T0, None, later - timedelta(seconds=1), 15)
    assert not needs_escalation(TicketState.open, T0, later, later + timedelta(hours=1), 15)  # once only
    assert not needs_escalation(TicketState.claimed, T0, None, later, 15)
    assert not needs_escalation(TicketState.open, T0, None, later, 0)  # 0 turns it off


def test_median_first_reply_counts_only_answered_tickets() -> None:
    timings = [ReplyTiming(T0, T0 + timedelta(minutes=m)) for m in (2, 4, 30)] + [ReplyTiming(T0, None)]
    assert median_first_reply_minutes(timings) == 4.0
    assert median_first_reply_minutes([ReplyTiming(T0, None)]) is None
