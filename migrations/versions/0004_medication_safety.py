"""Structured medication lines and the drug vocabulary's classes (medication safety).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet: this revision reserves its place in the chain."""


def downgrade() -> None:
    """Nothing yet: this revision reserves its place in the chain."""
