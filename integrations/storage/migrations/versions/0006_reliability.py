"""Durable inbound events and other reliability tables (issue 15;
integrations/storage/models/reliability.py).

Revision ID: 0006_reliability
Revises: 0005_handoffs
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_reliability"
down_revision: str | None = "0005_handoffs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbound_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("messages", sa.Text(), nullable=True),
        sa.Column("reply_attempted", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index("ix_inbound_events_state", "inbound_events", ["state"])
    op.create_index("ix_inbound_events_updated_at", "inbound_events", ["updated_at"])
    op.create_table(
        "otp_failure_totals",
        sa.Column("application_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("application_id"),
    )
    op.create_table(
        "pdpa_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("subject_index", sa.String(length=64), nullable=False),
        sa.Column("officer", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pdpa_audit_subject_index", "pdpa_audit", ["subject_index"])


def downgrade() -> None:
    op.drop_index("ix_pdpa_audit_subject_index", table_name="pdpa_audit")
    op.drop_table("pdpa_audit")
    op.drop_table("otp_failure_totals")
    op.drop_index("ix_inbound_events_updated_at", table_name="inbound_events")
    op.drop_index("ix_inbound_events_state", table_name="inbound_events")
    op.drop_table("inbound_events")
