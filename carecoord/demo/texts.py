"""What demo referrals, plans and histories say: reasons, questions, activities."""

from __future__ import annotations

from typing import Final, NamedTuple

from carecoord.clinical.vocabulary import (
    Discipline,
    Expectation,
    Modality,
    Priority,
)

E = Expectation

D = Discipline


class Ask(NamedTuple):
    reason: str
    question: str
    expectation: Expectation


REFERRAL_TEXT: Final[dict[Discipline, tuple[Ask, ...]]] = {
    D.PAIN_MEDICINE: (
        Ask(
            "Second opinion on the management of {condition}.",
            "Would you review the current regimen and suggest changes?",
            E.ADVICE,
        ),
    ),
    D.PHYSICAL_REHABILITATION: (
        Ask(
            "Functional decline from {condition}; needs a rehabilitation assessment.",
            "Which functional goals are realistic, and which rehabilitation programme fits?",
            E.DIAGNOSIS,
        ),
        Ask(
            "Shared rehabilitation care for {condition} with loss of work capacity.",
            "Please lead the rehabilitation plan; we keep medication management.",
            E.SHARED_CARE,
        ),
    ),
    D.PSYCHIATRY: (
        Ask(
            "Low mood and anxiety complicating {condition}.",
            "Please assess mood and advise on psychotropics compatible with the pain regimen.",
            E.SHARED_CARE,
        ),
        Ask(
            "Low mood complicating {condition}.",
            "Please assess mood and advise on psychotropics compatible with the pain regimen.",
            E.SHARED_CARE,
        ),
        Ask(
            "Generalised anxiety complicating {condition}.",
            "Please assess the anxiety and advise on treatment compatible with the pain regimen.",
            E.SHARED_CARE,
        ),
        Ask(
            "Thoughts of self-harm on PHQ-9 item 9 in a patient with {condition}.",
            "Please see the patient for a same-day safety assessment and advise on follow-up.",
            E.ADVICE,
        ),
        Ask(
            "Positive PHQ-9 screen in a patient with {condition}.",
            "Is there a depressive disorder needing treatment, and is the antidepressant adequate?",
            E.ADVICE,
        ),
        Ask(
            "Positive PHQ-9 screen in a patient with {condition}.",
            "Is there a depressive disorder needing treatment?",
            E.ADVICE,
        ),
    ),
    D.NEUROLOGY_HEADACHE: (
        Ask(
            "Frequent headaches despite preventive treatment.",
            "Please confirm the headache diagnosis and advise on prevention and medication "
            "overuse.",
            E.DIAGNOSIS,
        ),
        Ask(
            "Frequent headaches; no preventive treatment yet.",
            "Please confirm the headache diagnosis and advise on starting prevention and on "
            "medication overuse.",
            E.DIAGNOSIS,
        ),
        Ask(
            "Numbness and burning with {condition}.",
            "Is nerve conduction testing indicated, and is there a treatable neuropathy?",
            E.DIAGNOSIS,
        ),
    ),
    D.ANESTHESIOLOGY: (
        Ask(
            "{condition} not controlled with conservative care.",
            "Is the patient a candidate for an epidural steroid injection or radiofrequency "
            "ablation?",
            E.TREATMENT,
        ),
        Ask(
            "{condition} not controlled with conservative care.",
            "Is the patient a candidate for an image-guided injection or another interventional "
            "procedure?",
            E.TREATMENT,
        ),
    ),
    D.NEUROSURGERY: (
        Ask(
            "Persistent radicular pain with imaging findings.",
            "Is there a surgical option, or is a spinal cord stimulator trial worth considering?",
            E.ADVICE,
        ),
        Ask(
            "{condition} with structural findings on imaging.",
            "Is there a surgical option?",
            E.ADVICE,
        ),
    ),
    D.INTERNAL_MEDICINE: (
        Ask(
            "Medical conditions affecting the treatment of {condition}.",
            "Please optimise blood pressure and renal function before NSAID or opioid changes.",
            E.ADVICE,
        ),
        Ask(
            "Medical conditions affecting the treatment of {condition}.",
            "Please review blood pressure, renal and liver function before medication changes.",
            E.ADVICE,
        ),
    ),
    D.PHYSICAL_THERAPY: (
        Ask(
            "{condition} with deconditioning.",
            "Please evaluate and treat: graded activity, strengthening and a home programme.",
            E.TREATMENT,
        ),
    ),
    D.PSYCHOLOGY: (
        Ask(
            "Pain-related distress and avoidance with {condition}.",
            "Please provide CBT for chronic pain (8 sessions) focused on pacing and coping.",
            E.TREATMENT,
        ),
    ),
    D.SOCIAL_WORK: (
        Ask(
            "Financial and housing stress affecting attendance and adherence.",
            "Please help with disability benefits and transport to appointments.",
            E.TREATMENT,
        ),
    ),
    D.OCCUPATIONAL_HEALTH: (
        Ask(
            "Return to work after a long absence due to {condition}.",
            "What work restrictions and graded return plan do you advise?",
            E.ADVICE,
        ),
    ),
    D.COMPLEMENTARY_MEDICINE: (
        Ask(
            "Patient asks for non-drug options for {condition}.",
            "Please give a course of acupuncture or chiropractic care (6 sessions) and report "
            "the effect on the PEG score.",
            E.TREATMENT,
        ),
    ),
    D.PAIN_REHABILITATION_PROGRAM: (
        Ask(  # the chart's F11: tapering is not the aim, treatment of the disorder is
            "Opioid use disorder in the setting of {condition}.",
            "Please evaluate for the interdisciplinary programme alongside the treatment of "
            "the opioid use disorder.",
            E.TRANSFER,
        ),
        Ask(
            "Long-term opioid therapy with limited benefit for {condition}.",
            "Please evaluate for the interdisciplinary programme with supervised opioid tapering.",
            E.TRANSFER,
        ),
        Ask(
            "Persistent disability from {condition} despite multimodal care.",
            "Please evaluate for the interdisciplinary pain rehabilitation programme.",
            E.TRANSFER,
        ),
    ),
    D.OTHER_SPECIALIST: (
        Ask(
            "Joint pain and morning stiffness alongside {condition}.",
            "Is there an inflammatory or structural cause that needs specialist treatment?",
            E.DIAGNOSIS,
        ),
        Ask(
            "Poor sleep worsening {condition}.",
            "Is there a sleep disorder, and does it bear on the opioid or sedative regimen?",
            E.ADVICE,
        ),
        Ask(
            "Poor sleep worsening {condition}.",
            "Is there a sleep disorder, such as sleep apnoea, that needs treatment?",
            E.ADVICE,
        ),
    ),
}

