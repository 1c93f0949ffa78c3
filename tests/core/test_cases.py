"""The case state machine: the issue's moves are allowed, everything else is refused with a reason."""

from __future__ import annotations

import pytest

from core.cases import (
    ACTION_STATES,
    TERMINAL,
    Actor,
    CaseState,
    Refusal,
    RefusalCode,
    citizen_may_cancel,
    decide,
    targets,
)

S = CaseState
A = Actor

# the issue's graph, written out independently of the rule table
ISSUE_MOVES = {
    (S.submitted, S.preliminary_check),
    *((S.preliminary_check, t) for t in (S.consideration, S.fix_uploads, S.more_documents, S.documents_sent,
                                         S.returned)),
    *((S.consideration, t) for t in (S.approved, S.fix_uploads, S.more_documents, S.documents_sent, S.denied)),
    (S.approved, S.fee_due), (S.approved, S.completed), (S.fee_due, S.paid), (S.paid, S.completed),
}


def _mover(source: CaseState, target: CaseState) -> Actor:
    return A.admin if target in {S.approved, S.denied} else A.officer


@pytest.mark.parametrize(("source", "target"), sorted(ISSUE_MOVES))
def test_every_move_of_the_issue_is_allowed(source: CaseState, target: CaseState) -> None:
    move = decide(source, target, _mover(source, target), documents=["สำเนาบัตรประชาชน https://x.test/a"],
                  fee_satang=5000)
    assert (move.source, move.target) == (source, target)


def test_no_other_officer_move_exists() -> None:
    for source in S:
        for target in S:
            if (source, target) in ISSUE_MOVES or source in ACTION_STATES or target is S.cancelled:
                continue
            with pytest.raises(Refusal) as refused:
                decide(source, target, A.admin, documents=["x"], fee_satang=100)
            assert refused.value.code in {RefusalCode.not_allowed, RefusalCode.wrong_return}
            assert source.value in refused.value.reason


@pytest.mark.parametrize("asker", [S.preliminary_check, S.consideration])
@pytest.mark.parametrize("request_state", [S.fix_uploads, S.more_documents, S.documents_sent])
def test_a_request_goes_back_to_the_step_that_asked(asker: CaseState, request_state: CaseState) -> None:
    asked = decide(asker, request_state, A.officer, documents=["ใบทะเบียนบ้าน https://x.test/b"])
    assert asked.return_to is asker and asked.documents == ("ใบทะเบียนบ้าน https://x.test/b",)
    back = decide(request_state, asker, A.citizen, return_to=asked.return_to)
    assert back.target is asker and back.return_to is None
    other = S.consideration if asker is S.preliminary_check else S.preliminary_check
    with pytest.raises(Refusal) as refused:
        decide(request_state, other, A.officer, return_to=asker)
    assert refused.value.code is RefusalCode.wrong_return and asker.value in refused.value.reason


def test_asking_must_name_the_documents() -> None:
    for state in (S.fix_uploads, S.more_documents, S.documents_sent):
        with pytest.raises(Refusal) as refused:
            decide(S.preliminary_check, state, A.officer, documents=["  "])
        assert refused.value.code is RefusalCode.documents_required


def test_decisions_are_for_admins_and_cancelling_for_the_citizen() -> None:
    for decision in (S.approved, S.denied):
        with pytest.raises(Refusal) as refused:
            decide(S.consideration, decision, A.officer)
        assert refused.value.code is RefusalCode.forbidden
    with pytest.raises(Refusal) as officer_cancels:
        decide(S.submitted, S.cancelled, A.admin)
    assert officer_cancels.value.code is RefusalCode.forbidden
    with pytest.raises(Refusal) as citizen_checks:
        decide(S.submitted, S.preliminary_check, A.citizen)
    assert citizen_checks.value.code is RefusalCode.forbidden
    with pytest.raises(Refusal):
        decide(S.fee_due, S.paid, A.citizen)  # a citizen cannot declare a fee paid
    assert decide(S.fee_due, S.paid, A.payment).target is S.paid


def test_the_citizen_may_cancel_only_before_a_decision() -> None:
    undecided = {S.submitted, S.preliminary_check, S.consideration, S.fix_uploads, S.more_documents,
                 S.documents_sent}
    for state in S:
        assert citizen_may_cancel(state) is (state in undecided)
        if state in undecided:
            assert decide(state, S.cancelled, A.citizen).target is S.cancelled
        else:
            with pytest.raises(Refusal):
                decide(state, S.cancelled, A.citizen)


def test_fees_come_from_the_knowledge_or_the_officer() -> None:
    assert decide(S.approved, S.fee_due, A.officer, fixed_fee_satang=5000).fee_satang == 5000
    assert decide(S.approved, S.fee_due, A.officer, fee_satang=120000, fixed_fee_satang=5000).fee_satang == 120000
    with pytest.raises(Refusal) as formula:
        decide(S.approved, S.fee_due, A.officer)
    assert formula.value.code is RefusalCode.fee_required
    with pytest.raises(Refusal) as zero:
        decide(S.approved, S.fee_due, A.officer, fee_satang=0)
    assert zero.value.code is RefusalCode.bad_fee


def test_terminal_states_end_the_case_and_unknown_ids_are_named() -> None:
    for state in TERMINAL:
        assert targets(state, A.admin) == [] and targets(state, A.citizen) == []
    with pytest.raises(Refusal) as unknown:
        decide(S.submitted, "approved_quickly", A.admin)
    assert unknown.value.code is RefusalCode.unknown_state and "approved_quickly" in unknown.value.reason

