"""Applications in the chat: citizens, applications, documents, consents, OTP challenges,
status history, tracking-number counters.

Revision ID: 0001_applications
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_applications"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "citizens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("national_id_enc", sa.String(length=200), nullable=False),
        sa.Column("national_id_index", sa.String(length=64), nullable=False),
        sa.Column("phone_enc", sa.String(length=200), nullable=False),
        sa.Column("phone_index", sa.String(length=64), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_citizens_line_user_id", "citizens", ["line_user_id"], unique=True)
    op.create_index("ix_citizens_national_id_index", "citizens", ["national_id_index"])
    op.create_index("ix_citizens_phone_index", "citizens", ["phone_index"])

    op.create_table(
        "tracking_counters",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("year_be", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year_be"),
    )

    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("citizen_id", sa.Integer(), sa.ForeignKey("citizens.id"), nullable=True),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("service_title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=True),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("applicant_name", sa.String(length=120), nullable=True),
        sa.Column("national_id_enc", sa.String(length=200), nullable=True),
        sa.Column("phone_enc", sa.String(length=200), nullable=True),
        sa.Column("phone_index", sa.String(length=64), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("form_answers", sa.JSON(), nullable=False),
        sa.Column("condition_answers", sa.JSON(), nullable=False),
        sa.Column("tracking_no", sa.String(length=32), nullable=True),
        sa.Column("knowledge_version", sa.String(length=64), nullable=True),
        sa.Column("otp_failures", sa.Integer(), nullable=False),
        sa.Column("otp_locked_until", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("submitted_at", _utc(), nullable=True),
        sa.Column("reminded_at", _utc(), nullable=True),
        sa.Column("closed_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tracking_no", name="uq_applications_tracking_no"),
    )
    op.create_index("ix_applications_line_user_id", "applications", ["line_user_id"])
    op.create_index("ix_applications_service_id", "applications", ["service_id"])
    op.create_index("ix_applications_status", "applications", ["status"])
    op.create_index("ix_applications_updated_at", "applications", ["updated_at"])

    op.create_table(
        "application_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("doc_key", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("file_key", sa.String(length=300), nullable=True),
        sa.Column("content_type", sa.String(length=60), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "doc_key", name="uq_application_documents_doc"),
    )
    op.create_index("ix_application_documents_application_id", "application_documents", ["application_id"])

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"), nullable=True),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("notice_version", sa.String(length=40), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("decided_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consents_line_user_id", "consents", ["line_user_id"])
    op.create_index("ix_consents_application_id", "consents", ["application_id"])

    op.create_table(
        "otp_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("phone_index", sa.String(length=64), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("used_at", _utc(), nullable=True),
        sa.Column("superseded_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_otp_challenges_application_id", "otp_challenges", ["application_id"])
    op.create_index("ix_otp_challenges_phone_index", "otp_challenges", ["phone_index"])
    op.create_index("ix_otp_challenges_created_at", "otp_challenges", ["created_at"])

    op.create_table(
        "application_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("changed_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_application_status_changes_application_id", "application_status_changes",
                    ["application_id"])


def downgrade() -> None:
    op.drop_table("application_status_changes")
    op.drop_table("otp_challenges")
    op.drop_table("consents")
    op.drop_table("application_documents")
    op.drop_table("applications")
    op.drop_table("tracking_counters")
    op.drop_table("citizens")
