"""Document review: every incoming document gets a reviewer and a "clinically relevant" answer.

Review items (0009) gain ``clinically_relevant``; new item kinds (imaging, lab result,
outside report, other document) are plain strings in ``kind``, so no constraint changes.
Two indexes: the dashboard's count of documents not yet reviewed, and one review per
document.

No backfill: documents filed before this release are treated as history already read
(docs/clinical-reference.md §12) — giving each one a review item would flood every
coordinating physician's inbox with years of paper.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy: the only kind revision 0015's code knows.
SPECIALIST_REPORT = "specialist_report"


def upgrade() -> None:
    """One nullable column and two indexes; existing rows are untouched."""
    op.add_column("review_items", sa.Column("clinically_relevant", sa.Boolean(), nullable=True))
    op.create_index(
        "ix_review_items_acknowledged_on_kind",
        "review_items",
        ["acknowledged_on", "kind"],
        unique=False,
    )
    op.create_index("uq_review_items_document_id", "review_items", ["document_id"], unique=True)


def downgrade() -> None:
    """Drop the indexes and the column; documents' review items go too (0015's inbox knows
    only specialists' reports), so their reviews are lost. Reports' acknowledgements stay."""
    op.execute(
        sa.text("DELETE FROM review_items WHERE kind <> :kind").bindparams(kind=SPECIALIST_REPORT)
    )
    op.drop_index("uq_review_items_document_id", table_name="review_items")
    op.drop_index("ix_review_items_acknowledged_on_kind", table_name="review_items")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite >= 3.35 drops a column in place; batch mode would copy the table.
        op.execute("ALTER TABLE review_items DROP COLUMN clinically_relevant")
    else:
        op.drop_column("review_items", "clinically_relevant")
