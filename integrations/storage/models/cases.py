"""The case: a submitted application as the office works it (issue 12).

The application row (applications.py) keeps the applicant, answers, documents and the
tracking number; `Case` adds the lifecycle, one row per submitted application. The rules of
the lifecycle live in `core/cases.py`; this module only stores.

- `Case.state` is a `core.cases.CaseState` id; `return_to` is the state that asked for
  fixes or more documents, where the case goes back once the citizen has sent them.
- `CaseTransition` is append-only: every move (who, when, from, to, note) is a new row and
  no code path updates or deletes one.
- `Payment` is one confirmation from the bank callback or the counter, unique by
  `payment_ref`, so a replayed callback changes nothing. Amounts are whole satang.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from integrations.storage.models.applications import UtcDateTime


def _utc(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("application_id", name="uq_cases_application_id"),
        UniqueConstraint("tracking_no", name="uq_cases_tracking_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id")
    tracking_no: str = Field(max_length=32)
    line_user_id: str = Field(max_length=64, index=True)
    service_id: str = Field(max_length=64, index=True)
    state: str = Field(max_length=24, index=True)
    return_to: str | None = Field(default=None, max_length=24)  # who asked for fixes / more documents
    requested_documents: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    fee_satang: int | None = None
    fee_due: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    bill_ref2: str | None = Field(default=None, max_length=20)
    paid_at: datetime | None = _utc()
    version: int = Field(default=1)  # bumped on every transition (optimistic lock for the console)
    state_changed_at: datetime = _utc(nullable=False, index=True)
    fee_reminded_at: datetime | None = _utc()
    idle_reminded_at: datetime | None = _utc()
    created_at: datetime = _utc(nullable=False, index=True)
    updated_at: datetime = _utc(nullable=False)


class CaseTransition(SQLModel, table=True):
    __tablename__ = "case_transitions"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    from_state: str | None = Field(default=None, max_length=24)
    to_state: str = Field(max_length=24)
    actor_kind: str = Field(max_length=16)  # officer | citizen | system | payment
    actor: str = Field(max_length=64)  # the officer's username, "citizen", "system", "bank"
    officer_id: int | None = Field(default=None, foreign_key="officers.id")
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    documents: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    fee_satang: int | None = None
    at: datetime = _utc(nullable=False, index=True)


class Payment(SQLModel, table=True):
    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("payment_ref", name="uq_payments_payment_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    payment_ref: str = Field(max_length=64)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    ref1: str = Field(max_length=32)
    amount_satang: int
    channel: str = Field(max_length=16)  # bank | counter
    status: str = Field(max_length=16, index=True)  # accepted | flagged
    reason: str | None = Field(default=None, max_length=200)  # why it was flagged
    officer_id: int | None = Field(default=None, foreign_key="officers.id")
    paid_at: datetime = _utc(nullable=False)
    received_at: datetime = _utc(nullable=False)