AUTH_SERVICE: Final[dict[Discipline, str]] = {
    D.PHYSICAL_THERAPY: "Physical therapy evaluation and treatment",
    D.PSYCHOLOGY: "Psychotherapy for chronic pain",
    D.COMPLEMENTARY_MEDICINE: "Acupuncture / chiropractic visits",
    D.ANESTHESIOLOGY: "Interventional pain procedure",
    D.PAIN_REHABILITATION_PROGRAM: "Interdisciplinary pain rehabilitation program",
    D.NEUROSURGERY: "Neurosurgical consultation",
}
COURSE_DISCIPLINES: Final = frozenset(
    {D.PHYSICAL_THERAPY, D.PSYCHOLOGY, D.COMPLEMENTARY_MEDICINE, D.SOCIAL_WORK}
)

BASE_WEIGHTS: Final[dict[Discipline, int]] = {
    D.PHYSICAL_THERAPY: 16,
    D.PSYCHOLOGY: 12,
    D.PHYSICAL_REHABILITATION: 10,
    D.PSYCHIATRY: 8,
    D.ANESTHESIOLOGY: 10,
    D.NEUROLOGY_HEADACHE: 4,
    D.NEUROSURGERY: 3,
    D.INTERNAL_MEDICINE: 5,
    D.SOCIAL_WORK: 5,
    D.OCCUPATIONAL_HEALTH: 4,
    D.COMPLEMENTARY_MEDICINE: 7,
    D.PAIN_REHABILITATION_PROGRAM: 1,
    D.OTHER_SPECIALIST: 5,
    D.PAIN_MEDICINE: 2,
}

PRIORITY_REASONS: Final[dict[Priority, tuple[str, ...]]] = {
    Priority.URGENT: (
        "Rapidly worsening pain with loss of function.",
        "Pain flare threatening the patient's job.",
        "Escalating opioid use; needs review before the next refill.",
    ),
    Priority.ASAP: (
        "Severe pain limiting sleep and self-care.",
        "New weakness reported since the last visit.",
    ),
    Priority.STAT: (
        "Thoughts of self-harm reported on PHQ-9 item 9.",
        "Sudden worsening with new neurological signs.",
    ),
}
TOLD: Final = (
    "The patient knows why they are being referred and agrees.",
    "Told to expect a call from the specialist's office within two weeks.",
    "Told the aim is better function, not a cure.",
    "The patient is anxious about the visit and was reassured.",
    None,
)
TRIED: Final = (
    "six weeks of physical therapy with partial benefit",
    "home exercise programme, limited adherence",
    "TENS without benefit",
    "two epidural steroid injections, about three weeks of relief each",
    "CBT workbook with some benefit",
    "heat, stretching and pacing advice",
)
HOLD_REASONS: Final = (
    "Awaiting insurance authorisation.",
    "Patient admitted to hospital.",
    "Patient travelling until next month.",
    "Patient asked to wait until after a family event.",
)
DECLINE_REASONS: Final = (
    "Not accepting new patients until next quarter.",
    "Out of network for the patient's insurance.",
    "Outside our scope; please refer to a subspecialist.",
    "Duplicate referral: the patient is already under our care.",
)
CANCEL_REASONS: Final = (
    "Symptoms improved; referral no longer needed.",
    "Patient moved out of the area.",
    "Patient declined the referral.",
    "Referred to another provider closer to home.",
)
DENIAL_REASONS: Final = (
    "Not medically necessary under the payer's criteria.",
    "Out-of-network provider.",
    "Step therapy required: six weeks of physical therapy first.",
)
NO_REPORT_REASONS: Final = (
    "Specialist gave the findings by phone; documented in a chart note.",
    "Specialist's office closed; report unobtainable after three requests.",
)
DISCHARGE_REASONS: Final = (
    "Goals met; care returned to the primary care physician.",
    "Moved out of the area.",
    "Patient chose to end treatment.",
)
TRIGGERS: Final = (
    "stress, poor sleep",
    "bright light, skipped meals",
    "menstruation, red wine",
    "weather changes, screen time",
    "neck strain, long drives",
)

