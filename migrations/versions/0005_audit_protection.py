"""Audit trail protections: chain-head and TRUNCATE guards; existing demo databases marked.

On PostgreSQL (docs: README "Security"):

* a statement-level trigger refuses TRUNCATE of ``audit_events`` and ``audit_chain_head``
  (row triggers, like the append-only one of revision 0003, do not fire on TRUNCATE);
* a trigger on ``audit_chain_head`` refuses deleting the head, moving it backwards, and
  any head that does not name the newest audit record with that record's hash;
* UPDATE, DELETE, TRUNCATE, TRIGGER and REFERENCES on both tables are revoked from
  PUBLIC (``carecoord db grant ROLE`` gives a workstation role exactly what it needs).

A table's owner can still switch triggers off: workstations must not connect as the owner.

Downgrading below this revision would drop the guards (and, below 0003, the chain, which
an upgrade then re-seals over any edit), so :func:`downgrade` refuses unless the
environment variable ``CARECOORD_FORCE_DOWNGRADE`` is ``1``.

Databases filled by ``carecoord demo`` before this revision get the demo mark (a settings
row), found by the demo loader's audit record.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FORCE_DOWNGRADE = "CARECOORD_FORCE_DOWNGRADE"
DEMO_SETTING = "demo_database"
DEMO_SETTING_VALUE = "fictional demo clinic written by 'carecoord demo'"

REFUSE_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The audit trail can only grow; run "carecoord audit verify" to check it.';
END;
$$
"""

HEAD_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_head_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_chain_head cannot be deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.last_id < OLD.last_id THEN
            RAISE EXCEPTION 'audit_chain_head cannot move backwards (from % to %)',
                OLD.last_id, NEW.last_id USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.backfilled_through <> OLD.backfilled_through THEN
            RAISE EXCEPTION 'audit_chain_head.backfilled_through cannot change'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF NEW.last_id = 0 THEN
        IF EXISTS (SELECT 1 FROM audit_events) THEN
            RAISE EXCEPTION 'audit_chain_head must name the newest audit record'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF NOT EXISTS (
            SELECT 1 FROM audit_events WHERE id = NEW.last_id AND hash = NEW.last_hash)
          OR EXISTS (SELECT 1 FROM audit_events WHERE id > NEW.last_id) THEN
        RAISE EXCEPTION 'audit_chain_head must name the newest audit record and its hash'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$
"""

TRIGGERS = (
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()",
    "CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()",
    "CREATE TRIGGER audit_chain_head_guard BEFORE INSERT OR UPDATE OR DELETE "
    "ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard()",
)
REVOKES = (
    "REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_events FROM PUBLIC",
    "REVOKE DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_chain_head FROM PUBLIC",
)


def _mark_demo_databases(bind: sa.Connection) -> None:
    loaded = bind.execute(
        sa.text(
            "SELECT 1 FROM audit_events WHERE entity = 'DemoData' AND action = 'import' LIMIT 1"
        )
    ).first()
    marked = bind.execute(
        sa.text("SELECT 1 FROM settings WHERE key = :key"), {"key": DEMO_SETTING}
    ).first()
    if loaded is not None and marked is None:
        bind.execute(
            sa.text("INSERT INTO settings (key, value) VALUES (:key, :value)"),
            {"key": DEMO_SETTING, "value": DEMO_SETTING_VALUE},
        )


def upgrade() -> None:
    """Upgrade schema."""
    bind = op.get_bind()
    _mark_demo_databases(bind)
    if bind.dialect.name == "postgresql":
        op.execute(REFUSE_TRUNCATE_FUNCTION)
        op.execute(HEAD_GUARD_FUNCTION)
        for statement in (*TRIGGERS, *REVOKES):
            op.execute(statement)


def downgrade() -> None:
    """Downgrade schema (refused unless forced: it would drop the audit trail's guards)."""
    if os.environ.get(FORCE_DOWNGRADE) != "1":
        raise RuntimeError(
            "Refusing to downgrade below revision 0005: it removes the audit trail's "
            f"protections. Set {FORCE_DOWNGRADE}=1 to force it, and keep a checkpoint "
            "('carecoord audit checkpoint') from before."
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_chain_head_guard ON audit_chain_head")
        op.execute("DROP TRIGGER IF EXISTS audit_chain_head_no_truncate ON audit_chain_head")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_head_guard()")
        op.execute("DROP FUNCTION IF EXISTS audit_refuse_truncate()")
