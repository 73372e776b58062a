"""The drugs, opioid-safety showcases and allergies demo charts are made of."""

from __future__ import annotations

from typing import Final, NamedTuple

from carecoord.clinical import mme
from carecoord.clinical.vocabulary import (
    AllergySeverity,
)
from carecoord.demo.common import cumulative


class Drug(NamedTuple):
    drug: str
    doses: tuple[float, ...]
    unit: str
    frequency: str
    route: str
    psychotropic: bool = False
    max_per_day: float | None = None
    indication: str | None = None


NON_OPIOIDS: Final[dict[str, Drug]] = {
    "gabapentin": Drug("gabapentin", (300, 600), "mg", "tid", "oral", True),
    "pregabalin": Drug("pregabalin", (75, 150), "mg", "bid", "oral", True),
    "duloxetine": Drug("duloxetine", (30, 60), "mg", "daily", "oral", True),
    "amitriptyline": Drug("amitriptyline", (10, 25), "mg", "qhs", "oral", True),
    "nortriptyline": Drug("nortriptyline", (10, 25), "mg", "qhs", "oral", True),
    "sertraline": Drug("sertraline", (50, 100), "mg", "daily", "oral", True),
    "escitalopram": Drug("escitalopram", (10,), "mg", "daily", "oral", True),
    "venlafaxine": Drug("venlafaxine ER", (75, 150), "mg", "daily", "oral", True),
    "naproxen": Drug("naproxen", (250, 500), "mg", "bid", "oral"),
    "ibuprofen": Drug("ibuprofen", (400, 600), "mg", "tid", "oral"),
    "meloxicam": Drug("meloxicam", (7.5, 15), "mg", "daily", "oral"),
    "diclofenac": Drug("diclofenac 1% gel", (4,), "g", "qid", "other"),
    "acetaminophen": Drug("acetaminophen", (500, 1000), "mg", "tid", "oral"),
    "cyclobenzaprine": Drug("cyclobenzaprine", (5, 10), "mg", "qhs", "oral"),
    "tizanidine": Drug("tizanidine", (2, 4), "mg", "tid", "oral"),
    "lidocaine": Drug("lidocaine 5% patch", (1,), "patch", "daily", "other"),
    "topiramate": Drug("topiramate", (25, 50), "mg", "bid", "oral"),
    "propranolol": Drug("propranolol ER", (80,), "mg", "daily", "oral"),
    "sumatriptan": Drug("sumatriptan", (50, 100), "mg", "prn", "oral", max_per_day=2),
}
NON_OPIOID_NAMES: Final = frozenset(d.drug for d in NON_OPIOIDS.values())
MOOD_DRUGS: Final = ("sertraline", "escitalopram", "venlafaxine", "duloxetine")

OPIOIDS: Final[tuple[tuple[Drug, int], ...]] = (
    (Drug("oxycodone", (5, 10), "mg", "q6h", "oral"), 14),
    (Drug("oxycodone ER", (10, 20), "mg", "q12h", "oral"), 8),
    (Drug("hydrocodone bitartrate/acetaminophen", (5, 7.5, 10), "mg", "qid", "oral"), 14),
    (Drug("hydrocodone bitartrate/acetaminophen", (5, 10), "mg", "prn", "oral", False, 4), 6),
    (Drug("morphine sulfate ER", (15, 30), "mg", "q12h", "oral"), 8),
    (Drug("tramadol", (50,), "mg", "qid", "oral"), 14),
    (Drug("tapentadol", (50, 100), "mg", "bid", "oral"), 5),
    (Drug("hydromorphone", (2,), "mg", "q6h", "oral"), 4),
    (Drug("methadone", (5, 10), "mg", "tid", "oral"), 3),
    (Drug("codeine/acetaminophen", (30,), "mg", "qid", "oral"), 4),
    (Drug(mme.FENTANYL_TRANSDERMAL, (12, 25, 50), "mcg/h", mme.CONTINUOUS, "transdermal"), 9),
    (Drug("buprenorphine buccal film", (150, 300), "mcg", "bid", "sublingual"), 7),
)
OUD_TREATMENT: Final = Drug(
    "buprenorphine/naloxone",
    (8, 12, 16),
    "mg",
    "daily",
    "sublingual",
    indication="opioid_use_disorder",
)
BREAKTHROUGH: Final = Drug("oxycodone", (5,), "mg", "prn", "oral", False, 3)
NALOXONE: Final = Drug("naloxone nasal spray", (4,), "mg", "prn", "other", False, 2)
GABAPENTINOIDS: Final = frozenset({"gabapentin", "pregabalin"})


