"""Handoff tickets (core/handoff.py has the rules), their messages, and LINE groups the bot joined.

- `handoff_tickets`: one per request for a person: who (LINE user id, display name), why
  (reason, the NLU's guess, the service in focus), the conversation so far (JSON list of
  {"from", "text"}), its state and the times that make the dashboard (claimed, first officer
  reply, escalated, closed) and the citizen's 1–5 rating.
- `handoff_messages`: everything said while the ticket is live, both ways; a photo or file is
  stored with the file store and referenced by key. `event_id` is unique so a webhook event
  LINE delivers twice is stored once.
- `line_groups`: group ids seen in `join` events (`python -m bot officer group` prints them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from integrations.storage.models.applications import UtcDateTime


def _utc(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


class HandoffTicket(SQLModel, table=True):
    __tablename__ = "handoff_tickets"

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(max_length=64, index=True)
    display_name: str | None = Field(default=None, max_length=100)
    state: str = Field(max_length=16, index=True)
    reason: str = Field(max_length=16)
    topic: str = Field(sa_column=Column(Text, nullable=False))  # the citizen's words or the service name
    nlu_intent: str | None = Field(default=None, max_length=40)
    nlu_confidence: float | None = None
    service_id: str | None = Field(default=None, max_length=80)
    transcript: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    opened_at: datetime = _utc(nullable=False, index=True)
    notified_at: datetime | None = _utc()  # the officers' group notification was queued
    claimed_at: datetime | None = _utc()
    claimed_by: int | None = None  # officer id
    claimed_by_name: str | None = Field(default=None, max_length=100)
    first_reply_at: datetime | None = _utc()
    escalated_at: datetime | None = _utc()
    closed_at: datetime | None = _utc()
    closed_by: int | None = None
    rating: int | None = None
    rated_at: datetime | None = _utc()


class HandoffMessage(SQLModel, table=True):
    __tablename__ = "handoff_messages"
    __table_args__ = (UniqueConstraint("event_id", name="uq_handoff_messages_event"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="handoff_tickets.id", index=True)
    sender: str = Field(max_length=16)  # citizen | officer | bot
    officer_id: int | None = None
    officer_name: str | None = Field(default=None, max_length=100)
    kind: str = Field(max_length=16)  # text | image | file | sticker | location | other
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    file_key: str | None = Field(default=None, max_length=300)
    content_type: str | None = Field(default=None, max_length=60)
    file_name: str | None = Field(default=None, max_length=200)
    event_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = _utc(nullable=False)


class LineGroup(SQLModel, table=True):
    __tablename__ = "line_groups"

    group_id: str = Field(primary_key=True, max_length=64)
    joined_at: datetime = _utc(nullable=False)
    left_at: datetime | None = _utc()
