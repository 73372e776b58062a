"""A treatment plan as a one-to-two-page PDF for the patient and the team (pure: data in).

Goals with their progress, the timeline drawn as vector graphics (lanes per modality and
referral discipline, bars and diamonds, review and today markers, the PEG/NRS trend on its
own 0–10 axis, :mod:`plan_timeline`) and the activities table. The data is in
:mod:`plan_data`; fonts, tables, letterhead and the "page X of Y" footer are every
letter's (:mod:`layout`, :mod:`pages`).
"""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from carecoord.dates import long_date
from carecoord.letters import pain_drawing
from carecoord.letters.layout import (
    ACCENT,
    FONT_BOLD,
    SMALL,
    _heading,
    _p,
    _pairs,
    _small,
    _style,
    _table,
    letterhead_flowables,
    text,
)
from carecoord.letters.pages import _Footer, page_footer, render_document
from carecoord.letters.plan_data import (
    PlanActivityLine,
    PlanGoalLine,
    PlanPdfData,
    PlanReferralLine,
    PlanScorePoint,
)
from carecoord.letters.plan_timeline import TimelineDrawing

GOALS = "Goals and progress"
TIMELINE = "Timeline"
ACTIVITIES = "Activities"
TEAM = "Care team"
NOTES = "Notes"
NOTICE = (
    "CONFIDENTIAL: this treatment plan holds protected health information for the patient "
    "and their care team. If it reached you in error, please tell {clinic}{phone} and "
    "destroy it; do not copy or forward it."
)
TITLE = _style("plan-title", fontName=FONT_BOLD, fontSize=14, leading=17, textColor=ACCENT)
IMPROVED = _small("improved", fontName=FONT_BOLD)


# --------------------------------------------------------------------------- story
def _summary(data: PlanPdfData, width: float) -> list[Flowable]:
    p = data.patient
    pairs = [
        ("Patient", "<b>" + text(p.name) + "</b>"),
        ("Date of birth", long_date(p.date_of_birth)),
        ("MRN", text(p.mrn)),
        ("Plan status", "<b>" + text(data.status) + "</b>"),
        ("Started", long_date(data.started_on)),
        ("Review", long_date(data.review_on) or "not set"),
        ("Prepared by", text(data.prepared_by)),
        ("Printed", long_date(data.printed_on)),
    ]
    if data.opioid_load is not None:
        pairs.append(("Daily opioid load", "<b>" + text(data.opioid_load) + "</b>"))
    if data.allergies is not None:
        pairs.append(("Allergies", "<b>" + text(data.allergies) + "</b>"))
    return [
        Spacer(1, 6),
        _p("Treatment plan: " + text(data.title), TITLE),
        Spacer(1, 3),
        _pairs(pairs, width),
    ]


def _goals(data: PlanPdfData, width: float) -> list[Flowable]:
    if not data.goals:
        return [*_heading(GOALS), _p("No goals set yet.", SMALL)]
    rows = []
    for g in data.goals:
        arrow = " → ".join(v for v in (g.baseline or "–", g.target or "–"))
        progress = text(g.progress)
        if g.level == "improved":
            progress = "<b>" + progress + "</b>"
        elif g.level == "worse":
            progress = "<b><i>" + progress + "</i></b>"
        rows.append(
            [
                "<b>" + text(g.axis) + "</b>",
                text(g.description),
                text(g.measure),
                arrow,
                text(g.latest),
                progress,
                g.review_on.isoformat() if g.review_on else "",
            ]
        )
    header = ("Axis", "Goal", "Measure", "Baseline → target", "Latest", "Progress", "Review")
    widths = (0.105, 0.19, 0.11, 0.1, 0.125, 0.255, 0.115)
    return [*_heading(GOALS), _table(header, rows, widths, width)]


def _timeline(data: PlanPdfData, width: float) -> list[Flowable]:
    drawing = TimelineDrawing(data, width).drawing()
    return [*_heading(TIMELINE), drawing]


def _activities(data: PlanPdfData, width: float) -> list[Flowable]:
    if not data.activities:
        return [*_heading(ACTIVITIES), _p("No activities planned yet.", SMALL)]
    rows = []
    for a in sorted(data.activities, key=lambda a: (a.start_on, a.modality_index)):
        status = text(a.status)
        if a.stop_reason:
            status += ": " + text(a.stop_reason)
        end = "one day" if a.procedure else a.end_on.isoformat() if a.end_on else "open"
        rows.append(
            [
                text(a.modality),
                text(a.description),
                text(a.responsible) or "not assigned",
                a.start_on.isoformat(),
                end,
                text(a.sessions),
                status,
            ]
        )
    header = ("Modality", "Activity", "Responsible", "Start", "End", "Sessions", "Status")
    widths = (0.15, 0.21, 0.16, 0.115, 0.115, 0.11, 0.14)
    return [*_heading(ACTIVITIES), _table(header, rows, widths, width)]


def _team(data: PlanPdfData, width: float) -> list[Flowable]:
    if not data.care_team:
        return []
    return [*_heading(TEAM), _pairs([(role, text(name)) for role, name in data.care_team], width)]


def story(data: PlanPdfData, width: float) -> list[Flowable]:
    """The plan's flowables: letterhead, summary, goals, timeline, activities, team, notes."""
    out: list[Flowable] = list(letterhead_flowables(data.letterhead, width))
    out += _summary(data, width)
    out += _goals(data, width)
    out += [KeepTogether(_timeline(data, width))]
    out += _activities(data, width)
    if data.pain_drawing is not None:
        out += pain_drawing.flowables(data.pain_drawing, width)
    out += _team(data, width)
    if data.notes:
        out += [*_heading(NOTES), _p(text(data.notes), SMALL)]
    return out


def _footer(data: PlanPdfData) -> _Footer:
    return page_footer(data.patient, data.letterhead, NOTICE, " · treatment plan")


def render_plan(data: PlanPdfData) -> bytes:
    """Render the plan summary as PDF bytes.

    Args:
        data: The plan, its goals with progress, activities, referrals and scores.

    Returns:
        The PDF (Letter or A4 as ``data.paper_size`` says), usually one or two pages.

    Raises:
        ValueError: An unknown paper size.
    """
    return render_document(
        data,
        story,
        _footer(data),
        title=f"Treatment plan: {data.title}",
        subject="Treatment plan",
        top_margin=1.4 * cm,
    )


__all__ = [
    "PlanActivityLine",
    "PlanGoalLine",
    "PlanPdfData",
    "PlanReferralLine",
    "PlanScorePoint",
    "TimelineDrawing",
    "render_plan",
]
