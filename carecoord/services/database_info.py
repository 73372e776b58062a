"""What a database holds, in counts, for `carecoord info` (no patient details, no sign-in),
and the maintenance `carecoord db rebuild-summary` runs: the command line itself runs no SQL."""

from __future__ import annotations

from sqlalchemy import func, select

from carecoord.db import Database
from carecoord.models import Patient, Referral, TeamMember, User

_COUNTED = (
    ("patients", Patient),
    ("referrals", Referral),
    ("team members", TeamMember),
    ("users", User),
)


def holdings(db: Database) -> dict[str, int]:
    """How many patients, referrals, team members and user accounts the database holds."""
    # A direct session: command-line maintenance before any sign-in; counts name nobody.
    with db.session() as session:
        return {
            what: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for what, model in _COUNTED
        }


def rebuild_dashboard_summary(db: Database) -> int:
    """Recount the dashboard's summary from the records, in one write transaction (command-line
    maintenance, no sign-in); how many steps it holds now."""
    from carecoord.services.dashboard_summary import rebuild

    # A direct connection: command-line maintenance before any sign-in, recounting totals.
    with db.engine.execution_options(carecoord_write=True).begin() as conn:
        return rebuild(conn)
