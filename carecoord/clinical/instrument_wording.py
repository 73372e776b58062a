"""What the patient reads on each instrument: instructions, item wording and the PHQ-9 /
GAD-7 answer options (docs/clinical-reference.md §4), for the forms and the printouts."""

from __future__ import annotations

from typing import Final

from carecoord.clinical.vocabulary import AssessmentKind

FREQUENCY_RESPONSES: Final = (
    "Not at all",
    "Several days",
    "More than half the days",
    "Nearly every day",
)
"""PHQ-9 / GAD-7 answer options, scored 0-3 in this order."""

INSTRUCTIONS: Final[dict[AssessmentKind, str]] = {
    AssessmentKind.NRS: "Choose one number from 0 (no pain) to 10 (worst pain imaginable).",
    AssessmentKind.PEG: "Choose one number from 0 to 10 for each question.",
    AssessmentKind.PHQ9: (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    AssessmentKind.GAD7: (
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
    AssessmentKind.ORT: "Mark each box that applies.",
}

ITEM_WORDING: Final[dict[AssessmentKind, tuple[str, ...]]] = {
    AssessmentKind.NRS: (
        "On a scale from 0 (no pain) to 10 (worst pain imaginable), what number best "
        "describes your pain?",
    ),
    AssessmentKind.PEG: (
        "What number best describes your pain on average in the past week? "
        "(0 = no pain, 10 = pain as bad as you can imagine)",
        "What number best describes how, during the past week, pain has interfered with "
        "your enjoyment of life? (0 = does not interfere, 10 = completely interferes)",
        "What number best describes how, during the past week, pain has interfered with "
        "your general activity? (0 = does not interfere, 10 = completely interferes)",
    ),
    AssessmentKind.PHQ9: (
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or "
        "your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the "
        "opposite — being so fidgety or restless that you have been moving around a lot "
        "more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    AssessmentKind.GAD7: (
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ),
    AssessmentKind.ORT: (
        "Family history of substance abuse: alcohol",
        "Family history of substance abuse: illegal drugs",
        "Family history of substance abuse: prescription drugs",
        "Personal history of substance abuse: alcohol",
        "Personal history of substance abuse: illegal drugs",
        "Personal history of substance abuse: prescription drugs",
        "Age between 16 and 45",
        "History of preadolescent sexual abuse",
        "Psychological disease: attention deficit disorder, obsessive-compulsive disorder, "
        "bipolar disorder, or schizophrenia",
        "Psychological disease: depression",
    ),
}
"""Standard item wording per instrument, in scoring order (ORT in ``ORT_FIELDS`` order)."""
