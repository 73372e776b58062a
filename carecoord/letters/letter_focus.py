"""The referral letter's discipline focus blocks (rehabilitation, psychiatry, headache), the
plan of treatment and the outcome-score table, each in its tinted box."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import (
    Flowable,
    Table,
)

from carecoord.letters.data import (
    HeadacheEmphasis,
    PlanOfTreatment,
    PsychiatryEmphasis,
    RehabilitationEmphasis,
    ScoreLine,
)
from carecoord.letters.layout import (
    BOX_PADDING,
    SUBHEADING,
    DateFormatter,
    _boxed,
    _heading,
    _join,
    _p,
    _pairs,
    _table,
    flag_markup,
    number,
    text,
)
from carecoord.letters.letter_headings import (
    HEADACHE,
    NONE_RECORDED,
    PLAN,
    PSYCHIATRY,
    REHABILITATION,
)


def _scores_table(scores: Sequence[ScoreLine], width: float, fmt: DateFormatter) -> Table:
    rows = []
    for s in scores:
        interpretation = text(s.interpretation)
        if s.flag:
            interpretation += "<br/>" + flag_markup(s.flag)
        rows.append([text(s.instrument), fmt(s.taken_on), text(s.score), interpretation])
    return _table(
        ("Instrument", "Date", "Score", "Interpretation"), rows, (0.22, 0.2, 0.13, 0.45), width
    )


def _rehabilitation(block: RehabilitationEmphasis, width: float) -> list[Flowable]:
    inner: list[Flowable] = [_p("<b>Functional limits</b>")]
    if block.functional_limits:
        inner += [_p("• " + text(line)) for line in block.functional_limits]
    else:
        inner.append(_p(NONE_RECORDED))
    return [*_heading(REHABILITATION), _boxed(inner, width)]


def _plan(plan: PlanOfTreatment, width: float, fmt: DateFormatter) -> list[Flowable]:
    title = text(plan.title) if plan.title else "Active treatment plan"
    review = f" · review {fmt(plan.review_on)}" if plan.review_on else ""
    out: list[Flowable] = [*_heading(PLAN), _p(f"<b>{title}</b>{review}")]
    out.append(_p("<b>Goals</b>", SUBHEADING))
    if plan.goals:
        rows = [
            [
                text(g.axis),
                text(g.description),
                text(g.measure),
                _join([number(g.baseline), number(g.target)], " → "),
                fmt(g.review_on),
            ]
            for g in plan.goals
        ]
        out.append(
            _table(
                ("Axis", "Goal", "Measure", "Baseline → target", "Review"),
                rows,
                (0.15, 0.37, 0.15, 0.16, 0.17),
                width,
            )
        )
    else:
        out.append(_p("No goals recorded on the active plan."))
    out.append(_p("<b>Activities</b>", SUBHEADING))
    if plan.activities:
        rows = [
            [
                text(a.modality),
                text(a.description)
                + (f"<br/><i>{text(a.responsible)}</i>" if a.responsible else ""),
                text(a.status) + (f"<br/>{text(a.sessions)}" if a.sessions else ""),
                _join([fmt(a.start_on), fmt(a.end_on)], " to "),
            ]
            for a in plan.activities
        ]
        out.append(
            _table(
                ("Modality", "Activity", "Status", "Dates"),
                rows,
                (0.19, 0.37, 0.19, 0.25),
                width,
            )
        )
    else:
        out.append(_p("No activities recorded on the active plan."))
    return out


def _psychiatry(block: PsychiatryEmphasis, width: float, fmt: DateFormatter) -> list[Flowable]:
    inner: list[Flowable] = [_p("<b>Mood scores</b>")]
    if block.mood_scores:
        inner.append(_scores_table(block.mood_scores, width - 2 * BOX_PADDING, fmt))
    else:
        inner.append(_p("None among the scores included."))
    inner.append(_p("<b>Risk flags</b>"))
    if block.risk_flags:
        inner += [_p("• " + flag_markup(flag)) for flag in block.risk_flags]
    else:
        inner.append(_p("None among the scores included."))
    inner.append(_p("<b>Current psychotropics</b>"))
    if block.psychotropics:
        inner += [
            _p("• " + text(_join([m.drug, m.dose, m.frequency, m.route], ", ")))
            for m in block.psychotropics
        ]
    else:
        inner.append(_p("None among the medications included."))
    return [*_heading(PSYCHIATRY), _boxed(inner, width)]


def _headache(block: HeadacheEmphasis, width: float) -> list[Flowable]:
    overuse = text(block.overuse_risk)
    if block.overuse_risk.lower() in ("possible", "likely"):
        overuse = flag_markup(block.overuse_risk)
    pairs = [
        ("ICHD-3 type", text(block.headache_type + (" with aura" if block.with_aura else ""))),
        ("Attacks / month", str(block.attacks_per_month)),
        ("Headache days / month", str(block.headache_days_per_month)),
        ("Acute-medication days / month", str(block.acute_medication_days_per_month)),
        ("Medication-overuse risk", overuse),
        ("Triggers", text(block.triggers) or "none recorded"),
    ]
    return [*_heading(HEADACHE), _boxed([_pairs(pairs, width - 2 * BOX_PADDING, 1)], width)]
