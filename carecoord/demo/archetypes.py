"""Clinical archetypes: the presentations demo patients are built from.

Each archetype decides what a clinician would expect to go together: its diagnoses, how
likely its patients are to be on opioids (with an opioid use disorder, depressed,
anxious), the drugs that fit it, the course of its pain scores, the plan activities it
favours or never gets, and the referrals it calls for. The builder's steps still check
every text against the chart with ``carecoord.clinical.coherence`` before writing it.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, NamedTuple

from carecoord.clinical.vocabulary import Discipline
from carecoord.demo.common import cumulative

ICD: Final[dict[str, str]] = {
    # Titles as in the ICD-10-CM code set (checked against simple-icd-10-cm in the tests).
    "G89.29": "Other chronic pain",
    "G89.4": "Chronic pain syndrome",
    "G89.3": "Neoplasm related pain (acute) (chronic)",
    "M54.50": "Low back pain, unspecified",
    "M54.51": "Vertebrogenic low back pain",
    "M54.59": "Other low back pain",
    "M54.16": "Radiculopathy, lumbar region",
    "M54.2": "Cervicalgia",
    "M79.7": "Fibromyalgia",
    "G43.009": "Migraine without aura, not intractable, without status migrainosus",
    "G43.109": "Migraine with aura, not intractable, without status migrainosus",
    "G43.909": "Migraine, unspecified, not intractable, without status migrainosus",
    "G44.209": "Tension-type headache, unspecified, not intractable",
    "G44.229": "Chronic tension-type headache, not intractable",
    "G62.9": "Polyneuropathy, unspecified",
    "G90.50": "Complex regional pain syndrome I, unspecified",
    "M96.1": "Postlaminectomy syndrome, not elsewhere classified",
    "M17.0": "Bilateral primary osteoarthritis of knee",
    "M17.11": "Unilateral primary osteoarthritis, right knee",
    "F11.20": "Opioid dependence, uncomplicated",
    "Z79.891": "Long term (current) use of opiate analgesic",
    "F32.A": "Depression, unspecified",
    "F41.1": "Generalized anxiety disorder",
    "E11.42": "Type 2 diabetes mellitus with diabetic polyneuropathy",
    "G43.709": "Chronic migraine without aura, not intractable, without status migrainosus",
    "G44.40": "Drug-induced headache, not elsewhere classified, not intractable",
    "Z96.89": "Presence of other specified functional implants",
}


NO_WEIGHTS: Final[MappingProxyType[Discipline, int]] = MappingProxyType({})


class Archetype(NamedTuple):
    """A pain presentation and everything it decides about a demo patient."""

    name: str
    """What the clinic calls it; plan titles and referral reasons quote it."""
    primary: tuple[str, ...]
    """ICD-10-CM codes, one of which is the patient's main diagnosis."""
    extra: tuple[str, ...]
    """Codes a patient may have beside it (each with a 40 % chance)."""
    weight: int
    """Relative share of the clinic's patients."""
    drugs: tuple[str, ...]
    """Keys of ``catalogue.NON_OPIOIDS`` that fit it, most fitting first."""
    headache: bool = False
    spine: bool = False
    opioid: float = 0.4
    """Share of its patients on an opioid."""
    oud: float = 0.15
    """Share of those with an opioid use disorder, treated with buprenorphine/naloxone."""
    depressed: float = 0.25
    anxious: float = 0.2
    always: tuple[str, ...] = ()
    """Codes every patient of the archetype has (the implant of a stimulator patient)."""
    course: tuple[int, int, int] = (55, 25, 20)
    """Weights of the pain course over the year: clearly better, a little, not better."""
    activities: tuple[str, ...] = ()
    """Plan activities (``texts.ACTIVITIES`` descriptions) it favours where they fit."""
    never: tuple[str, ...] = ()
    """Activities that make no sense for it (a stimulator trial for a stimulator patient)."""
    referrals: MappingProxyType[Discipline, int] = NO_WEIGHTS
    """Referral weights that replace ``texts.BASE_WEIGHTS`` for it."""
    overuse: bool = False
    """Headache with medication overuse: acute medication on 15 or more days a month."""
    condition: str = ""
    """The condition as plan titles and referral reasons word it (default: the name)."""

    @property
    def said(self) -> str:
        """The condition as the chart words it: no depression in the title of a patient
        without one, no treatment in a referral's reason."""
        return self.condition or self.name


def _weights(**weights: int) -> MappingProxyType[Discipline, int]:
    return MappingProxyType({Discipline[name.upper()]: weight for name, weight in weights.items()})


