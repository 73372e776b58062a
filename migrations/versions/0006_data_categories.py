"""A data category on every clinical item; atomic sign-in failure counting.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet: this revision reserves its place in the chain."""


def downgrade() -> None:
    """Nothing yet: this revision reserves its place in the chain."""
