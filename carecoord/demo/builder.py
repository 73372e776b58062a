"""One demo patient from start to end: registration, then each step in order."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from carecoord.clinical.vocabulary import (
    AdministrativeSex,
    PatientStatus,
)
from carecoord.demo import clinic, names
from carecoord.demo.assessments import AssessmentSteps
from carecoord.demo.chart import ChartSteps
from carecoord.demo.common import banded, cumulative, sv
from carecoord.demo.directory import DirectorySteps
from carecoord.demo.plans import PlanSteps
from carecoord.demo.referrals import ReferralSteps
from carecoord.demo.texts import DISCHARGE_REASONS
from carecoord.services.validation import search_key

CULTURE_CUM: Final = cumulative([c.weight for c in names.CULTURES])
SEXES: Final = (
    (0.55, AdministrativeSex.FEMALE),
    (0.98, AdministrativeSex.MALE),
    (0.99, AdministrativeSex.OTHER),
)


class Builder(DirectorySteps, ChartSteps, AssessmentSteps, PlanSteps, ReferralSteps):
    """Generates every row from one seeded random stream; the same seed and day, the same data."""

    def patient(self, index: int) -> None:
        rng, sink, today = self.rng, self.sink, self.today
        patient_id = self.next_id("patients")
        culture = rng.choices(names.CULTURES, cum_weights=CULTURE_CUM)[0]
        sex = banded(rng.random(), SEXES, AdministrativeSex.UNKNOWN)
        female = sex == AdministrativeSex.FEMALE or (
            sex != AdministrativeSex.MALE and rng.random() < 0.5
        )
        given = rng.pick(culture.female if female else culture.male)
        family = rng.pick(culture.family)
        middle = culture.female_middle if female else culture.male_middle
        if middle is None and rng.random() < 0.12:
            middle = rng.pick(culture.female if female else culture.male)
            if middle == given:
                middle = None
        language = culture.language if rng.random() < 0.4 else "English"
        if index < len(names.SHOWCASE_PATIENTS):
            given, family, middle, sex_value, language = names.SHOWCASE_PATIENTS[index]
            sex = AdministrativeSex(sex_value)
        age_days = int(365.25 * min(90, max(19, rng.triangular(19, 91, 55))))
        born = today - timedelta(days=age_days + rng.between(0, 300))
        since = today - timedelta(days=rng.between(120, 1000))
        family_key, given_key = search_key(family), search_key(given)
        phone = f"({rng.pick(clinic.AREA_CODES)}) 555-01{rng.between(0, 99):02d}"
        email = (
            f"{given_key.replace(' ', '')}.{family_key.replace(' ', '')}{patient_id}@example.com"
            if rng.random() < 0.75
            else None
        )
        city, state, zip_code = rng.pick(clinic.CITIES)
        address = f"{rng.between(10, 9899)} {rng.pick(clinic.STREETS)}\n{city}, {state} {zip_code}"
        payer: str | None = None
        member_no: str | None = None
        if rng.random() < 0.94:
            payer = rng.pick(clinic.PAYERS)
            member_no = f"{payer[:3].upper()}{rng.between(10_000_000, 99_999_999)}"
        discharged = rng.random() < 0.05
        discharged_on = today - timedelta(days=rng.between(5, 100)) if discharged else None
        sink.rows["patients"].append(
            (
                patient_id,
                f"CC{patient_id:07d}",
                family,
                given,
                middle,
                family_key,
                given_key,
                sink.day(born),
                sv(sex),
                phone,
                email,
                address,
                language,
                payer,
                member_no,
                sv(PatientStatus.DISCHARGED if discharged else PatientStatus.ACTIVE),
                sink.day(discharged_on),
                rng.pick(DISCHARGE_REASONS) if discharged else None,
                None,
                *self.versioned(since, "frontdesk"),
            )
        )
        # A discharged patient's chart ends on the discharge day: build it as of that day.
        self.today = discharged_on or today
        self.current_discharged = discharged
        try:
            chart = self.chart(patient_id, since, sv(sex), born, payer, member_no)
            self.team_for(chart)
            visits = self.assessments(chart)
            self.plan(chart, visits)
            self.referrals(chart)
        finally:
            self.today = today
