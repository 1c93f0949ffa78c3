"""Reliability tables (issue 15): the journal of inbound webhook events.

`inbound_events` holds every event the webhook acknowledged while the in-process queue
is used, written before the 200, so a crash (kill -9, power loss) loses nothing: at start
the unfinished rows are queued again in their original order. States:

- `queued`: acknowledged, the turn has not finished;
- `answering`: the turn ran; `messages` holds what it answers and `reply_attempted` says
  whether the reply token was used (its outcome is unknown until `done`), so a replay sends
  only what could not have been delivered, by push with the event's retry keys;
- `done`: answered; the body is emptied at once (it may hold a citizen's words) and the row
  is kept only for de-duplication until the retention job removes it;
- `failed`: the turn could not finish after several tries (kept for an officer to look at).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from integrations.storage.models.applications import UtcDateTime


def _utc(*, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=False, index=index))


class InboundEventRow(SQLModel, table=True):
    __tablename__ = "inbound_events"

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=128, unique=True)
    state: str = Field(default="queued", max_length=16, index=True)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    messages: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reply_attempted: bool = False
    attempts: int = 0
    received_at: datetime = _utc()
    updated_at: datetime = _utc(index=True)


class OtpFailureTotal(SQLModel, table=True):
    """Consecutive wrong OTP codes of one application across lock windows (SP 800-63B 5.2.2: at most 100).

    The per-window counter (`applications.otp_failures`) resets at each lock; this one resets only
    on a right code. At OTP_MAX_TOTAL_FAILURES the application takes no more codes: the citizen
    starts a new one, or an officer deletes this row after checking who it is.
    """

    __tablename__ = "otp_failure_totals"

    application_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    failures: int = 0
    updated_at: datetime = _utc()


class PdpaAuditEntry(SQLModel, table=True):
    """Every `python -m bot pdpa export|forget` run: who asked, about whom (hashed), what was done."""

    __tablename__ = "pdpa_audit"

    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=16)  # export | forget
    subject_index: str = Field(max_length=64, index=True)  # keyed hash of the LINE user id, never the id
    officer: str = Field(max_length=100)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))  # JSON: rows per table
    at: datetime = _utc()
