"""What officers did in the console that must be on record (issue 13).

`console_audit`: one row per sensitive act — revealing a citizen's national ID, adding a
question to the FAQ from the unanswered list, managing accounts — with who, when, what
about, and a short detail (never the revealed number itself). Rows are only ever added.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from integrations.storage.models.applications import UtcDateTime


class ConsoleAudit(SQLModel, table=True):
    __tablename__ = "console_audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default=None, sa_column=Column(UtcDateTime(), nullable=False, index=True))
    officer_id: int
    officer_name: str = Field(max_length=120)
    action: str = Field(max_length=40, index=True)  # reveal_national_id | faq_question_added | account_*
    subject: str = Field(max_length=120)  # a tracking number, a FAQ id, a username
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
