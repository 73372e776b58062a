"""A data category on medications, plan activities and documents; sign-in failures under
unknown user names.

Existing rows get the category the services would give them today (the rules are frozen
here, so later changes to the services do not change what this revision did):
medications for opioid use disorder (or buprenorphine with naloxone, naltrexone,
acamprosate, disulfiram) are substance use, antidepressants, anxiolytics and
antipsychotics that have no pain use are psychiatric; psychological-therapy activities are
psychiatric; a document filed on a referral takes the referral's category.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORIES = ("general", "psychiatric", "psychotherapy_note", "substance_use")
TABLES = {
    "medications": "medication_category",
    "plan_activities": "activity_category",
    "documents": "document_category",
}
SUBSTANCE_USE_DRUGS = ("naloxone", "naltrexone", "acamprosate", "disulfiram", "suboxone")
SUBSTANCE_USE_WORDS = re.compile(
    r"\b(oud|aud|sud|moud|mat|opioid use disorder|substance use|addiction|"
    r"alcohol use disorder|opioid dependence|detox)\b",
    re.IGNORECASE,
)
PSYCHIATRIC_DRUGS = (
    "sertraline",
    "fluoxetine",
    "escitalopram",
    "citalopram",
    "paroxetine",
    "bupropion",
    "mirtazapine",
    "quetiapine",
    "aripiprazole",
    "lithium",
    "buspirone",
    "lorazepam",
    "alprazolam",
)
PSYCHIATRIC_REFERRALS = ("psychiatry", "psychology")


def _medication_category(drug: str, notes: str | None) -> str:
    text = drug.lower()
    if any(d in text for d in SUBSTANCE_USE_DRUGS) or SUBSTANCE_USE_WORDS.search(notes or ""):
        return "substance_use"
    if any(d in text for d in PSYCHIATRIC_DRUGS):
        return "psychiatric"
    return "general"


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("name_key", sa.String(length=64), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name_key", name=op.f("pk_sign_in_failures")),
    )
    op.create_table(
        "break_glass_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("audit_event_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_break_glass_reasons_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_break_glass_reasons")),
    )
    op.create_index(
        op.f("ix_break_glass_reasons_user_id"), "break_glass_reasons", ["user_id"], unique=False
    )
    for table, enum_name in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "category",
                    sa.Enum(
                        *CATEGORIES,
                        name=enum_name,
                        native_enum=False,
                        create_constraint=True,
                        length=32,
                    ),
                    server_default="general",
                    nullable=False,
                )
            )
    bind = op.get_bind()
    medications = sa.table(
        "medications", sa.column("id", sa.Integer()), sa.column("category", sa.String())
    )
    rows = bind.execute(sa.text("SELECT id, drug, notes FROM medications")).all()
    changes = [
        {"row_id": r.id, "category": c}
        for r in rows
        if (c := _medication_category(r.drug, r.notes)) != "general"
    ]
    if changes:
        bind.execute(
            medications.update()
            .where(medications.c.id == sa.bindparam("row_id"))
            .values(category=sa.bindparam("category")),
            changes,
        )
    bind.execute(
        sa.text("UPDATE plan_activities SET category = 'psychiatric' WHERE modality = :m"),
        {"m": "psychological"},
    )
    bind.execute(
        sa.text(
            "UPDATE documents SET category = 'substance_use' WHERE referral_id IN "
            "(SELECT id FROM referrals WHERE discipline = 'pain_rehabilitation_program')"
        )
    )
    bind.execute(
        sa.text(
            "UPDATE documents SET category = 'psychiatric' WHERE referral_id IN "
            "(SELECT id FROM referrals WHERE discipline IN ('psychiatry', 'psychology') "
            "OR (sensitive AND discipline <> 'pain_rehabilitation_program'))"
        )
    )


def downgrade() -> None:
    for table, enum_name in reversed(TABLES.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{enum_name}"), type_="check")
            batch_op.drop_column("category")
    op.drop_index(op.f("ix_break_glass_reasons_user_id"), table_name="break_glass_reasons")
    op.drop_table("break_glass_reasons")
    op.drop_table("sign_in_failures")
