"""Hash-chain the audit trail; on PostgreSQL a trigger refuses UPDATE and DELETE of it.

Existing audit records are sealed in id order (the same SHA-256 serialisation as
``carecoord/services/audit.py``, frozen here as version 1), and the one-row table
``audit_chain_head`` remembers the newest record's id and hash.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS_HASH = "0" * 64
FORMAT = "carecoord-audit-1"
BATCH = 5000

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The audit trail can only grow; run "carecoord audit verify" to check it.';
END;
$$
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_events_append_only
BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
"""

events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user_id", sa.Integer()),
    sa.column("username", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.Integer()),
    sa.column("patient_id", sa.Integer()),
    sa.column("data_category", sa.String()),
    sa.column("detail", sa.Text()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
head = sa.table(
    "audit_chain_head",
    sa.column("id", sa.Integer()),
    sa.column("last_id", sa.Integer()),
    sa.column("last_hash", sa.String()),
    sa.column("backfilled_through", sa.Integer()),
)


def _timestamp(value: datetime) -> str:
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _hash(row: Any, prev_hash: str) -> str:
    """Version 1 of the record serialisation (must stay equal to services/audit.py's)."""
    payload = [
        FORMAT,
        row.id,
        _timestamp(row.at),
        row.user_id,
        row.username,
        row.action,
        row.entity,
        row.entity_id,
        row.patient_id,
        row.data_category,
        row.detail,
        prev_hash,
    ]
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _seal_existing(bind: sa.Connection) -> tuple[int, str]:
    """Chain the records written before this revision, in id order, a batch at a time."""
    last_id, last_hash = 0, GENESIS_HASH
    columns = [c for c in events.c if c.name not in ("prev_hash", "hash")]
    update = (
        events.update()
        .where(events.c.id == sa.bindparam("record_id"))
        .values(prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash"))
    )
    while True:
        rows = bind.execute(
            sa.select(*columns).where(events.c.id > last_id).order_by(events.c.id).limit(BATCH)
        ).all()
        if not rows:
            return last_id, last_hash
        sealed = []
        for row in rows:
            record_hash = _hash(row, last_hash)
            sealed.append({"record_id": row.id, "new_prev": last_hash, "new_hash": record_hash})
            last_id, last_hash = row.id, record_hash
        bind.execute(update, sealed)


def upgrade() -> None:
    """Upgrade schema."""
    # Plain ADD COLUMNs: batch mode must not copy the table on SQLite.
    with op.batch_alter_table("audit_events", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("backfilled_through", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )

    bind = op.get_bind()
    last_id, last_hash = _seal_existing(bind)
    bind.execute(
        head.insert().values(id=1, last_id=last_id, last_hash=last_hash, backfilled_through=last_id)
    )
    if bind.dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    op.drop_table("audit_chain_head")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite >= 3.35 drops a column in place; batch mode would copy the table.
        op.execute("ALTER TABLE audit_events DROP COLUMN hash")
        op.execute("ALTER TABLE audit_events DROP COLUMN prev_hash")
    else:
        with op.batch_alter_table("audit_events", schema=None) as batch_op:
            batch_op.drop_column("hash")
            batch_op.drop_column("prev_hash")
