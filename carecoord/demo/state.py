"""What the demo builder's steps share: the rows' sink, ids, the random stream and the
facts of the patient being built."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from carecoord.clinical import coherence
from carecoord.clinical import referral_rules as rules
from carecoord.clinical.vocabulary import (
    Discipline,
    ReferralState,
)
from carecoord.demo import clinic
from carecoord.demo.archetypes import Archetype
from carecoord.demo.common import LOADED_BY, DemoRandom, cumulative, report_pdf
from carecoord.demo.sink import Sink
from carecoord.demo.texts import Ask

S = ReferralState


class Member(NamedTuple):
    id: int
    discipline: Discipline
    display: str
    active: bool


class Chart(NamedTuple):
    """What later steps of one patient's generation need to know about the earlier ones."""

    id: int
    since: date
    sex: str
    born: date
    archetype: Archetype
    codes: tuple[str, ...]
    opioid: bool
    oud: bool
    depressed: bool
    anxious: bool
    drug_names: tuple[str, ...]
    payer: str | None
    member_no: str | None
    lines: tuple[coherence.Line, ...] = ()


class BuilderState:
    """Generates every row from one seeded random stream; the same seed and day, the same data."""

    def __init__(self, sink: Sink, ids: dict[str, int], seed: int, today: date) -> None:
        self.sink = sink
        self.ids = ids
        self.rng = DemoRandom(seed)
        self.today = today
        self.stamp_today = sink.stamp(today, 7 * 60)
        self.members: list[Member] = []
        self.by_discipline: dict[Discipline, list[Member]] = {d: [] for d in Discipline}
        self.user_ids: dict[str, int] = {}
        self.pdf = report_pdf()
        self.pdf_sha = hashlib.sha256(self.pdf).hexdigest()
        self.nrs_cache: dict[int, tuple[str, float, str]] = {}
        self.peg_cache: dict[tuple[int, int, int], tuple[str, float, str]] = {}
        self.discipline_cum: dict[tuple[object, ...], tuple[list[Discipline], list[int]]]
        self.discipline_cum = {}
        self.asks_cache: dict[tuple[str, Discipline], list[tuple[Ask, str]]] = {}
        self.referral_index = 0
        self.states = list(S)
        # draft, sent, accepted, scheduled, seen, report_received, declined, cancelled, on_hold
        self.state_cum = cumulative((5, 9, 6, 9, 8, 42, 5, 9, 7))
        self.modality_index = 0
        self.opioid_index = 0
        # Per-patient facts the later steps use (set by team_for and assessments).
        self.current_coordinator = 0
        self.current_alert = False
        self.current_alert_day: date | None = None
        self.current_facts = coherence.ChartFacts()
        self.current_discharged = False
        self.therapist_member = 0
        self.clinic_name = clinic.CLINIC_NAME  # the settings' name, which references quote
        # The referral rules' due dates, remembered per argument: the same days, priorities
        # and disciplines come back thousands of times in a large demo.
        self.appointment_due = lru_cache(maxsize=65536)(rules.appointment_due)
        self.report_due = lru_cache(maxsize=4096)(rules.report_due)

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def versioned(self, day: date, by: str = LOADED_BY, minute: int = 600) -> tuple[Any, ...]:
        stamp = self.sink.stamp(day, minute)
        return (1, stamp, stamp, by)
