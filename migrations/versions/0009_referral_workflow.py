"""Referral workflow: no-shows, hold review dates, holidays, report acknowledgement.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet: this revision reserves its place in the chain."""


def downgrade() -> None:
    """Nothing yet: this revision reserves its place in the chain."""
