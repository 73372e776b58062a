"""A demo patient's referrals with their workflow history and authorisations."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from carecoord.clinical import coherence
from carecoord.clinical import referral_rules as rules
from carecoord.clinical.referral_workflow import booked_past_target
from carecoord.clinical.vocabulary import (
    AuthorizationOutcome,
    Discipline,
    DocumentKind,
    Priority,
    ReferralState,
    SendMethod,
)
from carecoord.demo.archetypes import Archetype
from carecoord.demo.common import DemoRandom, banded, sentence, sv, weekday
from carecoord.demo.state import BuilderState, Chart, Member
from carecoord.demo.texts import (
    AUTH_SERVICE,
    BASE_WEIGHTS,
    CANCEL_REASONS,
    COURSE_DISCIPLINES,
    DECLINE_REASONS,
    DENIAL_REASONS,
    HOLD_REASONS,
    NO_REPORT_REASONS,
    PRIORITY_REASONS,
    REFERRAL_TEXT,
    TOLD,
    TRIED,
    Ask,
)
from carecoord.services.permissions import (
    referral_category,
)
from carecoord.services.reference import referral_reference

D = Discipline

S = ReferralState


class ReferralSteps(BuilderState):
    """Referrals whose discipline, reason and question fit the chart."""

    def weights_for(self, chart: Chart) -> tuple[list[Discipline], list[int]]:
        """Referral disciplines weighted by what the chart gives them to do: no psychiatry
        without a mental-health reason, no neurosurgery for knee pain."""
        facts = self.current_facts
        mental = chart.depressed or chart.anxious or self.current_alert
        neuropathic = facts.has_code(coherence.NEUROPATHIC)
        neck = facts.has_code(coherence.CERVICAL)
        archetype = chart.archetype
        key = (archetype.name, chart.opioid, mental, chart.depressed, neuropathic, neck)
        cached = self.discipline_cum.get(key)
        if cached is None:
            weights = dict(BASE_WEIGHTS)
            if archetype.headache:
                weights[D.NEUROLOGY_HEADACHE] = 22
            if archetype.spine:
                weights[D.NEUROSURGERY] = 8
                weights[D.ANESTHESIOLOGY] = 14
            if chart.opioid:
                weights[D.PAIN_REHABILITATION_PROGRAM] = 3
            if chart.depressed:
                weights[D.PSYCHIATRY] = 14
            weights.update(archetype.referrals)
            # What the chart does not give a discipline to do, it is not asked to do.
            if not mental:
                weights[D.PSYCHIATRY] = 0
            if not (neuropathic or archetype.headache):
                weights[D.NEUROLOGY_HEADACHE] = 0
            if not (neck or archetype.spine):
                weights[D.NEUROSURGERY] = 0
            if not chart.opioid:  # the programme's opioid weaning is not for them
                weights[D.PAIN_REHABILITATION_PROGRAM] = BASE_WEIGHTS[D.PAIN_REHABILITATION_PROGRAM]
            population = [d for d in weights if weights[d]]
            cum: list[int] = []
            total = 0
            for discipline in population:
                total += weights[discipline]
                cum.append(total)
            cached = self.discipline_cum[key] = (population, cum)
        return cached

    def referrals(self, chart: Chart) -> None:
        rng = self.rng
        count = rng.between(1, 9)  # mean 5, whatever the number of patients
        population, cum = self.weights_for(chart)
        disciplines = rng.choices(population, cum_weights=cum, k=count)
        if chart.oud:
            disciplines[0] = D.PAIN_REHABILITATION_PROGRAM
        elif chart.archetype.headache and rng.random() < 0.75:
            disciplines[0] = D.NEUROLOGY_HEADACHE
        if self.current_alert and len(disciplines) > 1:
            disciplines[1] = D.PSYCHIATRY
        for i, discipline in enumerate(disciplines):
            self.referral(chart, discipline, urgent_psych=self.current_alert and i == 1)

    def fitting_asks(self, chart: Chart, discipline: Discipline, day: date) -> list[Ask]:
        """The discipline's texts that fit this chart on ``day`` (clinical/coherence.py)."""
        facts = self.current_facts
        return [
            ask
            for ask, reason in self.archetype_asks(chart.archetype, discipline)
            if not coherence.referral_problems(facts, discipline, day, (reason, ask.question))
        ]

    def archetype_asks(self, archetype: Archetype, discipline: Discipline) -> list[tuple[Ask, str]]:
        """The discipline's texts an archetype may be asked, each with its reason as worded
        for it (worked out once per archetype and discipline)."""
        key = (archetype.name, discipline)
        found = self.asks_cache.get(key)
        if found is None:
            never = tuple(text.lower() for text in archetype.never)
            found = self.asks_cache[key] = [
                (ask, ask.reason.format(condition=archetype.said))
                for ask in REFERRAL_TEXT[discipline]
                # a stimulator trial is not asked for a patient who has one
                if not any(text in ask.question.lower() for text in never)
            ]
        return found

    def referral(self, chart: Chart, discipline: Discipline, *, urgent_psych: bool) -> None:
        rng, sink, today = self.rng, self.sink, self.today
        referral_id = self.next_id("referrals")
        k = self.referral_index
        self.referral_index += 1
        if k < 3 * len(self.states):  # every state appears, even in a tiny database
            state = self.states[k % len(self.states)]
        else:
            state = rng.choices(self.states, cum_weights=self.state_cum)[0]
        discharged = self.current_discharged and state in rules.OPEN_STATES
        if discharged:  # the clinic's discharge ended what was still open
            state = S.CANCELLED
        priority = banded(rng.random(), PRIORITIES, Priority.STAT)
        if urgent_psych:
            priority = Priority.STAT if rng.random() < 0.3 else Priority.URGENT
        path, held_from = referral_path(rng, state)
        reason = None
        if state is S.ON_HOLD:
            reason = rng.pick(HOLD_REASONS)
        elif state is S.DECLINED:
            reason = rng.pick(DECLINE_REASONS)
        elif state is S.CANCELLED:
            reason = (
                "Patient discharged from the clinic." if discharged else rng.pick(CANCEL_REASONS)
            )

        # Dates along the path: open referrals end near today, closed ones anywhere since.
        gaps = [0, *(gap_days(rng, step) for step in path[1:])]
        duration = sum(gaps)
        alert_day = self.current_alert_day if urgent_psych else None
        if alert_day is not None and alert_day + timedelta(days=duration) > today:
            # The self-harm answer came lately: sent the same day, nothing after that yet.
            state, path, held_from, reason, gaps, duration = (
                S.SENT,
                [S.DRAFT, S.SENT],
                None,
                None,
                [0, 0],
                0,
            )
        available = max(0, (today - chart.since).days - duration)
        offset = rng.between(0, min(available, OPEN_OFFSETS.get(state, available)))
        day = max(chart.since, today - timedelta(days=offset + duration))
        if day + timedelta(days=duration) > today:
            day = today - timedelta(days=duration)
        if day < chart.since:  # a short chart (discharged soon after coming): a quicker path
            span = (today - chart.since).days
            gaps = [gap * span // duration for gap in gaps]
            duration = sum(gaps)
            day = chart.since
        if alert_day is not None:  # made after the PHQ-9 that showed it, never before
            day = max(day, alert_day)
        created = day

        facts = self.current_facts
        asks = self.fitting_asks(chart, discipline, created)
        if not asks:  # nothing this discipline could be asked fits the chart yet
            discipline = D.PHYSICAL_THERAPY
            asks = self.fitting_asks(chart, discipline, created)
        ask = rng.pick(asks)
        recipient = rng.pick(self.by_discipline[discipline])
        creator = (
            "therapist"
            if discipline in (D.PSYCHOLOGY, D.PHYSICAL_THERAPY) and rng.random() < 0.3
            else "drlee"
        )
        priority_reason = None
        if priority is not Priority.ROUTINE:
            reasons = [  # the self-harm reason only on the referral made for it
                text
                for text in PRIORITY_REASONS[Priority.STAT if urgent_psych else priority]
                if bool(coherence.SELF_HARM.search(text)) == urgent_psych
                and not coherence.referral_problems(facts, discipline, created, (text,))
            ]
            priority_reason = rng.pick(reasons)
        tried_drugs = ", ".join(chart.drug_names[:3])
        tried = f"{tried_drugs}; {rng.pick(TRIED)}" if tried_drugs else rng.pick(TRIED)
        sensitive = discipline == D.PAIN_REHABILITATION_PROGRAM or (
            discipline in (D.PSYCHIATRY, D.PSYCHOLOGY, D.SOCIAL_WORK) and rng.random() < 0.1
        )
        reached: dict[ReferralState, date] = {}
        for step, gap in zip(path, gaps, strict=True):
            day += timedelta(days=gap)
            reached[step] = day

        sent_on = reached.get(S.SENT)
        sent_via = rng.pick(SEND_METHODS) if sent_on else None
        appointment_due = self.appointment_due(sent_on, priority, discipline) if sent_on else None
        appointment_date: date | None = None
        booked = reached.get(S.SCHEDULED)
        if booked is not None:
            if state is S.SCHEDULED and rng.random() < 0.88:
                ahead = max(today + timedelta(days=1), booked) + timedelta(days=rng.between(0, 30))
                appointment_date = weekday(ahead)
            else:  # a passed appointment with no outcome recorded yet, or held / cancelled
                appointment_date = booked + timedelta(days=rng.between(2, 14))
        seen_on = reached.get(S.SEEN)
        if seen_on is not None:
            appointment_date = seen_on
        report_due = self.report_due(seen_on) if seen_on else None
        received = reached.get(S.REPORT_RECEIVED)
        closed_on = reached.get(state) if state in rules.CLOSED_STATES else None
        due_on = {
            S.SENT: appointment_due,
            S.ACCEPTED: appointment_due,
            S.SCHEDULED: appointment_date,
            S.SEEN: report_due,
        }.get(state)
        hold_review_on = None
        if state is S.ON_HOLD:  # reviews spread from overdue to five weeks ahead
            review_in = HOLD_REVIEW_OFFSETS[referral_id % len(HOLD_REVIEW_OFFSETS)]
            hold_review_on = today + timedelta(days=review_in)
            due_on = hold_review_on

        # Insurance authorisation; denials only where the referral never went ahead.
        outcome = AuthorizationOutcome.NOT_REQUIRED
        roll = rng.random()
        if chart.payer:
            if state is S.ON_HOLD and reason == HOLD_REASONS[0]:
                outcome = AuthorizationOutcome.PENDING
            elif state in (S.DECLINED, S.CANCELLED, S.DRAFT) and roll < 0.15:
                outcome = AuthorizationOutcome.DENIED
                if state is S.CANCELLED and not discharged:
                    reason = "Payer denied authorisation; the patient chose not to appeal."
            elif state in (S.DRAFT, S.SENT, S.ACCEPTED) and roll < 0.3:
                outcome = AuthorizationOutcome.PENDING
            elif roll < 0.6 and state not in (S.DRAFT, S.DECLINED):
                outcome = AuthorizationOutcome.APPROVED
        auth, auth_event = self.authorization(
            chart, referral_id, state, outcome, priority, discipline, recipient, created
        )
        report = state is S.REPORT_RECEIVED and rng.random() < 0.9
        no_report_reason = (
            rng.pick(NO_REPORT_REASONS) if state is S.REPORT_RECEIVED and not report else None
        )

        # History: created, each transition (who, when, why), the payer's decision.
        history: list[tuple[date, int, str, str, str | None, str | None, str | None]] = []
        previous: ReferralState | None = None
        for number, step in enumerate(path):
            when = reached[step]
            minute = 9 * 60 + number * 11
            if step is S.DRAFT:
                history.append((when, minute, creator, "created", None, sv(S.DRAFT), None))
                previous = step
                continue
            who = "frontdesk"
            why: str | None = None
            if step is S.SENT:
                why = f"sent by {sent_via.label.lower() if sent_via else 'fax'}"
            elif step is S.SCHEDULED and appointment_date is not None:
                why = f"appointment on {appointment_date.isoformat()}"
            elif step is S.SEEN:
                why = "visit confirmed by the specialist's office"
            elif step is S.ON_HOLD:
                why = reason if state is S.ON_HOLD else rng.pick(HOLD_REASONS)
            elif step is S.DECLINED:
                why = reason
            elif step is S.CANCELLED:
                why = reason
                who = "drlee" if rng.random() < 0.4 else who
            elif step is S.REPORT_RECEIVED:
                why = "report filed" if report else f"no report: {no_report_reason}"
            history.append(
                (when, minute, who, "transition", sv(previous) if previous else None, sv(step), why)
            )
            previous = step
        if auth_event is not None:
            history.append(auth_event)
        history.sort(key=lambda event: (event[0], event[1]))
        events = sink.rows["referral_events"]
        event_id = self.ids["referral_events"]
        self.ids["referral_events"] += len(history)
        for when, minute, who, kind, from_state, to_state, why in history:
            event_id += 1
            events.append(
                (
                    event_id,
                    referral_id,
                    sink.stamp(when, minute),
                    who,
                    kind,
                    from_state,
                    to_state,
                    why,
                )
            )
        last = history[-1]
        sink.rows["referrals"].append(
            (
                referral_id,
                referral_reference(self.clinic_name, referral_id),  # as the app numbers one
                chart.id,
                self.current_coordinator if creator == "drlee" else self.therapist_member,
                recipient.id,
                sv(discipline),
                sv(priority),
                priority_reason,
                sv(ask.expectation),
                sentence(ask.reason.format(condition=chart.archetype.said)),
                ask.question,
                rng.pick(TOLD),
                tried,
                sensitive,
                sv(state),
                sv(held_from) if held_from else None,
                sink.day(sent_on),
                sv(sent_via) if sent_via else None,
                sink.day(appointment_due),
                sink.day(appointment_date),
                sink.day(seen_on),
                sink.day(report_due),
                sink.day(received),
                no_report_reason,
                sink.day(due_on),
                sink.day(closed_on),
                booked_past_target(appointment_date, appointment_due),
                reason if state is S.ON_HOLD else None,
                sink.day(hold_review_on),
                *auth,
                1,
                sink.stamp(created, 9 * 60),
                sink.stamp(last[0], last[1]),
                last[2],
            )
        )
        if report and received is not None:
            sink.rows["documents"].append(
                (
                    self.next_id("documents"),
                    chart.id,
                    referral_id,
                    sv(DocumentKind.SPECIALIST_REPORT),
                    f"{discipline.label} report",
                    f"report-{referral_id}.pdf",
                    "application/pdf",
                    len(self.pdf),
                    self.pdf_sha,
                    sink.day(received),
                    "frontdesk",
                    sink.stamp(received, 16 * 60),
                    self.pdf,
                    sv(referral_category(discipline, sensitive)),
                )
            )

    def authorization(
        self,
        chart: Chart,
        referral_id: int,
        state: ReferralState,
        outcome: AuthorizationOutcome,
        priority: Priority,
        discipline: Discipline,
        recipient: Member,
        created: date,
    ) -> tuple[
        tuple[Any, ...], tuple[date, int, str, str, str | None, str | None, str | None] | None
    ]:
        """The 14 auth_* column values and the history entry of the payer's answer."""
        rng, sink, today = self.rng, self.sink, self.today
        if outcome is AuthorizationOutcome.NOT_REQUIRED:
            return NO_AUTH, None
        expedited = priority is not Priority.ROUTINE and rng.random() < 0.6
        service = AUTH_SERVICE.get(discipline, f"{discipline.label} consultation")
        if outcome is AuthorizationOutcome.PENDING:  # some beyond the 7-day decision limit
            requested = max(created, today - timedelta(days=rng.between(0, 14)))
        else:
            requested = min(today, created + timedelta(days=rng.between(0, 2)))
        requested_at = sink.stamp(requested, 9 * 60 + 30)
        if outcome is AuthorizationOutcome.PENDING:
            values: tuple[Any, ...] = (
                sv(outcome), chart.payer, chart.member_no, None, None, requested_at,
                expedited, None, None, service, None, 0, None, None,
            )  # fmt: skip
            return values, (requested, 9 * 60 + 30, "frontdesk", "authorization", None, None,
                            "authorisation requested; pending")  # fmt: skip
        decided = min(today, requested + timedelta(days=rng.between(1, 6)))
        event = (decided, 17 * 60, "frontdesk", "authorization", None, None,
                 f"authorisation {outcome.label.lower()}")  # fmt: skip
        if outcome is AuthorizationOutcome.DENIED:
            values = (
                sv(outcome), chart.payer, chart.member_no, None, rng.pick(DENIAL_REASONS),
                requested_at, expedited, sink.day(decided), None, service, None, 0, None, None,
            )  # fmt: skip
            return values, event
        valid_to = decided + timedelta(days=rng.pick((60, 90, 180)))
        course = discipline in COURSE_DISCIPLINES
        visits = rng.pick((6, 8, 10, 12)) if course else rng.pick((1, 2))
        used = rng.between(1, visits) if state in (S.SEEN, S.REPORT_RECEIVED) else 0
        if state in rules.OPEN_STATES:
            if rng.random() < 0.2:  # expiring within the 14-day warning window
                valid_to = max(decided, today + timedelta(days=rng.between(0, 14)))
            elif state is S.SEEN and course and rng.random() < 0.4:  # one visit left
                used = visits - 1
        values = (
            sv(outcome), chart.payer, chart.member_no, f"PA{referral_id:08d}{rng.between(10, 99)}",
            None, requested_at, expedited, sink.day(decided), recipient.display, service,
            visits, used, sink.day(decided), sink.day(valid_to),
        )  # fmt: skip
        return values, event


HOLD_REVIEW_OFFSETS: Final = (-9, 6, 20, 34)
"""A held referral's review date relative to today, by referral id (the first group is
past its review)."""
PRIORITIES: Final = ((0.75, Priority.ROUTINE), (0.9, Priority.URGENT), (0.97, Priority.ASAP))
WALK: Final = (S.DRAFT, S.SENT, S.ACCEPTED, S.SCHEDULED, S.SEEN, S.REPORT_RECEIVED)
NO_AUTH: Final = (sv(AuthorizationOutcome.NOT_REQUIRED), None, None, None, None, None, False,
                  None, None, None, None, 0, None, None)  # fmt: skip
OPEN_OFFSETS: Final[dict[ReferralState, int]] = {
    # How many days ago an open referral's last step may lie: some overdue, most not.
    S.DRAFT: 14,
    S.SENT: 35,
    S.ACCEPTED: 20,
    S.SCHEDULED: 10,
    S.SEEN: 26,
    S.ON_HOLD: 40,
}


def referral_path(
    rng: DemoRandom, state: ReferralState
) -> tuple[list[ReferralState], ReferralState | None]:
    """The states a referral went through to reach ``state``, and what an on-hold one left."""
    if state in WALK:
        return list(WALK[: WALK.index(state) + 1]), None
    if state is S.ON_HOLD:
        held_from = rng.pick((S.SENT, S.ACCEPTED, S.ACCEPTED, S.SCHEDULED))
        return [*WALK[: WALK.index(held_from) + 1], S.ON_HOLD], held_from
    if state is S.DECLINED:
        last = rng.pick((S.SENT, S.SENT, S.ACCEPTED))
        return [*WALK[: WALK.index(last) + 1], S.DECLINED], None
    last = rng.pick((S.DRAFT, S.SENT, S.SENT, S.ACCEPTED, S.SCHEDULED, S.ON_HOLD))
    if last is S.ON_HOLD:
        held_from = rng.pick((S.SENT, S.ACCEPTED))
        return [*WALK[: WALK.index(held_from) + 1], S.ON_HOLD, S.CANCELLED], None
    return [*WALK[: WALK.index(last) + 1], S.CANCELLED], None


SEND_METHODS: Final = (
    SendMethod.FAX,
    SendMethod.FAX,
    SendMethod.PORTAL,
    SendMethod.EMAIL,
    SendMethod.PRINT,
)


GAPS: Final[dict[ReferralState, tuple[int, int]]] = {
    S.SENT: (0, 3),
    S.ACCEPTED: (0, 6),
    S.SCHEDULED: (0, 7),
    S.SEEN: (5, 35),
    S.REPORT_RECEIVED: (2, 30),  # some after the 14-day target
    S.DECLINED: (1, 10),
    S.CANCELLED: (1, 20),
    S.ON_HOLD: (1, 15),
}
"""Days from the previous state to each state along the workflow (lowest, highest)."""


def gap_days(rng: DemoRandom, step: ReferralState) -> int:
    low, high = GAPS[step]
    return rng.between(low, high)
