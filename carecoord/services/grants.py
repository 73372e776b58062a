"""``carecoord db grant ROLE``: what a PostgreSQL workstation role may do, and nothing more.

Workstations should connect as a role that does not own the tables: only an owner (or a
superuser) can switch the audit trail's triggers off, drop them or TRUNCATE past them.
The role gets SELECT/INSERT/UPDATE/DELETE on the ordinary tables, SELECT and INSERT only
on ``audit_events``, SELECT and UPDATE on ``audit_chain_head`` (guarded by its trigger),
SELECT on ``alembic_version``, USAGE on the schema and its sequences; no TRUNCATE, no
TRIGGER, no REFERENCES, no ownership. Run it as the owner after every ``db upgrade``.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from carecoord.db import Database
from carecoord.errors import CareCoordError
from carecoord.models import Base

AUDIT_TABLES = {"audit_events": "SELECT, INSERT", "audit_chain_head": "SELECT, UPDATE"}
ORDINARY = "SELECT, INSERT, UPDATE, DELETE"


def _refusal(connection: Connection, role: str, schema: str) -> str | None:
    row = connection.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": role}
    ).first()
    if row is None:
        return f"there is no PostgreSQL role {role!r}; create it first (CREATE ROLE … LOGIN)"
    if row.rolsuper:
        return f"{role} is a superuser, which can switch the audit trail's triggers off"
    owned = connection.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :s AND pg_has_role(:r, c.relowner, 'USAGE') ORDER BY 1"
        ),
        {"s": schema, "r": role},
    ).scalars()
    names = list(owned)
    if names:
        return (
            f"{role} owns (or is a member of the owner of) {', '.join(names[:5])}; the owner "
            "can switch the audit trail's triggers off. Let workstations connect as another role"
        )
    return None


def grant_workstation_role(db: Database, role: str) -> list[str]:
    """Give ``role`` exactly the privileges CareCoord needs in the database's schema.

    Returns:
        The statements run, for the record.

    Raises:
        CareCoordError: not PostgreSQL, or ``role`` is missing, a superuser or an owner.
    """
    if db.dialect != "postgresql":
        raise CareCoordError("db grant is for PostgreSQL; a SQLite file has no roles")
    with db.engine.begin() as connection:
        schema = str(connection.execute(text("SELECT current_schema()")).scalar_one())
        refused = _refusal(connection, role, schema)
        if refused:
            raise CareCoordError(f"refused: {refused}")
        quote = connection.dialect.identifier_preparer.quote
        who, where = quote(role), quote(schema)
        statements = [
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}",
            f"GRANT USAGE ON SCHEMA {where} TO {who}",
        ]
        for table in Base.metadata.sorted_tables:
            privileges = AUDIT_TABLES.get(table.name, ORDINARY)
            statements.append(f"GRANT {privileges} ON {where}.{quote(table.name)} TO {who}")
        statements += [
            f"GRANT SELECT ON {where}.alembic_version TO {who}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
        ]
        for statement in statements:
            connection.execute(text(statement))
    return statements
