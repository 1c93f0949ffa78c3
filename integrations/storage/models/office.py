"""The office side: officers, their API tokens, and the transactional outbox (issue 12).

- `Officer`: a person at the office who works cases. The password is stored only as an
  argon2id hash; `failed_logins` and `locked_until` back the console's lock-out.
- `ApiToken`: a bearer token for `/api/v1`. Only sha256(token) is stored; the token itself
  is shown once. Issuing a new token revokes the officer's previous ones (`revoked_at`).
- `OutboxMessage`: one LINE push, already rendered (at most 5 messages), written in the same
  database transaction as the state change that caused it and delivered later by
  `bot/office/outbox.py` with its own `retry_key` (X-Line-Retry-Key), so a crash or a
  LINE failure never loses it and never sends it twice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from integrations.storage.models.applications import UtcDateTime


def _utc(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


class OfficerRole(StrEnum):
    officer = "officer"  # works cases
    admin = "admin"  # also manages officers and may do everything an officer does


class Officer(SQLModel, table=True):
    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("username", name="uq_officers_username"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    display_name: str = Field(max_length=120)
    role: str = Field(default=OfficerRole.officer.value, max_length=16)
    password_hash: str = Field(max_length=200)
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = _utc()
    last_login_at: datetime | None = _utc()
    created_at: datetime = _utc(nullable=False)
    updated_at: datetime = _utc(nullable=False)


class ApiToken(SQLModel, table=True):
    __tablename__ = "officer_api_tokens"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_officer_api_tokens_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officers.id", index=True)
    token_hash: str = Field(max_length=64)  # hex sha256 of the token
    created_at: datetime = _utc(nullable=False)
    last_used_at: datetime | None = _utc()
    revoked_at: datetime | None = _utc()


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("retry_key", name="uq_outbox_retry_key"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=64, index=True)  # a LINE user, group or room id
    messages: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    retry_key: str = Field(max_length=36)  # a UUID, the same on every attempt
    purpose: str = Field(max_length=40, index=True)  # e.g. "case.transition", "case.reminder", "alert"
    case_id: int | None = Field(default=None, index=True)  # the case it is about, if any
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _utc(nullable=False, index=True)
    created_at: datetime = _utc(nullable=False)
    sent_at: datetime | None = _utc(index=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    dead_at: datetime | None = _utc()
