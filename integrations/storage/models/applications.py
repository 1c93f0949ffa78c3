"""Applications made in the chat: citizens, applications, their documents, consents, OTP challenges.

Personal data: national IDs and phone numbers are stored only encrypted (`*_enc`, see
integrations/storage/pii.py), with a keyed hash (`*_index`) where they must be matched;
names and addresses are stored as typed (officers search by them). OTP codes are stored
only as HMAC-SHA256 hashes.

The status machine (`ApplicationStatus`, `ALLOWED_TRANSITIONS`) and the document statuses are
domain rules: they live in core/applications.py and are imported here for the columns.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Dialect, Text, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# the rules are the domain's; re-exported here for the storage code and its callers
from core.applications import (  # noqa: F401
    ALLOWED_TRANSITIONS,
    TERMINAL,
    ApplicationStatus,
    DocumentStatus,
    InvalidTransition,
    check_transition,
)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite keeps no zone: stored as naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_column(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


def _json_column() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Citizen(SQLModel, table=True):
    """The applicant behind a LINE account, reused on the next application (after asking)."""

    __tablename__ = "citizens"

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(max_length=120)
    national_id_enc: str = Field(max_length=200)
    national_id_index: str = Field(max_length=64, index=True)
    phone_enc: str = Field(max_length=200)
    phone_index: str = Field(max_length=64, index=True)
    address: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _utc_column(nullable=False)
    updated_at: datetime = _utc_column(nullable=False)


class Application(SQLModel, table=True):
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("tracking_no", name="uq_applications_tracking_no"),)

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(max_length=64, index=True)
    citizen_id: int | None = Field(default=None, foreign_key="citizens.id")
    service_id: str = Field(max_length=64, index=True)
    service_title: str = Field(max_length=300)
    status: str = Field(default=ApplicationStatus.draft.value, max_length=20, index=True)
    step: str | None = Field(default=None, max_length=40)  # the chat step to resume at
    progress: dict[str, Any] = _json_column()  # the dialog's position (indexes, edit mode)
    applicant_name: str | None = Field(default=None, max_length=120)
    national_id_enc: str | None = Field(default=None, max_length=200)
    phone_enc: str | None = Field(default=None, max_length=200)
    phone_index: str | None = Field(default=None, max_length=64)
    address: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    form_answers: dict[str, Any] = _json_column()  # form field id -> stored value
    condition_answers: dict[str, Any] = _json_column()  # condition id -> bool
    tracking_no: str | None = Field(default=None, max_length=32)
    knowledge_version: str | None = Field(default=None, max_length=64)
    otp_failures: int = Field(default=0)
    otp_locked_until: datetime | None = _utc_column()
    created_at: datetime = _utc_column(nullable=False)
    updated_at: datetime = _utc_column(nullable=False, index=True)
    submitted_at: datetime | None = _utc_column()
    reminded_at: datetime | None = _utc_column()
    closed_at: datetime | None = _utc_column()

    @property
    def status_enum(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)


class ApplicationDocument(SQLModel, table=True):
    __tablename__ = "application_documents"
    __table_args__ = (UniqueConstraint("application_id", "doc_key", name="uq_application_documents_doc"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    doc_key: str = Field(max_length=16)  # stable key of the document's name in the service
    name: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=16)
    file_key: str | None = Field(default=None, max_length=300)
    content_type: str | None = Field(default=None, max_length=60)
    size_bytes: int | None = None
    updated_at: datetime = _utc_column(nullable=False)


class Consent(SQLModel, table=True):
    """A PDPA notice shown and the citizen's decision, with the notice's version and the time."""

    __tablename__ = "consents"

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(max_length=64, index=True)
    application_id: int | None = Field(default=None, foreign_key="applications.id", index=True)
    service_id: str = Field(max_length=64)
    purpose: str = Field(default="application", max_length=40)
    notice_version: str = Field(max_length=40)
    accepted: bool
    decided_at: datetime = _utc_column(nullable=False)


class OtpChallenge(SQLModel, table=True):
    """One code sent by SMS. The code itself is never stored: HMAC-SHA256(server key, salt:code)."""

    __tablename__ = "otp_challenges"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    phone_index: str = Field(max_length=64, index=True)
    salt: str = Field(max_length=32)
    code_hash: str = Field(max_length=64)
    created_at: datetime = _utc_column(nullable=False, index=True)
    expires_at: datetime = _utc_column(nullable=False)
    used_at: datetime | None = _utc_column()
    superseded_at: datetime | None = _utc_column()


class StatusChange(SQLModel, table=True):
    """The history of an application's status (who moved it, when, why)."""

    __tablename__ = "application_status_changes"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    actor: str = Field(max_length=40)  # "citizen", "system", an officer id
    note: str | None = Field(default=None, max_length=300)
    changed_at: datetime = _utc_column(nullable=False)


class TrackingCounter(SQLModel, table=True):
    """The last tracking number given per prefix and Buddhist year (TJL-2569-000123)."""

    __tablename__ = "tracking_counters"

    prefix: str = Field(max_length=8, primary_key=True)
    year_be: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = Field(default=0)
