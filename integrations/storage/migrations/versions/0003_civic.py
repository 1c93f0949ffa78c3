"""Complaints, deadline reminder subscriptions and the reminders already sent
(integrations/storage/models/civic.py). Complaint serials use tracking_counters (0001).

Revision ID: 0003_civic
Revises: 0002_unknown_questions
Create Date: 2025-01-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_civic"
down_revision: str | None = "0002_unknown_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("photo_keys", sa.JSON(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("contact_consent", sa.Boolean(), nullable=False),
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference", name="uq_complaints_reference"),
    )
    op.create_index("ix_complaints_line_user_id", "complaints", ["line_user_id"])
    op.create_index("ix_complaints_status", "complaints", ["status"])
    op.create_index("ix_complaints_created_at", "complaints", ["created_at"])

    op.create_table(
        "reminder_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("deadline_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("opted_out_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("line_user_id", "service_id", "deadline_id",
                            name="uq_reminder_subscriptions_target"),
    )
    op.create_index("ix_reminder_subscriptions_line_user_id", "reminder_subscriptions", ["line_user_id"])
    op.create_index("ix_reminder_subscriptions_opted_out", "reminder_subscriptions", ["opted_out"])

    op.create_table(
        "sent_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), sa.ForeignKey("reminder_subscriptions.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("retry_key", sa.String(length=64), nullable=False),
        sa.Column("sent_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subscription_id", "year", "kind", name="uq_sent_reminders_once"),
    )
    op.create_index("ix_sent_reminders_subscription_id", "sent_reminders", ["subscription_id"])


def downgrade() -> None:
    op.drop_table("sent_reminders")
    op.drop_table("reminder_subscriptions")
    op.drop_table("complaints")
