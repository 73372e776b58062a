"""Structured medication lines: indication, concentration, coded route and unit.

Existing rows keep working: routes become the new codes (intravenous -> iv, buccal ->
sublingual, topical / intranasal / inhaled -> other); an "oral" route is kept only where
the old data implied it. The old form defaulted to "oral", so a line whose name, unit or
frequency says patch, injection, pump, suppository, buccal or nasal becomes "unknown" and
the chart shows it as needing review. Units become mcg/h and mg/h.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROUTES_UP = {
    "intravenous": "iv",
    "intramuscular": "im",
    "subcutaneous": "sc",
    "buccal": "sublingual",
    "topical": "other",
    "intranasal": "other",
    "inhaled": "other",
}
ROUTES_DOWN = {
    "iv": "intravenous",
    "im": "intramuscular",
    "sc": "subcutaneous",
    "epidural": "intrathecal",
    "other": "topical",
    "unknown": "oral",
}
UNITS_UP = {"mcg/hr": "mcg/h", "mg/hr": "mg/h", "ml": "mL"}
UNITS_DOWN = {"mcg/h": "mcg/hr", "mg/h": "mg/hr"}

# Words in a drug name (lower case) that contradict an "oral" route, brand names included.
NOT_ORAL_WORDS = (
    "patch",
    "transdermal",
    "inject",
    " iv",
    "intravenous",
    "intrathecal",
    "epidural",
    "pump",
    "infusion",
    "pca",
    "suppositor",
    "rectal",
    "buccal",
    "sublingual",
    "lozenge",
    "nasal",
    "spray",
    "duragesic",
    "butrans",
    "actiq",
    "fentora",
    "subsys",
    "belbuca",
    "sublocade",
)
NOT_ORAL_UNITS = ("mcg/hr", "mg/hr", "mcg/h", "mg/h", "patch")

medications = sa.table(
    "medications",
    sa.column("route", sa.String()),
    sa.column("unit", sa.String()),
    sa.column("drug", sa.String()),
    sa.column("frequency", sa.String()),
)


def _recode(column: str, mapping: dict[str, str]) -> None:
    for old, new in mapping.items():
        op.execute(medications.update().where(medications.c[column] == old).values({column: new}))


def upgrade() -> None:
    with op.batch_alter_table("medications") as batch:
        batch.add_column(sa.Column("concentration_mg_per_ml", sa.Float(), nullable=True))
        batch.add_column(sa.Column("indication", sa.String(length=40), nullable=True))
        batch.create_check_constraint(
            op.f("ck_medications_concentration_positive"),
            "concentration_mg_per_ml IS NULL OR concentration_mg_per_ml > 0",
        )
        batch.create_index(batch.f("ix_medications_route"), ["route"], unique=False)
    drug = sa.func.lower(medications.c.drug)
    implied_otherwise = sa.or_(
        *(drug.like(f"%{word}%") for word in NOT_ORAL_WORDS),
        sa.func.lower(medications.c.unit).in_(NOT_ORAL_UNITS),
        medications.c.frequency == "continuous",
    )
    op.execute(
        medications.update()
        .where(medications.c.route == "oral", implied_otherwise)
        .values(route="unknown")
    )
    _recode("route", ROUTES_UP)
    _recode("unit", UNITS_UP)


def downgrade() -> None:
    _recode("unit", UNITS_DOWN)
    _recode("route", ROUTES_DOWN)
    with op.batch_alter_table("medications") as batch:
        batch.drop_index(batch.f("ix_medications_route"))
        batch.drop_constraint(op.f("ck_medications_concentration_positive"), type_="check")
        batch.drop_column("indication")
        batch.drop_column("concentration_mg_per_ml")