class Showcase(NamedTuple):
    """One opioid patient built on purpose to show one opioid-safety alert (CDC 2022)."""

    lines: tuple[tuple[Drug, float], ...]
    oud: bool = False
    naloxone: bool = True  # add naloxone where Rec. 8 asks for it


SHOWCASES: Final[tuple[Showcase, ...]] = (
    Showcase(((OPIOIDS[10][0], 25),)),  # patch 60 MME/day, naloxone given: "mme_50"
    Showcase(((OPIOIDS[11][0], 150),)),  # buprenorphine: "not_converted"
    Showcase(  # "opioid_benzodiazepine" and, without naloxone, "naloxone" (and "mme_50")
        (
            (Drug("oxycodone", (10,), "mg", "q6h", "oral"), 10),
            (Drug("alprazolam", (0.5,), "mg", "tid", "oral", True, indication="anxiety"), 0.5),
        ),
        naloxone=False,
    ),
    Showcase(((OPIOIDS[5][0], 50), (NON_OPIOIDS["gabapentin"], 300))),  # "opioid_gabapentinoid"
    Showcase(((OPIOIDS[0][0], 5),), oud=True, naloxone=False),  # "moud" and "naloxone"
    Showcase(  # intrathecal pump: "not_converted" with the route as the reason
        ((Drug("morphine (intrathecal pump)", (2,), "mg", "daily", "intrathecal"), 2),)
    ),
    Showcase(((Drug("oxycodon", (5,), "mg", "bid", "oral"), 5),)),  # "unrecognised_opioid"
    Showcase(((Drug("morphine sulfate ER", (60,), "mg", "q12h", "oral"), 60),)),  # "mme_90"
)
"""The first opioid patients get these, so even a small demo shows every safety alert."""
LONG_ACTING: Final = frozenset({"oxycodone ER", "morphine sulfate ER", mme.FENTANYL_TRANSDERMAL})


class AllergySpec(NamedTuple):
    substance: str
    reaction: str
    severity: AllergySeverity
    avoid: tuple[str, ...]  # drug-name fragments this patient must not be prescribed


ALLERGIES: Final[tuple[AllergySpec, ...]] = (
    AllergySpec("Penicillin", "Hives", AllergySeverity.MODERATE, ()),
    AllergySpec("Sulfonamide antibiotics", "Rash", AllergySeverity.MILD, ()),
    AllergySpec("Codeine", "Nausea and vomiting", AllergySeverity.MILD, ("codeine",)),
    AllergySpec("Morphine", "Itching and flushing", AllergySeverity.MILD, ("morphine",)),
    AllergySpec(
        "Ibuprofen (NSAIDs)",
        "Angioedema",
        AllergySeverity.SEVERE,
        ("ibuprofen", "naproxen", "meloxicam", "diclofenac"),
    ),
    AllergySpec("Latex", "Contact dermatitis", AllergySeverity.MODERATE, ()),
    AllergySpec("Iodinated contrast media", "Urticaria", AllergySeverity.MODERATE, ()),
    AllergySpec(
        "Gabapentin", "Dizziness and ankle swelling", AllergySeverity.MILD, ("gabapentin",)
    ),
    AllergySpec("Peanuts", "Anaphylaxis", AllergySeverity.SEVERE, ()),
    AllergySpec("Adhesive tape", "Skin blistering", AllergySeverity.MILD, ("patch", "transdermal")),
    AllergySpec("Tramadol", "Seizure", AllergySeverity.SEVERE, ("tramadol",)),
    AllergySpec("Shellfish", "Throat tightness", AllergySeverity.UNKNOWN, ()),
)

OPIOID_CUM: Final = cumulative([w for _, w in OPIOIDS])
