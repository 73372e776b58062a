"""Clinical archetypes: the presentations demo patients are built from."""

from __future__ import annotations

from typing import Final, NamedTuple

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
}


class Archetype(NamedTuple):
    """A pain presentation: the diagnoses it brings and the drugs and referrals it suggests."""

    name: str
    primary: tuple[str, ...]
    extra: tuple[str, ...]
    weight: int
    drugs: tuple[str, ...]  # keys of NON_OPIOIDS, most fitting first
    headache: bool = False
    spine: bool = False


ARCHETYPES: Final[tuple[Archetype, ...]] = (
    Archetype(
        "chronic low back pain",
        ("M54.50", "M54.51", "M54.59"),
        ("M54.16", "G89.29", "G89.4"),
        26,
        ("naproxen", "meloxicam", "cyclobenzaprine", "duloxetine", "acetaminophen"),
        spine=True,
    ),
    Archetype(
        "lumbar radiculopathy",
        ("M54.16",),
        ("M54.50", "G89.29"),
        10,
        ("gabapentin", "pregabalin", "duloxetine", "naproxen"),
        spine=True,
    ),
    Archetype(
        "post-laminectomy pain",
        ("M96.1",),
        ("M54.16", "G89.4"),
        5,
        ("gabapentin", "duloxetine", "tizanidine"),
        spine=True,
    ),
    Archetype(
        "chronic neck pain",
        ("M54.2",),
        ("G89.29", "G44.209"),
        8,
        ("tizanidine", "ibuprofen", "lidocaine", "amitriptyline"),
    ),
    Archetype(
        "fibromyalgia",
        ("M79.7",),
        ("G89.4",),
        10,
        ("duloxetine", "pregabalin", "amitriptyline", "cyclobenzaprine"),
    ),
    Archetype(
        "migraine",
        ("G43.009", "G43.109", "G43.909"),
        ("G44.209", "M54.2"),
        11,
        ("topiramate", "propranolol", "sumatriptan", "amitriptyline"),
        headache=True,
    ),
    Archetype(
        "tension-type headache",
        ("G44.209", "G44.229"),
        ("M54.2",),
        5,
        ("amitriptyline", "ibuprofen", "acetaminophen"),
        headache=True,
    ),
    Archetype(
        "peripheral neuropathic pain",
        ("G62.9",),
        ("G89.29",),
        6,
        ("gabapentin", "pregabalin", "duloxetine", "lidocaine"),
    ),
    Archetype(
        "complex regional pain syndrome",
        ("G90.50",),
        ("G89.4",),
        3,
        ("gabapentin", "nortriptyline", "naproxen"),
    ),
    Archetype(
        "knee osteoarthritis pain",
        ("M17.0", "M17.11"),
        ("G89.29",),
        8,
        ("diclofenac", "acetaminophen", "meloxicam", "duloxetine"),
    ),
    Archetype(
        "cancer-related pain",
        ("G89.3",),
        ("G89.29",),
        3,
        ("gabapentin", "acetaminophen", "duloxetine"),
    ),
)
ARCHETYPE_CUM: Final = cumulative([a.weight for a in ARCHETYPES])
