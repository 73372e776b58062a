"""The head of the audit trail's hash chain: one row naming the newest record and its hash."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.models.base import Base


class AuditChainHead(Base):
    """The newest audit record's id and hash, updated in the same transaction as the record.

    Every audit write locks this single row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
    writers already hold the database's write lock), so records get consecutive ids and
    each one's ``prev_hash`` is its predecessor's hash. Reading it is one primary-key
    lookup, which keeps auditing a keystroke-driven search cheap. Comparing it with the
    last record reveals records deleted from the end of the trail.

    ``backfilled_through`` is the highest id that existed before the chain was introduced:
    gaps in ids up to it predate the chain (a rolled-back PostgreSQL insert leaves one) and
    are not reported as missing records.
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    backfilled_through: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)
