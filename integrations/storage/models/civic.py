"""Complaints reported in the chat and reminders of yearly deadlines.

- `Complaint`: one row per report, written once at the end of the conversation, with a
  reference number TJL-C-2569-000123 (office tracking prefix, "C", Buddhist year, serial).
  The serial comes from `tracking_counters` (see applications.py) under the key
  "<prefix>-C", so complaint and application numbers never share a sequence.
- `ReminderSubscription`: a citizen asked to be reminded of a service deadline
  (`Deadline.id` in the service file); opting out keeps the row (`opted_out`).
- `SentReminder`: one row per reminder pushed (subscription, Gregorian year, kind); the
  unique key is what keeps a restarted scheduler from sending twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint, update
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from core.complaints import ComplaintCategory, ComplaintStatus  # noqa: F401 (the domain's; re-exported)
from integrations.storage.models.applications import TrackingCounter, UtcDateTime


def utc_now() -> datetime:
    return datetime.now(UTC)


def _utc(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


class Complaint(SQLModel, table=True):
    __tablename__ = "complaints"
    __table_args__ = (UniqueConstraint("reference", name="uq_complaints_reference"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32)
    category: str = Field(max_length=16)
    description: str = Field(sa_column=Column(Text, nullable=False))
    photo_keys: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # shared or typed place
    contact_consent: bool = False  # may officers contact the citizen on LINE?
    line_user_id: str = Field(max_length=64, index=True)
    status: str = Field(default=ComplaintStatus.received.value, max_length=16, index=True)
    created_at: datetime = _utc(index=True)


class ReminderSubscription(SQLModel, table=True):
    __tablename__ = "reminder_subscriptions"
    __table_args__ = (
        UniqueConstraint("line_user_id", "service_id", "deadline_id", name="uq_reminder_subscriptions_target"),
    )

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(max_length=64, index=True)  # where the reminder is pushed
    service_id: str = Field(max_length=64)
    deadline_id: str = Field(max_length=64)
    created_at: datetime = _utc()
    opted_out: bool = Field(default=False, index=True)
    opted_out_at: datetime | None = _utc(nullable=True)


class SentReminder(SQLModel, table=True):
    __tablename__ = "sent_reminders"
    __table_args__ = (
        UniqueConstraint("subscription_id", "year", "kind", name="uq_sent_reminders_once"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="reminder_subscriptions.id", index=True)
    year: int  # Gregorian year of the deadline window
    kind: str = Field(max_length=16)  # "open" | "closing"
    retry_key: str = Field(max_length=64)  # the X-Line-Retry-Key used (uuid5, deterministic)
    sent_at: datetime = _utc()


CIVIC_TABLES = (Complaint.__table__, ReminderSubscription.__table__,  # type: ignore[attr-defined]
                SentReminder.__table__)  # type: ignore[attr-defined]


async def next_serial(session: AsyncSession, prefix: str, year_be: int) -> int:
    """The next serial for (prefix, year) inside the caller's transaction.

    An atomic UPDATE … RETURNING (SQLite ≥ 3.35, PostgreSQL); the first number of a year
    inserts the row, and a concurrent first insert fails on the primary key, which the
    caller handles by retrying its whole transaction.
    """
    table = TrackingCounter.__table__  # type: ignore[attr-defined]
    stmt = (
        update(table)
        .where(table.c.prefix == prefix, table.c.year_be == year_be)
        .values(last=table.c.last + 1)
        .returning(table.c.last)
    )
    result = await session.exec(stmt)
    value = result.scalar_one_or_none()  # type: ignore[union-attr]
    if value is not None:
        return int(value)
    session.add(TrackingCounter(prefix=prefix, year_be=year_be, last=1))
    await session.flush()
    return 1
