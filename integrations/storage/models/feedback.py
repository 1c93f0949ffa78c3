"""Questions the bot could not answer, kept for staff to improve the FAQ and the NLU examples.

One row per normalised question (`bot.nlu.normalise.normalise`), so "เปิดกี่โมงงง" and
"เปิดกี่โมง" count as one; `last_text` is the latest wording as typed, with national IDs
and phone numbers already masked by the caller (see dialogs/fallback.py). `record_unknown`
is an upsert: a new row with count 1, or count + 1 and `last_seen` now.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Text, UniqueConstraint, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from integrations.storage.models.applications import UtcDateTime

MAX_NORMALIZED_CHARS = 300
MAX_TEXT_CHARS = 1000


def utc_now() -> datetime:
    return datetime.now(UTC)


def _utc(*, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=False, index=index))


class UnknownQuestion(SQLModel, table=True):
    __tablename__ = "unknown_questions"
    __table_args__ = (UniqueConstraint("normalized", name="uq_unknown_questions_normalized"),)

    id: int | None = Field(default=None, primary_key=True)
    normalized: str = Field(max_length=MAX_NORMALIZED_CHARS)
    last_text: str = Field(sa_column=Column(Text, nullable=False))
    first_seen: datetime = _utc()
    last_seen: datetime = _utc(index=True)
    count: int = Field(default=1, index=True)


async def record_unknown(session: AsyncSession, normalized: str, text: str, now: datetime | None = None) -> None:
    """Count one more miss for `normalized` (insert, or update count / last text / last seen)."""
    normalized = normalized[:MAX_NORMALIZED_CHARS]
    text = text[:MAX_TEXT_CHARS]
    when = now or utc_now()
    values: dict[str, Any] = {"normalized": normalized, "last_text": text, "first_seen": when, "last_seen": when,
                              "count": 1}
    table = UnknownQuestion.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind is not None else ""
    if dialect in {"sqlite", "postgresql"}:
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        stmt = insert(table).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.normalized],
            set_={"last_text": text, "last_seen": when, "count": table.c.count + 1},
        )
        await session.exec(stmt)
        return
    found = (await session.exec(select(UnknownQuestion).where(UnknownQuestion.normalized == normalized))).first()
    if found is None:
        session.add(UnknownQuestion(**values))
    else:
        await session.exec(
            update(UnknownQuestion).where(col(UnknownQuestion.id) == found.id)
            .values(last_text=text, last_seen=when, count=col(UnknownQuestion.count) + 1)
        )


async def top_unknown(session: AsyncSession, limit: int = 50) -> list[UnknownQuestion]:
    """The most frequent unanswered questions, for staff."""
    stmt = select(UnknownQuestion).order_by(col(UnknownQuestion.count).desc(), col(UnknownQuestion.last_seen).desc())
    return list((await session.exec(stmt.limit(limit))).all())
