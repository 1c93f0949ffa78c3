"""Applications as the office sees them: the status machine, documents, the applicant.

`ApplicationStatus` is a state machine: `ALLOWED_TRANSITIONS` lists every legal move, so
the officers' case lifecycle (checking, more documents, consideration, payment, done) can
be added without touching the chat flow. Statuses follow the BizPortal case states.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum


class ApplicationStatus(StrEnum):
    draft = "draft"  # being filled in the chat (ร่างคำขอ)
    submitted = "submitted"  # sent with OTP, waiting for an officer (ยื่นคำขอแล้ว)
    checking = "checking"  # preliminary check of the request (ตรวจสอบคำขอเบื้องต้น)
    needs_action = "needs_action"  # officer asks for corrections or more documents (ให้ดำเนินการเพิ่มเติม)
    returned = "returned"  # officer returned the request (คืนเรื่อง)
    considering = "considering"  # under consideration (พิจารณา)
    rejected = "rejected"  # not permitted (ไม่อนุญาต)
    awaiting_payment = "awaiting_payment"  # fee to pay (ชำระค่าธรรมเนียม)
    completed = "completed"  # done, licence/registration issued (เสร็จสมบูรณ์)
    withdrawn = "withdrawn"  # the citizen deleted the draft or withdrew the request
    expired = "expired"  # a draft left longer than DRAFT_TTL_DAYS


S = ApplicationStatus
ALLOWED_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.draft: frozenset({S.submitted, S.withdrawn, S.expired}),
    S.submitted: frozenset({S.checking, S.withdrawn}),
    S.checking: frozenset({S.considering, S.needs_action, S.returned}),
    S.needs_action: frozenset({S.checking, S.considering, S.returned, S.withdrawn}),
    S.considering: frozenset({S.awaiting_payment, S.completed, S.rejected, S.needs_action}),
    S.awaiting_payment: frozenset({S.completed, S.withdrawn}),
    S.returned: frozenset(),
    S.rejected: frozenset(),
    S.completed: frozenset(),
    S.withdrawn: frozenset(),
    S.expired: frozenset(),
}
TERMINAL: frozenset[ApplicationStatus] = frozenset(s for s, nexts in ALLOWED_TRANSITIONS.items() if not nexts)


class InvalidTransition(ValueError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"application status cannot go from {current} to {target}")
        self.current = current
        self.target = target


def check_transition(current: str, target: ApplicationStatus) -> None:
    if target not in ALLOWED_TRANSITIONS[ApplicationStatus(current)]:
        raise InvalidTransition(current, target)


class DocumentStatus(StrEnum):
    received = "received"  # a photo or PDF is stored
    later = "later"  # the citizen will send it later (the application stays a draft)


def document_key(name: str) -> str:
    """A short stable key for a checklist document (its name may be long and Thai)."""
    return hashlib.sha256(name.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Applicant:
    full_name: str | None = None
    national_id: str | None = None  # 13 digits
    phone: str | None = None  # 0XXXXXXXXX
    address: str | None = None

    @property
    def complete(self) -> bool:
        return bool(self.full_name and self.national_id and self.phone and self.address)
