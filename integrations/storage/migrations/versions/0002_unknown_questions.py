"""Questions the bot could not answer, counted per normalised text, for staff
(integrations/storage/models/feedback.py).

Revision ID: 0002_unknown_questions
Revises: 0001_applications
Create Date: 2025-01-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_unknown_questions"
down_revision: str | None = "0001_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "unknown_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("normalized", sa.String(length=300), nullable=False),
        sa.Column("last_text", sa.Text(), nullable=False),
        sa.Column("first_seen", _utc(), nullable=False),
        sa.Column("last_seen", _utc(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("normalized", name="uq_unknown_questions_normalized"),
    )
    op.create_index("ix_unknown_questions_last_seen", "unknown_questions", ["last_seen"])
    op.create_index("ix_unknown_questions_count", "unknown_questions", ["count"])


def downgrade() -> None:
    op.drop_index("ix_unknown_questions_count", table_name="unknown_questions")
    op.drop_index("ix_unknown_questions_last_seen", table_name="unknown_questions")
    op.drop_table("unknown_questions")