ARCHETYPES: Final[tuple[Archetype, ...]] = (
    Archetype(
        "chronic low back pain with radiculopathy on an opioid taper",
        ("M54.16",),
        ("M54.50", "G89.29"),
        12,
        ("gabapentin", "duloxetine", "naproxen", "acetaminophen"),
        spine=True,
        opioid=0.95,
        oud=0.0,
        course=(40, 35, 25),
        activities=(
            "Opioid taper by 10 % a month",
            "Lumbar epidural steroid injection",
            "Core stabilisation and home exercise programme",
            "Naloxone and safe opioid storage teaching",
        ),
        referrals=_weights(anesthesiology=14, neurosurgery=6, pain_rehabilitation_program=6),
        condition="chronic low back pain with radiculopathy",
    ),
    Archetype(
        "chronic low back pain",
        ("M54.50", "M54.51", "M54.59"),
        ("G89.29", "G89.4"),
        18,
        ("naproxen", "meloxicam", "cyclobenzaprine", "duloxetine", "acetaminophen"),
        spine=True,
        opioid=0.25,
        oud=0.1,
        activities=(
            "Medial branch blocks, then radiofrequency ablation",
            "Graded activity programme, twice weekly",
            "CBT for chronic pain",
        ),
        referrals=_weights(anesthesiology=14, physical_therapy=20),
    ),
    Archetype(
        "post-laminectomy syndrome with a spinal cord stimulator",
        ("M96.1",),
        ("M54.16", "G89.4"),
        5,
        ("gabapentin", "duloxetine", "tizanidine"),
        spine=True,
        opioid=0.5,
        oud=0.05,
        always=("Z96.89",),
        course=(30, 40, 30),
        activities=(
            "Spinal cord stimulator reprogramming and review",
            "Aquatic therapy",
            "Pain neuroscience education",
        ),
        never=("Spinal cord stimulator trial", "Lumbar epidural steroid injection"),
        referrals=_weights(anesthesiology=12, neurosurgery=8),
        condition="post-laminectomy syndrome",
    ),
    Archetype(
        "opioid use disorder with chronic back pain, on buprenorphine",
        ("M54.50", "M54.59"),
        ("G89.4",),
        5,
        ("acetaminophen", "naproxen", "duloxetine"),
        spine=True,
        opioid=1.0,
        oud=1.0,
        depressed=0.4,
        anxious=0.3,
        course=(35, 40, 25),
        activities=(
            "Buprenorphine/naloxone maintenance with monthly review",
            "Naloxone and safe opioid storage teaching",
            "Acceptance and commitment therapy group",
        ),
        never=("Opioid taper by 10 % a month",),
        referrals=_weights(pain_rehabilitation_program=12, psychology=14, social_work=8),
        condition="chronic low back pain",
    ),
    Archetype(
        "chronic neck pain",
        ("M54.2",),
        ("G89.29", "G44.209"),
        7,
        ("tizanidine", "ibuprofen", "lidocaine", "amitriptyline"),
        opioid=0.2,
    ),
    Archetype(
        "fibromyalgia with depression",
        ("M79.7",),
        ("G89.4",),
        10,
        ("duloxetine", "pregabalin", "amitriptyline", "cyclobenzaprine"),
        opioid=0.1,
        oud=0.05,
        depressed=0.7,
        anxious=0.3,
        course=(35, 35, 30),
        activities=(
            "Graded activity programme, twice weekly",
            "Aquatic therapy",
            "CBT for chronic pain",
            "Sleep and pacing workshop",
        ),
        referrals=_weights(psychology=18, psychiatry=12, physical_therapy=16),
        condition="fibromyalgia",
    ),
    Archetype(
        "chronic migraine with medication overuse",
        ("G43.709",),
        ("M54.2",),
        6,
        ("topiramate", "propranolol", "amitriptyline", "sumatriptan"),
        headache=True,
        opioid=0.05,
        oud=0.0,
        depressed=0.3,
        always=("G44.40",),
        overuse=True,
        activities=(
            "Withdrawal of the overused acute medication with a headache diary",
            "Occipital nerve block",
            "Relaxation training and biofeedback",
        ),
        referrals=_weights(neurology_headache=26, psychology=10),
        condition="chronic migraine",
    ),
    Archetype(
        "migraine",
        ("G43.009", "G43.109", "G43.909"),
        ("G44.209", "M54.2"),
        7,
        ("topiramate", "propranolol", "sumatriptan", "amitriptyline"),
        headache=True,
        opioid=0.05,
        oud=0.0,
    ),
    Archetype(
        "tension-type headache",
        ("G44.209", "G44.229"),
        ("M54.2",),
        4,
        ("amitriptyline", "ibuprofen", "acetaminophen"),
        headache=True,
        opioid=0.05,
        oud=0.0,
    ),
    Archetype(
        "painful diabetic neuropathy",
        ("E11.42",),
        ("G89.29",),
        6,
        ("pregabalin", "duloxetine", "gabapentin", "lidocaine"),
        opioid=0.2,
        oud=0.05,
        activities=("Nerve conduction study", "Foot care and activity education"),
        referrals=_weights(internal_medicine=12, neurology_headache=6),
    ),
    Archetype(
        "peripheral neuropathic pain",
        ("G62.9",),
        ("G89.29",),
        3,
        ("gabapentin", "pregabalin", "duloxetine", "lidocaine"),
        opioid=0.25,
    ),
    Archetype(
        "complex regional pain syndrome",
        ("G90.50",),
        ("G89.4",),
        4,
        ("gabapentin", "nortriptyline", "naproxen"),
        opioid=0.3,
        oud=0.05,
        course=(30, 40, 30),
        activities=(
            "Graded motor imagery and mirror therapy",
            "Sympathetic nerve block",
            "Pain neuroscience education",
        ),
        referrals=_weights(physical_therapy=18, anesthesiology=12, psychology=12),
    ),
    Archetype(
        "knee osteoarthritis pain",
        ("M17.0", "M17.11"),
        ("G89.29",),
        9,
        ("diclofenac", "acetaminophen", "meloxicam", "duloxetine"),
        opioid=0.3,
        oud=0.05,
        activities=("Genicular nerve block", "Aquatic therapy"),
        referrals=_weights(other_specialist=10, physical_therapy=20),
    ),
    Archetype(
        "cancer-related pain",
        ("G89.3",),
        ("G89.29",),
        4,
        ("gabapentin", "acetaminophen", "duloxetine"),
        opioid=0.85,
        oud=0.0,
        depressed=0.35,
        course=(30, 30, 40),
        activities=("Review of the analgesic regimen and its side effects",),
        never=("Opioid taper by 10 % a month",),
        referrals=_weights(psychology=14, social_work=10, internal_medicine=8),
    ),
)
"""The clinic's case mix; the weights add up to 100."""
ARCHETYPE_CUM: Final = cumulative([a.weight for a in ARCHETYPES])
