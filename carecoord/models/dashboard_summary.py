"""The dashboard's maintained summary: counts by figure and day, and what each patient adds.

A figure on day D is the sum of its rows dated on or before D (a difference array), so
"overdue as of today" is stored as +1 on the day after the due date and a counted
interval of days as +1 where it starts and -1 after it ends. The dashboard reads every
figure with one aggregate over a table that grows with the days the clinic has existed,
not with its patients. ``dashboard_contributions`` keeps each patient's own rows, so a
change to one patient's record updates the totals by difference
(carecoord/services/dashboard_summary.py; docs/architecture.md, "Dashboard summary").
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.models.base import Base


class DashboardCount(Base):
    """One step of one figure: ``n`` added on ``day`` and every later day."""

    __tablename__ = "dashboard_counts"

    figure: Mapped[str] = mapped_column(String(48), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False)


class DashboardContribution(Base):
    """The steps one patient's record adds to the totals (no foreign key: when the patient
    is deleted, these rows are what the totals lose)."""

    __tablename__ = "dashboard_contributions"

    patient_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    figure: Mapped[str] = mapped_column(String(48), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False)


class DashboardLoop(Base):
    """A sent referral as CMS50 sees it: when it was sent, when the patient's previous one
    was (so "first of a period starting on S" is ``previous_sent_on < S <= sent_on``) and
    when its report arrived. The open-loop list walks these in sending order from one
    covering index instead of probing each referral's history."""

    __tablename__ = "dashboard_loops"
    __table_args__ = (
        Index(
            "ix_dashboard_loops_sent_on",
            "sent_on",
            "referral_id",
            "previous_sent_on",
            "arrived_on",
        ),
    )

    referral_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(Integer, index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    previous_sent_on: Mapped[date | None] = mapped_column(Date)
    arrived_on: Mapped[date | None] = mapped_column(Date)
