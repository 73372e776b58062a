"""A demo patient's assessments, scored by the clinical instruments."""

from __future__ import annotations

import json
from datetime import date, timedelta

from carecoord.clinical import coherence, instruments
from carecoord.clinical.vocabulary import (
    AssessmentKind,
)
from carecoord.demo.common import clamp
from carecoord.demo.state import BuilderState, Chart


class AssessmentSteps(BuilderState):
    """PEG and NRS along the archetype's course; PHQ-9, GAD-7 and ORT where they fit."""

    def assessments(self, chart: Chart) -> list[tuple[date, int, tuple[int, int, int]]]:
        """PEG and NRS every 4-8 weeks over the last year; PHQ-9, GAD-7 and ORT now and then."""
        rng, sink, today = self.rng, self.sink, self.today
        rows = sink.rows["assessments"]
        start = max(chart.since, today - timedelta(days=365)) + timedelta(days=rng.between(0, 14))
        dates: list[date] = []
        day = start
        while day <= today:
            dates.append(day)
            day += timedelta(days=rng.between(28, 56))
        if not dates:
            dates.append(today)
        baseline = rng.between(5, 9)
        better, partly, _ = chart.archetype.course  # the archetype's usual course
        course = rng.random() * sum(chart.archetype.course)
        final = baseline * (
            rng.uniform(0.4, 0.7)
            if course < better
            else rng.uniform(0.8, 0.95)
            if course < better + partly
            else rng.uniform(0.95, 1.15)
        )
        steps = max(1, len(dates) - 1)
        visits: list[tuple[date, int, tuple[int, int, int]]] = []
        for i, day in enumerate(dates):
            level = baseline + (final - baseline) * i / steps + rng.gauss(0, 0.6)
            value = clamp(level)
            nrs = self.nrs_cache.get(value)
            if nrs is None:
                result = instruments.nrs(value)
                nrs = self.nrs_cache[value] = (
                    json.dumps({"value": value}),
                    float(result.total),
                    result.band,
                )
            items = (
                clamp(level + rng.gauss(0, 0.8)),
                clamp(level + 0.5 + rng.gauss(0, 1.2)),
                clamp(level + 0.3 + rng.gauss(0, 1.2)),
            )
            peg = self.peg_cache.get(items)
            if peg is None:
                answers = {"pain": items[0], "enjoyment": items[1], "activity": items[2]}
                scored = instruments.score(AssessmentKind.PEG, answers)
                peg = self.peg_cache[items] = (json.dumps(answers), scored.total, scored.band)
            who = "drlee" if rng.random() < 0.8 else "therapist"
            versioned = self.versioned(day, who)
            taken = sink.day(day)
            rows.append(
                (self.next_id("assessments"), chart.id, "nrs", taken, *nrs, False, who, *versioned)
            )
            rows.append(
                (self.next_id("assessments"), chart.id, "peg", taken, *peg, False, who, *versioned)
            )
            visits.append((day, value, items))
        alert = False
        alert_day: date | None = None
        phq9: list[coherence.Score] = []
        gad7: list[coherence.Score] = []
        phq_times = rng.between(2, 3) if chart.depressed else (1 if rng.random() < 0.4 else 0)
        for day in sorted(rng.sample(dates, min(phq_times, len(dates)))):
            weights = (20, 40, 30, 10) if chart.depressed else (60, 30, 8, 2)
            items9 = rng.choices((0, 1, 2, 3), weights=weights, k=9)
            items9[8] = 0
            if rng.random() < (0.08 if chart.depressed else 0.01):
                items9[8] = rng.pick((1, 1, 2))
            answers9 = {"items": items9}
            phq = instruments.score(AssessmentKind.PHQ9, answers9)
            flag = isinstance(phq, instruments.Phq9Result) and phq.self_harm_flag
            if flag and alert_day is None:
                alert_day = day
            alert = alert or flag
            phq9.append(coherence.Score(day, int(phq.total), items9[8]))
            rows.append(
                (
                    self.next_id("assessments"),
                    chart.id,
                    "phq9",
                    sink.day(day),
                    json.dumps(answers9),
                    float(phq.total),
                    phq.band,
                    flag,
                    "therapist",
                    *self.versioned(day, "therapist"),
                )
            )
        gad_times = rng.between(1, 2) if chart.anxious else (1 if rng.random() < 0.3 else 0)
        for day in sorted(rng.sample(dates, min(gad_times, len(dates)))):
            weights = (15, 40, 30, 15) if chart.anxious else (60, 30, 8, 2)
            answers7 = {"items": rng.choices((0, 1, 2, 3), weights=weights, k=7)}
            gad = instruments.score(AssessmentKind.GAD7, answers7)
            gad7.append(coherence.Score(day, int(gad.total)))
            rows.append(
                (
                    self.next_id("assessments"),
                    chart.id,
                    "gad7",
                    sink.day(day),
                    json.dumps(answers7),
                    float(gad.total),
                    gad.band,
                    False,
                    "therapist",
                    *self.versioned(day, "therapist"),
                )
            )
        if chart.opioid or rng.random() < 0.15:
            day = dates[0]
            age = (day - chart.born).days // 365
            ort_answers: dict[str, object] = {"sex": chart.sex}
            boxes = {
                "family_alcohol": rng.random() < 0.2,
                "family_illegal_drugs": rng.random() < 0.08,
                "family_prescription_drugs": rng.random() < 0.06,
                "personal_alcohol": rng.random() < 0.1,
                "personal_illegal_drugs": rng.random() < (0.3 if chart.oud else 0.03),
                "personal_prescription_drugs": chart.oud,
                "age_16_to_45": 16 <= age <= 45,
                "preadolescent_sexual_abuse": rng.random() < 0.04,
                "psychological_disease": rng.random() < 0.05,
                "depression": chart.depressed,
            }
            ort_answers.update({k: True for k, marked in boxes.items() if marked})
            ort = instruments.score(AssessmentKind.ORT, ort_answers)
            rows.append(
                (
                    self.next_id("assessments"),
                    chart.id,
                    "ort",
                    sink.day(day),
                    json.dumps(ort_answers),
                    float(ort.total),
                    ort.band,
                    False,
                    "drlee",
                    *self.versioned(day, "drlee"),
                )
            )
        self.current_alert = alert
        self.current_alert_day = alert_day
        self.current_facts = coherence.ChartFacts(
            chart.codes, chart.lines, tuple(phq9), tuple(gad7)
        )
        return visits
