"""A demo patient's chart: diagnoses, medications, allergies, headache profile, care team."""

from __future__ import annotations

from datetime import date, timedelta

from carecoord.clinical import coherence, drugs, headache, mme
from carecoord.clinical.vocabulary import (
    CareTeamRole,
    Discipline,
    HeadacheType,
)
from carecoord.demo.archetypes import ARCHETYPE_CUM, ARCHETYPES, ICD
from carecoord.demo.catalogue import (
    ALLERGIES,
    BREAKTHROUGH,
    GABAPENTINOIDS,
    LONG_ACTING,
    MOOD_DRUGS,
    NALOXONE,
    NON_OPIOID_NAMES,
    NON_OPIOIDS,
    OPIOID_CUM,
    OPIOIDS,
    OUD_TREATMENT,
    SHOWCASES,
    AllergySpec,
    Drug,
)
from carecoord.demo.common import sv
from carecoord.demo.state import BuilderState, Chart
from carecoord.demo.texts import TRIGGERS
from carecoord.services.permissions import (
    medication_category,
)

D = Discipline


class ChartSteps(BuilderState):
    """The chart's records, decided by the patient's archetype."""

    def chart(
        self,
        patient_id: int,
        since: date,
        sex: str,
        born: date,
        payer: str | None,
        member_no: str | None,
    ) -> Chart:
        """Diagnoses, medications, allergies and headache archetype of one patient."""
        rng, sink = self.rng, self.sink
        archetype = rng.choices(ARCHETYPES, cum_weights=ARCHETYPE_CUM)[0]
        opioid = rng.random() < archetype.opioid
        oud = opioid and rng.random() < archetype.oud
        showcase = None
        if opioid and self.opioid_index < len(SHOWCASES):
            showcase = SHOWCASES[self.opioid_index]
            oud = showcase.oud
        depressed = rng.random() < archetype.depressed
        anxious = rng.random() < archetype.anxious
        codes = [rng.pick(archetype.primary), *archetype.always]
        if oud:
            codes.append("F11.20")
        elif opioid:
            codes.append("Z79.891")
        # Depression and anxiety are always coded: the scores, drugs and psychiatry
        # referrals that follow refer to them.
        codes += [*(["F32.A"] if depressed else []), *(["F41.1"] if anxious else [])]
        if len(codes) > 4 and anxious:  # at most four diagnoses: the anxiety goes unmentioned
            codes.remove("F41.1")
            anxious = False
        optional = [c for c in archetype.extra if rng.random() < 0.4]
        wanted = max(len(codes), rng.between(1, 4))
        codes += optional[: max(0, wanted - len(codes))]
        codes = codes[:4]
        for code in codes:
            onset = since - timedelta(days=rng.between(30, 3000))
            sink.rows["diagnoses"].append(
                (
                    self.next_id("diagnoses"),
                    patient_id,
                    code,
                    ICD[code],
                    sink.day(onset),
                    True,
                    None,
                    *self.versioned(since, "drlee"),
                )
            )
        allergies: list[AllergySpec] = []
        if rng.random() < 0.30:
            allergies = rng.sample(ALLERGIES, 1 if rng.random() < 0.75 else 2)
        if showcase is not None:  # a showcase's drugs are never ones the patient must avoid
            given = " ".join(d.drug for d, _ in showcase.lines)
            allergies = [a for a in allergies if not any(f in given for f in a.avoid)]
        for allergy in allergies:
            sink.rows["allergies"].append(
                (
                    self.next_id("allergies"),
                    patient_id,
                    allergy.substance,
                    allergy.reaction,
                    sv(allergy.severity),
                    *self.versioned(since, "drlee"),
                )
            )
        avoid = tuple(fragment for a in allergies for fragment in a.avoid)
        lines: list[tuple[Drug, float]] = []
        if showcase is not None:
            self.opioid_index += 1
            lines += showcase.lines
        elif opioid:
            if oud:  # CDC 2022 Rec. 12: treatment for OUD is on the list
                lines.append((OUD_TREATMENT, rng.pick(OUD_TREATMENT.doses)))
            else:
                for _ in range(5):
                    drug = rng.choices(OPIOIDS, cum_weights=OPIOID_CUM)[0][0]
                    if not any(f in drug.drug for f in avoid):
                        break
                else:
                    drug = OPIOIDS[-1][0]
                self.opioid_index += 1
                lines.append((drug, rng.pick(drug.doses)))
                if drug.drug in LONG_ACTING and rng.random() < 0.3:
                    lines.append((BREAKTHROUGH, BREAKTHROUGH.doses[0]))
        if lines and (showcase is None or showcase.naloxone):
            summary = mme.total_mme(
                mme.MedicationDose(
                    d.drug, dose, d.frequency, d.max_per_day, unit=d.unit, route=d.route
                )
                for d, dose in lines
            )
            if summary.at_least_50 or oud:  # CDC 2022 Rec. 8: offer naloxone
                lines.append((NALOXONE, NALOXONE.doses[0]))
        wanted_drugs = max(0, rng.between(1, 5) - len(lines))
        pool = [d for d in archetype.drugs if not any(f in NON_OPIOIDS[d].drug for f in avoid)]
        if opioid:  # a gabapentinoid beside an opioid only where a showcase means it
            pool = [d for d in pool if d not in GABAPENTINOIDS]
        if (depressed or anxious) and rng.random() < 0.7:
            pool.insert(0, rng.pick(MOOD_DRUGS))
        chosen: list[str] = []
        # One drug per therapeutic group (no SSRI beside an SNRI, no two NSAIDs).
        groups = {drugs.duplicate_group(d.drug, d.route) for d, _ in lines} - {None}
        for key in pool:
            if len(chosen) >= wanted_drugs:
                break
            group = drugs.duplicate_group(NON_OPIOIDS[key].drug, NON_OPIOIDS[key].route)
            if group is not None and group in groups:
                continue
            if key not in chosen and rng.random() < 0.75:
                chosen.append(key)
                groups.add(group)
        if not lines and not chosen:
            chosen.append(pool[0] if pool else "acetaminophen")
        for key in chosen:
            drug = NON_OPIOIDS[key]
            lines.append((drug, rng.pick(drug.doses)))
        taken: list[coherence.Line] = []
        lasting = {NALOXONE, OUD_TREATMENT, *(d for d, _ in (showcase.lines if showcase else ()))}
        for drug, dose in lines:
            # Taken when the patient came (the intake medication list), some stopped since.
            start = since - timedelta(days=rng.between(0, 60))
            stop = None
            # Naloxone and the treatment of an OUD stay while the risk does (CDC 2022 Rec. 8,
            # 12); a showcase's drugs stay, or its alert would not show.
            if rng.random() < 0.08 and drug not in lasting:
                stop = min(self.today, start + timedelta(days=rng.between(30, 200)))
            taken.append(coherence.Line(drug.drug, start, stop, drug.route))
            sink.rows["medications"].append(
                (
                    self.next_id("medications"),
                    patient_id,
                    drug.drug,
                    dose,
                    drug.unit,
                    drug.frequency,
                    drug.max_per_day,
                    drug.route,
                    sink.day(start),
                    sink.day(stop),
                    mme.is_opioid(drug.drug),
                    drug.psychotropic,
                    None,
                    drug.indication,
                    sv(medication_category(drug.drug, drug.indication)),
                    *self.versioned(since, "drlee"),
                )
            )
        if archetype.headache:
            migraine = codes[0].startswith("G43")
            attacks = rng.between(3, 14) if migraine else rng.between(6, 20)
            days = min(30, attacks + rng.between(0, 8))
            acute = min(days, rng.between(2, 18))
            if archetype.overuse:  # chronic migraine (>= 15 headache days) with overuse
                attacks = rng.between(4, 10)
                days = rng.between(15, 26)
                acute = rng.between(headache.OVERUSE_LIKELY_DAYS, days)
            sink.rows["headache_profiles"].append(
                (
                    self.next_id("headache_profiles"),
                    patient_id,
                    sv(HeadacheType.MIGRAINE if migraine else HeadacheType.TENSION_TYPE),
                    codes[0] == "G43.109",
                    attacks,
                    days,
                    acute,
                    rng.pick(TRIGGERS),
                    None,
                    sink.stamp(since),
                    *self.versioned(since, "drlee"),
                )
            )
        return Chart(
            id=patient_id,
            since=since,
            sex=sex,
            born=born,
            archetype=archetype,
            codes=tuple(codes),
            opioid=opioid,
            oud=oud,
            depressed=depressed,
            anxious=anxious,
            drug_names=tuple(d.drug for d, _ in lines if d.drug in NON_OPIOID_NAMES),
            payer=payer,
            member_no=member_no,
            lines=tuple(taken),
        )

    def membership(
        self,
        patient_id: int,
        member_id: int,
        role: CareTeamRole,
        start: date,
        end: date | None,
        note: str | None,
    ) -> None:
        """One care-team membership row, recorded by drlee on its first day."""
        sink = self.sink
        sink.rows["care_team_memberships"].append(
            (
                self.next_id("care_team_memberships"),
                patient_id,
                member_id,
                sv(role),
                sink.day(start),
                sink.day(end),
                note,
                *self.versioned(start, "drlee"),
            )
        )

    def team_for(self, chart: Chart) -> None:
        """Care team: one active coordinator always; ~15 % miss a core role (the gap warning)."""
        rng, today = self.rng, self.today
        coordinators = self.by_discipline[D.PAIN_MEDICINE]
        coordinator = rng.pick(coordinators)
        since = chart.since
        if rng.random() < 0.1:  # handed over from another coordinator
            previous = rng.pick([m for m in coordinators if m.id != coordinator.id])
            handover = since + timedelta(days=rng.between(20, max(21, (today - since).days - 10)))
            self.membership(
                chart.id,
                previous.id,
                CareTeamRole.COORDINATING_PHYSICIAN,
                since,
                handover,
                "Handed over coordination.",
            )
            since = handover
        self.membership(
            chart.id, coordinator.id, CareTeamRole.COORDINATING_PHYSICIAN, since, None, None
        )

        self.current_coordinator = coordinator.id
        gap = rng.random() < 0.15
        missing_rehab = gap and rng.random() < 0.65
        missing_psych = gap and (not missing_rehab or rng.random() < 0.25)
        for role, discipline, missing in (
            (CareTeamRole.REHABILITATION_SPECIALIST, D.PHYSICAL_REHABILITATION, missing_rehab),
            (CareTeamRole.PSYCHIATRIST, D.PSYCHIATRY, missing_psych),
        ):
            member = rng.pick(self.by_discipline[discipline])
            start = chart.since + timedelta(days=rng.between(0, 60))
            if missing:
                if rng.random() < 0.4:  # the gap is a membership that ended
                    end = min(
                        today - timedelta(days=1), start + timedelta(days=rng.between(30, 200))
                    )
                    self.membership(
                        chart.id,
                        member.id,
                        role,
                        start,
                        max(start, end),
                        "Moved on; not replaced.",
                    )
                continue
            self.membership(chart.id, member.id, role, start, None, None)
        if rng.random() < 0.35:
            discipline = rng.pick((D.PHYSICAL_THERAPY, D.PSYCHOLOGY, D.COMPLEMENTARY_MEDICINE))
            member = rng.pick(self.by_discipline[discipline])
            start = chart.since + timedelta(days=rng.between(0, 90))
            self.membership(chart.id, member.id, CareTeamRole.THERAPIST, start, None, None)
        if chart.archetype.headache and rng.random() < 0.5:
            member = rng.pick(self.by_discipline[D.NEUROLOGY_HEADACHE])
            self.membership(chart.id, member.id, CareTeamRole.CONSULTANT, chart.since, None, None)
        if rng.random() < 0.08:  # a therapist who has since left the practice
            leaver = next(
                (m for m in self.members if not m.active and m.discipline == D.PHYSICAL_THERAPY),
                None,
            )
            if leaver is not None:
                end = min(today - timedelta(days=1), chart.since + timedelta(days=90))
                self.membership(
                    chart.id,
                    leaver.id,
                    CareTeamRole.THERAPIST,
                    chart.since,
                    end,
                    "Clinician left the practice.",
                )
