"""What the case service hands out: summaries, details, history, payment outcomes, its errors, and the
money helpers (whole satang inside, baht outside). Re-exported by bot/office/cases.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.cases import ACTION_STATES, CaseState
from knowledge.schema import Service

S = CaseState


class CaseNotFound(LookupError):
    pass


class CaseConflict(RuntimeError):
    """Someone else moved the case meanwhile: reload and try again."""


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    from_state: str | None
    to_state: str
    actor_kind: str
    actor: str
    note: str | None
    documents: list[str]
    fee_baht: Decimal | None


@dataclass(frozen=True)
class DocumentInfo:
    key: str
    name: str
    status: str
    content_type: str | None
    size_bytes: int | None
    updated_at: datetime
    file_key: str | None


@dataclass(frozen=True)
class CaseSummary:
    tracking: str
    service_id: str
    service_title: str
    applicant_name: str | None
    state: str
    state_changed_at: datetime
    submitted_at: datetime
    waiting_for: str  # "officer" or "citizen" (or "nobody" once closed)
    fee_baht: Decimal | None
    fee_due: date | None


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    line_user_id: str
    applicant: dict[str, str | None]
    answers: list[dict[str, Any]]
    documents: list[DocumentInfo]
    requested_documents: list[str]
    return_to: str | None
    history: list[HistoryEntry]
    allowed: list[str]  # where an admin may move it now
    version: int


@dataclass(frozen=True)
class PaymentOutcome:
    status: str  # accepted | flagged | duplicate | unknown_case
    tracking: str | None = None
    reason: str | None = None


def satang(amount_baht: Decimal | int | float | str) -> int:
    return int((Decimal(str(amount_baht)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_baht(value: int | None) -> Decimal | None:
    return None if value is None else (Decimal(value) / 100).quantize(Decimal("0.01"))


def fixed_fee_satang(service: Service | None) -> int | None:
    """The service's fee when the manual states an amount (its first fee line), else None (set by formula)."""
    if service is None or not service.fees or service.fees[0].amount_baht is None:
        return None
    amount = satang(service.fees[0].amount_baht)
    return amount if amount > 0 else None


def waiting_for_of(state: str) -> str:
    current = CaseState(state)
    if current in ACTION_STATES:
        return "citizen"
    if current in {S.returned, S.denied, S.completed, S.cancelled}:
        return "nobody"
    if current is S.fee_due:
        return "citizen"
    return "officer"