ACTIVITIES: Final[dict[Modality, tuple[tuple[str, tuple[int, int] | None], ...]]] = {
    Modality.MEDICATION: (
        ("Titrate neuropathic agent to effect", None),
        ("Opioid taper by 10 % a month", None),
        ("Trial of topical lidocaine", None),
        ("Review of the analgesic regimen and its side effects", None),
        ("Buprenorphine/naloxone maintenance with monthly review", None),
        ("Withdrawal of the overused acute medication with a headache diary", None),
    ),
    Modality.INTERVENTIONAL: (
        ("Lumbar epidural steroid injection", (1, 2)),
        ("Medial branch blocks, then radiofrequency ablation", (2, 3)),
        ("Occipital nerve block", (1, 2)),
        ("Spinal cord stimulator trial", (1, 1)),
        ("Spinal cord stimulator reprogramming and review", (1, 2)),
        ("Genicular nerve block", (1, 2)),
        ("Trigger point injections", (2, 4)),
        ("Sympathetic nerve block", (1, 3)),
    ),
    Modality.PHYSICAL_THERAPY: (
        ("Graded activity programme, twice weekly", (8, 12)),
        ("Aquatic therapy", (6, 10)),
        ("Core stabilisation and home exercise programme", (6, 12)),
        ("Graded motor imagery and mirror therapy", (6, 10)),
    ),
    Modality.PSYCHOLOGICAL: (
        ("CBT for chronic pain", (8, 10)),
        ("Relaxation training and biofeedback", (4, 6)),
        ("Acceptance and commitment therapy group", (6, 8)),
    ),
    Modality.COMPLEMENTARY: (
        ("Acupuncture", (6, 8)),
        ("Chiropractic care", (4, 6)),
        ("Therapeutic massage", (4, 6)),
    ),
    Modality.DIAGNOSTICS: (
        ("MRI of the lumbar spine", (1, 1)),
        ("Nerve conduction study", (1, 1)),
        ("Baseline renal and liver function tests", (1, 1)),
        ("Diagnostic medial branch block", (1, 1)),
    ),
    Modality.EDUCATION: (
        ("Pain neuroscience education", (1, 3)),
        ("Sleep and pacing workshop", (2, 4)),
        ("Naloxone and safe opioid storage teaching", (1, 1)),
        ("Foot care and activity education", (1, 2)),
    ),
}
ARCHETYPE_ONLY: Final = frozenset(
    {
        "Buprenorphine/naloxone maintenance with monthly review",
        "Withdrawal of the overused acute medication with a headache diary",
        "Spinal cord stimulator reprogramming and review",
        "Graded motor imagery and mirror therapy",
        "Foot care and activity education",
    }
)
"""Activities only the archetypes that name them get (``Archetype.activities``)."""
MODALITY_OF: Final[dict[str, Modality]] = {
    description: modality for modality, options in ACTIVITIES.items() for description, _ in options
}
ACTIVITY_DISCIPLINES: Final[dict[Modality, tuple[Discipline, ...]]] = {
    Modality.MEDICATION: (),  # the coordinating physician
    Modality.INTERVENTIONAL: (D.ANESTHESIOLOGY, D.PAIN_MEDICINE),
    Modality.PHYSICAL_THERAPY: (D.PHYSICAL_THERAPY,),
    Modality.PSYCHOLOGICAL: (D.PSYCHOLOGY,),
    Modality.COMPLEMENTARY: (D.COMPLEMENTARY_MEDICINE,),
    Modality.DIAGNOSTICS: (D.INTERNAL_MEDICINE,),
    Modality.EDUCATION: (D.SOCIAL_WORK, D.PSYCHOLOGY, D.PHYSICAL_THERAPY),
}
STOP_REASONS: Final = (
    "No benefit after several sessions.",
    "Patient declined further sessions.",
    "Insurance visits exhausted.",
    "Side effects: dizziness and nausea.",
)
MODALITIES: Final = tuple(Modality)
MODALITY_WEIGHTS: Final = (14, 10, 16, 12, 8, 6, 8)
