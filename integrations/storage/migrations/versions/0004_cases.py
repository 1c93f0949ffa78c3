"""Officers, API tokens, the persisted outbox (integrations/storage/models/office.py);
cases, their transitions and payments (integrations/storage/models/cases.py). Issue 12.

Revision ID: 0004_cases
Revises: 0003_civic
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_cases"
down_revision: str | None = "0003_civic"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", _utc(), nullable=True),
        sa.Column("last_login_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username", name="uq_officers_username"),
    )
    op.create_table(
        "officer_api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("officers.id"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_used_at", _utc(), nullable=True),
        sa.Column("revoked_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash", name="uq_officer_api_tokens_hash"),
    )
    op.create_index("ix_officer_api_tokens_officer_id", "officer_api_tokens", ["officer_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("retry_key", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _utc(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("dead_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("retry_key", name="uq_outbox_retry_key"),
    )
    op.create_index("ix_outbox_recipient", "outbox", ["recipient"])
    op.create_index("ix_outbox_purpose", "outbox", ["purpose"])
    op.create_index("ix_outbox_case_id", "outbox", ["case_id"])
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("tracking_no", sa.String(length=32), nullable=False),
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("return_to", sa.String(length=24), nullable=True),
        sa.Column("requested_documents", sa.JSON(), nullable=False),
        sa.Column("fee_satang", sa.Integer(), nullable=True),
        sa.Column("fee_due", sa.Date(), nullable=True),
        sa.Column("bill_ref2", sa.String(length=20), nullable=True),
        sa.Column("paid_at", _utc(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state_changed_at", _utc(), nullable=False),
        sa.Column("fee_reminded_at", _utc(), nullable=True),
        sa.Column("idle_reminded_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", name="uq_cases_application_id"),
        sa.UniqueConstraint("tracking_no", name="uq_cases_tracking_no"),
    )
    op.create_index("ix_cases_line_user_id", "cases", ["line_user_id"])
    op.create_index("ix_cases_service_id", "cases", ["service_id"])
    op.create_index("ix_cases_state", "cases", ["state"])
    op.create_index("ix_cases_state_changed_at", "cases", ["state_changed_at"])
    op.create_index("ix_cases_created_at", "cases", ["created_at"])

    op.create_table(
        "case_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("officers.id"), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("fee_satang", sa.Integer(), nullable=True),
        sa.Column("at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_transitions_case_id", "case_transitions", ["case_id"])
    op.create_index("ix_case_transitions_at", "case_transitions", ["at"])

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_ref", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("ref1", sa.String(length=32), nullable=False),
        sa.Column("amount_satang", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("officers.id"), nullable=True),
        sa.Column("paid_at", _utc(), nullable=False),
        sa.Column("received_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_ref", name="uq_payments_payment_ref"),
    )
    op.create_index("ix_payments_case_id", "payments", ["case_id"])
    op.create_index("ix_payments_status", "payments", ["status"])

    # applications submitted before this revision become cases waiting for an officer
    op.execute(
        "INSERT INTO cases (application_id, tracking_no, line_user_id, service_id, state, requested_documents,"
        " version, state_changed_at, created_at, updated_at)"
        " SELECT id, tracking_no, line_user_id, service_id, 'submitted', '[]', 1,"
        " COALESCE(submitted_at, updated_at), COALESCE(submitted_at, updated_at), updated_at"
        " FROM applications WHERE tracking_no IS NOT NULL AND status = 'submitted'"
    )
    op.execute(
        "INSERT INTO case_transitions (case_id, from_state, to_state, actor_kind, actor, documents, at)"
        " SELECT id, NULL, 'submitted', 'citizen', 'citizen', '[]', created_at FROM cases"
    )


def downgrade() -> None:
    op.drop_table("payments")
    op.drop_table("case_transitions")
    op.drop_table("cases")
    op.drop_table("outbox")
    op.drop_table("officer_api_tokens")
    op.drop_table("officers")
