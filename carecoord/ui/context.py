"""What every screen is given: the database, the signed-in user, the clinic settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from carecoord.db import Database
from carecoord.services.actor import Actor
from carecoord.services.settings import ClinicSettings
from carecoord.ui.date_field import set_iso_display


class DataEvents(QObject):
    """Application-wide notifications so open screens refresh after a change elsewhere.

    Signals:
        patient_changed(int): a patient's demographics, record or team changed.
        referral_changed(int): a referral changed (state, content or documents).
        team_changed(): the team directory changed.
        settings_changed(): clinic settings changed.
    """

    patient_changed = Signal(int)
    referral_changed = Signal(int)
    team_changed = Signal()
    settings_changed = Signal()


class Navigator(QObject):
    """Requests to open windows; the main window answers them (tests may listen instead).

    Signals:
        chart_requested(int): open the chart of this patient id.
        referral_requested(int): open the referral editor on this referral id.
        new_referral_requested(int, str): new referral for a patient id and discipline value
            ("" when not chosen yet).
    """

    chart_requested = Signal(int)
    referral_requested = Signal(int)
    new_referral_requested = Signal(int, str)


@dataclass
class AppContext:
    """Passed as the keyword-only ``context`` argument to every window, page and dialog."""

    db: Database
    actor: Actor
    settings: ClinicSettings
    demo: bool = False
    events: DataEvents = field(default_factory=DataEvents)
    navigator: Navigator = field(default_factory=Navigator)

    def __setattr__(self, name: str, value: object) -> None:
        """Date fields follow the clinic's date setting: "iso" shows YYYY-MM-DD everywhere."""
        super().__setattr__(name, value)
        if name == "settings" and isinstance(value, ClinicSettings):
            set_iso_display(value.date_format == "iso")


@dataclass(frozen=True)
class ChartScope:
    """Who is working (``context``) in whose chart (``patient_id``): the two things every
    dialog opened from a chart is given together."""

    context: AppContext
    patient_id: int
