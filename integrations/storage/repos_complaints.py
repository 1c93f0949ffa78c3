"""Read a citizen's complaints for the chat (core.complaints.ComplaintLookup)."""

from __future__ import annotations

from sqlmodel import col, select

from core.complaints import ComplaintView
from integrations.storage.db import Database
from integrations.storage.models.civic import Complaint


class ComplaintRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def complaints_of(self, line_user_id: str, limit: int = 5) -> list[ComplaintView]:
        """The newest complaints of this LINE user (never anyone else's)."""
        if not line_user_id:
            return []
        query = (
            select(Complaint)
            .where(Complaint.line_user_id == line_user_id)
            .order_by(col(Complaint.created_at).desc(), col(Complaint.id).desc())
            .limit(limit)
        )
        async with self.db.session() as session:
            rows = (await session.exec(query)).all()
        return [ComplaintView(r.reference, r.category, r.status, r.created_at, r.description) for r in rows]
