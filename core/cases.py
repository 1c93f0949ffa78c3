"""The case lifecycle: states, who may move a case where, and why a move is refused (issue 12).

Pure rules, no I/O. The API, the console, the chat and the payment callback all ask
`decide(...)`; storing the result is `bot/office/cases.py`'s job.

    submitted ─► preliminary_check ─► consideration ─► approved ─► fee_due ─► paid ─► completed
                        │                  │               └──────────────────────────► completed
                        ├► fix_uploads ────┤ (either step may ask; the case goes back to the step that asked
                        ├► more_documents ─┤  once the citizen has sent what was asked)
                        ├► documents_sent ─┤ (the officer sends papers; the case goes back when read or brought)
                        └► returned        └► denied
    cancelled: by the citizen, from any state before a decision.

The ids are stable: they are stored, sent by the API and the console, and named in the
knowledge files' messages (`case.state.<id>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CaseState(StrEnum):
    submitted = "submitted"  # ยื่นคำขอแล้ว
    preliminary_check = "preliminary_check"  # ตรวจสอบคำขอเบื้องต้น
    consideration = "consideration"  # พิจารณา
    fix_uploads = "fix_uploads"  # ให้แก้ไขเอกสารที่อัปโหลด
    more_documents = "more_documents"  # ขอเอกสารเพิ่มเติม
    documents_sent = "documents_sent"  # เจ้าหน้าที่ส่งเอกสารเพิ่มเติมให้ผู้ยื่น
    returned = "returned"  # คืนเรื่อง
    approved = "approved"  # อนุญาต
    denied = "denied"  # ไม่อนุญาต
    fee_due = "fee_due"  # รอชำระค่าธรรมเนียม
    paid = "paid"  # ชำระแล้ว
    completed = "completed"  # เสร็จสมบูรณ์
    cancelled = "cancelled"  # ผู้ยื่นยกเลิก


class Actor(StrEnum):
    officer = "officer"  # an officer's account (role officer)
    admin = "admin"  # an officer's account with the admin role: also decides
    citizen = "citizen"  # the applicant, in the chat
    payment = "payment"  # the bank's signed payment callback


S = CaseState
STAFF = frozenset({Actor.officer, Actor.admin})
DECIDERS = frozenset({Actor.admin})  # the decision itself is the authorised person's (นายก/ปลัด), not a clerk's
CITIZEN = frozenset({Actor.citizen})
ACTION_STATES = frozenset({S.fix_uploads, S.more_documents, S.documents_sent})  # the citizen's turn
ASKING_STATES = frozenset({S.preliminary_check, S.consideration})  # may ask for fixes, documents, send papers
UNDECIDED = frozenset({S.submitted, S.preliminary_check, S.consideration} | ACTION_STATES)
TERMINAL = frozenset({S.returned, S.denied, S.completed, S.cancelled})
NEEDS_DOCUMENTS = frozenset({S.fix_uploads, S.more_documents, S.documents_sent})  # the move must name them


@dataclass(frozen=True)
class Rule:
    sources: frozenset[CaseState]
    target: CaseState | None  # None: "back to the step that asked" (the case's return_to)
    actors: frozenset[Actor]
    why: str


def _from(*states: CaseState) -> frozenset[CaseState]:
    return frozenset(states)


# The table, read top to bottom. A move is allowed when a row lists its source, target and actor.
RULES: tuple[Rule, ...] = (
    Rule(_from(S.submitted), S.preliminary_check, STAFF, "an officer starts the preliminary check"),
    Rule(ASKING_STATES, S.fix_uploads, STAFF, "uploaded documents need fixing"),
    Rule(ASKING_STATES, S.more_documents, STAFF, "more documents are needed"),
    Rule(ASKING_STATES, S.documents_sent, STAFF, "the officer sends documents to the applicant"),
    Rule(_from(S.preliminary_check), S.consideration, STAFF, "the request passed the preliminary check"),
    Rule(_from(S.preliminary_check), S.returned, STAFF, "the request is returned to the applicant"),
    Rule(_from(S.consideration), S.approved, DECIDERS, "permitted"),
    Rule(_from(S.consideration), S.denied, DECIDERS, "not permitted"),
    Rule(ACTION_STATES, None, CITIZEN | STAFF, "what was asked was sent (or brought to the office)"),
    Rule(_from(S.approved), S.fee_due, STAFF, "a fee is to be paid"),
    Rule(_from(S.approved), S.completed, STAFF, "no fee: the licence is issued"),
    Rule(_from(S.fee_due), S.paid, STAFF | frozenset({Actor.payment}), "the fee was paid (bank or counter)"),
    Rule(_from(S.paid), S.completed, STAFF, "the licence or receipt is issued"),
    Rule(UNDECIDED, S.cancelled, CITIZEN, "the applicant withdraws before a decision"),
)


class RefusalCode(StrEnum):
    unknown_state = "unknown_state"  # not a state id
    not_allowed = "not_allowed"  # the table has no such move from here (HTTP 409)
    wrong_return = "wrong_return"  # back to a step other than the one that asked (409)
    forbidden = "forbidden"  # the move exists but not for this actor (HTTP 403)
    documents_required = "documents_required"  # asking without naming what (HTTP 422)
    fee_required = "fee_required"  # fee_due with no fixed fee and no fee_baht (422)
    bad_fee = "bad_fee"  # a fee that is not a positive amount (422)


class Refusal(Exception):
    def __init__(self, code: RefusalCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Move:
    source: CaseState
    target: CaseState
    return_to: CaseState | None  # what the case's return_to becomes
    documents: tuple[str, ...]
    fee_satang: int | None


def state_of(value: str) -> CaseState:
    try:
        return CaseState(value)
    except ValueError:
        raise Refusal(RefusalCode.unknown_state, f"{value!r} is not a case state") from None


def targets(current: CaseState, actor: Actor, return_to: CaseState | None = None) -> list[CaseState]:
    """Where `actor` may move a case that is in `current` now (for buttons and the console)."""
    out: list[CaseState] = []
    for rule in RULES:
        if current in rule.sources and actor in rule.actors:
            target = rule.target or return_to
            if target is not None and target not in out:
                out.append(target)
    return out


def decide(
    current: CaseState | str,
    wanted: CaseState | str,
    actor: Actor,
    *,
    return_to: CaseState | str | None = None,
    documents: list[str] | tuple[str, ...] = (),
    fee_satang: int | None = None,
    fixed_fee_satang: int | None = None,
) -> Move:
    """The move from `current` to `wanted` by `actor`, or a `Refusal` saying why not.

    `return_to` is the case's stored "step that asked"; `fixed_fee_satang` the fee the
    knowledge files state for the service (None when set by formula: then `fee_satang`
    from the officer is required for fee_due).
    """
    source, target = state_of(str(current)), state_of(str(wanted))
    back = state_of(str(return_to)) if return_to else None
    matching = [r for r in RULES if source in r.sources and (r.target or back) == target]
    if not matching:
        if source in ACTION_STATES and target in ASKING_STATES and back is not None:
            raise Refusal(RefusalCode.wrong_return,
                          f"a case in {source} goes back to {back}, the step that asked, not to {target}")
        if source in TERMINAL:
            raise Refusal(RefusalCode.not_allowed, f"the case is {source}: nothing follows")
        allowed = ", ".join(t.value for t in targets(source, Actor.admin, back) + targets(source, Actor.citizen, back))
        raise Refusal(RefusalCode.not_allowed, f"a case in {source} cannot go to {target} (from here: {allowed})")
    if not any(actor in r.actors for r in matching):
        who = " or ".join(sorted({a.value for r in matching for a in r.actors}))
        raise Refusal(RefusalCode.forbidden, f"moving a case from {source} to {target} is for {who}, not {actor}")

    cleaned = tuple(d.strip() for d in documents if d and d.strip())
    if target in NEEDS_DOCUMENTS and not cleaned:
        raise Refusal(RefusalCode.documents_required, f"{target} must name the documents")

    fee: int | None = None
    if target is S.fee_due:
        fee = fee_satang if fee_satang is not None else fixed_fee_satang
        if fee is None:
            raise Refusal(RefusalCode.fee_required,
                          "this service's fee is set by formula: give fee_baht")
        if fee <= 0:
            raise Refusal(RefusalCode.bad_fee, "the fee must be more than 0 baht")

    if target in ACTION_STATES:
        new_return: CaseState | None = source
    elif source in ACTION_STATES:
        new_return = None
    else:
        new_return = back
    return Move(source=source, target=target, return_to=new_return,
                documents=cleaned if target in NEEDS_DOCUMENTS else (), fee_satang=fee)


def citizen_may_cancel(current: CaseState | str) -> bool:
    return state_of(str(current)) in UNDECIDED


def is_open(current: CaseState | str) -> bool:
    """Still being worked (shown in the officers' queue)."""
    return state_of(str(current)) not in TERMINAL
