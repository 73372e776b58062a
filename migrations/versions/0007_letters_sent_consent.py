"""Stored sent letters, Part 2 consent and the letter date format.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet: this revision reserves its place in the chain."""


def downgrade() -> None:
    """Nothing yet: this revision reserves its place in the chain."""
