"""The curated drug vocabulary: generic ingredients, their class, and US brand names.

Medication safety needs to know what a free-text line *is*: "Nalocet" is oxycodone,
"Xanax" a benzodiazepine, "oxycodon" a misspelt opioid that must not vanish from the
MME total. The table is curated by hand (docs/clinical-reference.md §5 names its
sources: the CDC 2022 guideline's opioid list and the products' US labels on DailyMed);
it is small on purpose and grows by adding rows here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from typing import Final

from rapidfuzz.distance import Levenshtein


class DrugClass(StrEnum):
    """The pharmacological classes the safety rules look at (CDC 2022 Rec. 8, 11, 12)."""

    OPIOID = "opioid"
    OPIOID_ANTAGONIST = "opioid antagonist"
    BENZODIAZEPINE = "benzodiazepine"
    GABAPENTINOID = "gabapentinoid"
    ANTIDEPRESSANT = "antidepressant"
    SEDATIVE_HYPNOTIC = "sedative-hypnotic"
    MUSCLE_RELAXANT = "muscle relaxant"
    ANTIPSYCHOTIC = "antipsychotic"
    ANTICONVULSANT = "anticonvulsant"
    NSAID = "NSAID"
    ANALGESIC = "non-opioid analgesic"
    OTHER = "other"


C = DrugClass

INGREDIENTS: Final[dict[str, DrugClass]] = {
    # Opioids with a CDC 2022 conversion factor.
    "codeine": C.OPIOID,
    "fentanyl": C.OPIOID,
    "hydrocodone": C.OPIOID,
    "hydromorphone": C.OPIOID,
    "methadone": C.OPIOID,
    "morphine": C.OPIOID,
    "oxycodone": C.OPIOID,
    "oxymorphone": C.OPIOID,
    "tapentadol": C.OPIOID,
    "tramadol": C.OPIOID,
    # Opioids without a CDC 2022 factor (recognised, reported as not converted).
    "buprenorphine": C.OPIOID,
    "butorphanol": C.OPIOID,
    "pentazocine": C.OPIOID,
    "nalbuphine": C.OPIOID,
    "meperidine": C.OPIOID,
    "levorphanol": C.OPIOID,
    "dihydrocodeine": C.OPIOID,
    "sufentanil": C.OPIOID,
    "remifentanil": C.OPIOID,
    "alfentanil": C.OPIOID,
    "opium": C.OPIOID,
    "oliceridine": C.OPIOID,
    "benzhydrocodone": C.OPIOID,
    # Opioid antagonists (naloxone is the rescue drug of Rec. 8).
    "naloxone": C.OPIOID_ANTAGONIST,
    "nalmefene": C.OPIOID_ANTAGONIST,
    "naltrexone": C.OPIOID_ANTAGONIST,
    # Benzodiazepines.
    "alprazolam": C.BENZODIAZEPINE,
    "chlordiazepoxide": C.BENZODIAZEPINE,
    "clobazam": C.BENZODIAZEPINE,
    "clonazepam": C.BENZODIAZEPINE,
    "clorazepate": C.BENZODIAZEPINE,
    "diazepam": C.BENZODIAZEPINE,
    "estazolam": C.BENZODIAZEPINE,
    "flurazepam": C.BENZODIAZEPINE,
    "lorazepam": C.BENZODIAZEPINE,
    "midazolam": C.BENZODIAZEPINE,
    "oxazepam": C.BENZODIAZEPINE,
    "temazepam": C.BENZODIAZEPINE,
    "triazolam": C.BENZODIAZEPINE,
    # Gabapentinoids.
    "gabapentin": C.GABAPENTINOID,
    "pregabalin": C.GABAPENTINOID,
    # Antidepressants.
    "amitriptyline": C.ANTIDEPRESSANT,
    "nortriptyline": C.ANTIDEPRESSANT,
    "desipramine": C.ANTIDEPRESSANT,
    "imipramine": C.ANTIDEPRESSANT,
    "duloxetine": C.ANTIDEPRESSANT,
    "venlafaxine": C.ANTIDEPRESSANT,
    "desvenlafaxine": C.ANTIDEPRESSANT,
    "milnacipran": C.ANTIDEPRESSANT,
    "sertraline": C.ANTIDEPRESSANT,
    "fluoxetine": C.ANTIDEPRESSANT,
    "paroxetine": C.ANTIDEPRESSANT,
    "citalopram": C.ANTIDEPRESSANT,
    "escitalopram": C.ANTIDEPRESSANT,
    "bupropion": C.ANTIDEPRESSANT,
    "mirtazapine": C.ANTIDEPRESSANT,
    "trazodone": C.ANTIDEPRESSANT,
    # Sedative-hypnotics and other CNS depressants.
    "zolpidem": C.SEDATIVE_HYPNOTIC,
    "eszopiclone": C.SEDATIVE_HYPNOTIC,
    "zaleplon": C.SEDATIVE_HYPNOTIC,
    "phenobarbital": C.SEDATIVE_HYPNOTIC,
    "butalbital": C.SEDATIVE_HYPNOTIC,
    "cyclobenzaprine": C.MUSCLE_RELAXANT,
    "carisoprodol": C.MUSCLE_RELAXANT,
    "methocarbamol": C.MUSCLE_RELAXANT,
    "tizanidine": C.MUSCLE_RELAXANT,
    "baclofen": C.MUSCLE_RELAXANT,
    "metaxalone": C.MUSCLE_RELAXANT,
    "quetiapine": C.ANTIPSYCHOTIC,
    "aripiprazole": C.ANTIPSYCHOTIC,
    "olanzapine": C.ANTIPSYCHOTIC,
    "risperidone": C.ANTIPSYCHOTIC,
    "lamotrigine": C.ANTICONVULSANT,
    "topiramate": C.ANTICONVULSANT,
    "carbamazepine": C.ANTICONVULSANT,
    "oxcarbazepine": C.ANTICONVULSANT,
    "lithium": C.ANTICONVULSANT,
    "buspirone": C.OTHER,
    # Non-opioid analgesics.
    "ibuprofen": C.NSAID,
    "naproxen": C.NSAID,
    "celecoxib": C.NSAID,
    "diclofenac": C.NSAID,
    "meloxicam": C.NSAID,
    "ketorolac": C.NSAID,
    "acetaminophen": C.ANALGESIC,
    "lidocaine": C.ANALGESIC,
    "capsaicin": C.ANALGESIC,
    "sumatriptan": C.OTHER,
    "rizatriptan": C.OTHER,
    "caffeine": C.OTHER,
    "aspirin": C.NSAID,
}
"""Generic ingredient -> class."""

BRANDS: Final[dict[str, tuple[str, ...]]] = {
    # Oxycodone.
    "OxyContin": ("oxycodone",),
    "Roxicodone": ("oxycodone",),
    "RoxyBond": ("oxycodone",),
    "Oxaydo": ("oxycodone",),
    "Xtampza ER": ("oxycodone",),
    "Percocet": ("oxycodone", "acetaminophen"),
    "Endocet": ("oxycodone", "acetaminophen"),
    "Roxicet": ("oxycodone", "acetaminophen"),
    "Nalocet": ("oxycodone", "acetaminophen"),
    "Primlev": ("oxycodone", "acetaminophen"),
    "Prolate": ("oxycodone", "acetaminophen"),
    "Percodan": ("oxycodone", "aspirin"),
    # Hydrocodone.
    "Norco": ("hydrocodone", "acetaminophen"),
    "Vicodin": ("hydrocodone", "acetaminophen"),
    "Lortab": ("hydrocodone", "acetaminophen"),
    "Lorcet": ("hydrocodone", "acetaminophen"),
    "Hycet": ("hydrocodone", "acetaminophen"),
    "Xodol": ("hydrocodone", "acetaminophen"),
    "Verdrocet": ("hydrocodone", "acetaminophen"),
    "Hysingla ER": ("hydrocodone",),
    "Zohydro ER": ("hydrocodone",),
    "Apadaz": ("benzhydrocodone", "acetaminophen"),
    # Morphine, hydromorphone, oxymorphone, methadone.
    "MS Contin": ("morphine",),
    "Kadian": ("morphine",),
    "Arymo ER": ("morphine",),
    "Morphabond ER": ("morphine",),
    "Embeda": ("morphine", "naltrexone"),
    "Dilaudid": ("hydromorphone",),
    "Exalgo": ("hydromorphone",),
    "Opana": ("oxymorphone",),
    "Dolophine": ("methadone",),
    "Methadose": ("methadone",),
    # Tapentadol, tramadol, codeine.
    "Nucynta": ("tapentadol",),
    "Nucynta ER": ("tapentadol",),
    "Ultram": ("tramadol",),
    "Ultracet": ("tramadol", "acetaminophen"),
    "ConZip": ("tramadol",),
    "Seglentis": ("tramadol", "celecoxib"),
    "Tylenol with Codeine": ("codeine", "acetaminophen"),
    "Tylenol #3": ("codeine", "acetaminophen"),
    "Tylenol #4": ("codeine", "acetaminophen"),
    "Fioricet with Codeine": ("codeine", "butalbital", "acetaminophen", "caffeine"),
    "Fioricet": ("butalbital", "acetaminophen", "caffeine"),
    # Fentanyl.
    "Duragesic": ("fentanyl",),
    "Actiq": ("fentanyl",),
    "Fentora": ("fentanyl",),
    "Subsys": ("fentanyl",),
    "Lazanda": ("fentanyl",),
    "Abstral": ("fentanyl",),
    # Buprenorphine.
    "Butrans": ("buprenorphine",),
    "Belbuca": ("buprenorphine",),
    "Buprenex": ("buprenorphine",),
    "Subutex": ("buprenorphine",),
    "Suboxone": ("buprenorphine", "naloxone"),
    "Zubsolv": ("buprenorphine", "naloxone"),
    "Bunavail": ("buprenorphine", "naloxone"),
    "Sublocade": ("buprenorphine",),
    "Brixadi": ("buprenorphine",),
    # Other opioids.
    "Talwin": ("pentazocine",),
    "Stadol": ("butorphanol",),
    "Demerol": ("meperidine",),
    "Dsuvia": ("sufentanil",),
    "Olinvyk": ("oliceridine",),
    # Naloxone and naltrexone.
    "Narcan": ("naloxone",),
    "Kloxxado": ("naloxone",),
    "Zimhi": ("naloxone",),
    "Rextovy": ("naloxone",),
    "Opvee": ("nalmefene",),
    "Vivitrol": ("naltrexone",),
    # Benzodiazepines.
    "Xanax": ("alprazolam",),
    "Valium": ("diazepam",),
    "Ativan": ("lorazepam",),
    "Klonopin": ("clonazepam",),
    "Restoril": ("temazepam",),
    "Halcion": ("triazolam",),
    "Librium": ("chlordiazepoxide",),
    "Tranxene": ("clorazepate",),
    # Gabapentinoids.
    "Neurontin": ("gabapentin",),
    "Gralise": ("gabapentin",),
    "Horizant": ("gabapentin",),
    "Lyrica": ("pregabalin",),
    "Lyrica CR": ("pregabalin",),
    # Antidepressants and others.
    "Cymbalta": ("duloxetine",),
    "Effexor": ("venlafaxine",),
    "Effexor XR": ("venlafaxine",),
    "Pristiq": ("desvenlafaxine",),
    "Savella": ("milnacipran",),
    "Zoloft": ("sertraline",),
    "Prozac": ("fluoxetine",),
    "Paxil": ("paroxetine",),
    "Celexa": ("citalopram",),
    "Lexapro": ("escitalopram",),
    "Wellbutrin": ("bupropion",),
    "Remeron": ("mirtazapine",),
    "Elavil": ("amitriptyline",),
    "Pamelor": ("nortriptyline",),
    "Ambien": ("zolpidem",),
    "Lunesta": ("eszopiclone",),
    "Soma": ("carisoprodol",),
    "Flexeril": ("cyclobenzaprine",),
    "Zanaflex": ("tizanidine",),
    "Seroquel": ("quetiapine",),
    "Celebrex": ("celecoxib",),
    "Tylenol": ("acetaminophen",),
    "Advil": ("ibuprofen",),
    "Motrin": ("ibuprofen",),
    "Aleve": ("naproxen",),
    "Lidoderm": ("lidocaine",),
    "Imitrex": ("sumatriptan",),
    "Topamax": ("topiramate",),
}
"""US brand and combination name -> generic ingredients (first = the one the line is dosed in)."""

OUD_TREATMENT_BRANDS: Final = frozenset(
    {"suboxone", "zubsolv", "bunavail", "subutex", "sublocade", "brixadi", "vivitrol", "methadose"}
)
"""Products labelled only for opioid use disorder (medication for OUD, CDC 2022 Rec. 12)."""

TRANSMUCOSAL_FENTANYL_BRANDS: Final = frozenset(
    {"actiq", "fentora", "subsys", "lazanda", "abstral"}
)
"""Buccal, sublingual or nasal fentanyl: not a patch, so no CDC 2022 factor."""

# Words in a line's name that are not drug names and must never look like a typo.
_FILLER: Final = frozenset(
    {
        "er",
        "xr",
        "sr",
        "ir",
        "cr",
        "la",
        "hcl",
        "tab",
        "tabs",
        "tablet",
        "tablets",
        "capsule",
        "capsules",
        "solution",
        "oral",
        "patch",
        "transdermal",
        "sulfate",
        "hydrochloride",
        "bitartrate",
        "citrate",
        "phosphate",
        "with",
        "and",
        "extended",
        "release",
        "immediate",
        "injection",
        "mg",
        "mcg",
        "ml",
    }
)


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9#]+", text.lower()))


@cache
def _index() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Lower-case name -> (display name, ingredients), generics and brands together."""
    index: dict[str, tuple[str, tuple[str, ...]]] = {name: (name, (name,)) for name in INGREDIENTS}
    for brand, ingredients in BRANDS.items():
        index[_key(brand)] = (brand, ingredients)
    for brand, ingredients in BRANDS.items():
        first = _key(brand).split()[0]
        if len(first) >= 4 and first not in index:  # "Xtampza" for "Xtampza ER"
            index[first] = (brand, ingredients)
    index["tylenol no 3"] = index["tylenol #3"]
    index["tylenol no 4"] = index["tylenol #4"]
    index["mscontin"] = index["ms contin"]
    index["apap"] = ("acetaminophen", ("acetaminophen",))
    index["paracetamol"] = ("acetaminophen", ("acetaminophen",))
    index["pethidine"] = ("meperidine", ("meperidine",))
    return index


@dataclass(frozen=True, slots=True)
class DrugMatch:
    """What a medication name was recognised as.

    ``ingredients`` lists every recognised generic ingredient, in the order the name
    gave them; ``brands`` the brand names seen (lower case); ``unknown_words`` the words
    that are neither a known name nor filler (candidates for a typo check).
    """

    ingredients: tuple[str, ...]
    brands: tuple[str, ...]
    unknown_words: tuple[str, ...]

    @property
    def classes(self) -> frozenset[DrugClass]:
        return frozenset(INGREDIENTS.get(i, C.OTHER) for i in self.ingredients)

    @property
    def opioids(self) -> tuple[str, ...]:
        """The opioid ingredients (agonists and partial agonists)."""
        return tuple(i for i in self.ingredients if INGREDIENTS.get(i) is C.OPIOID)

    def has(self, drug_class: DrugClass) -> bool:
        return drug_class in self.classes


@lru_cache(maxsize=8192)
def recognise(name: str) -> DrugMatch:
    """Find the ingredients of a free-text medication name.

    Case, salts, release forms, strengths and punctuation are ignored; brand names
    (also two-word ones such as "MS Contin" and "Tylenol #3") map to their ingredients.

    Args:
        name: The line's drug as written ("Oxycodone HCl ER", "Nalocet", "xanax").

    Returns:
        The match (empty when nothing is recognised). Never raises for a string.
    """
    if not isinstance(name, str):
        return DrugMatch((), (), ())
    words = _key(name).replace("#", " # ").split()
    index = _index()
    ingredients: list[str] = []
    brands: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        hit = None
        for width in (4, 3, 2):
            if i + width <= len(words):
                phrase = " ".join(words[i : i + width]).replace(" # ", " #").replace("# ", "#")
                if phrase in index:
                    hit = phrase
                    break
        if hit is None and words[i] in index:
            hit, width = words[i], 1
        if hit is not None:
            display, found = index[hit]
            if display in BRANDS:
                brands.append(display.lower())
            for ingredient in found:
                if ingredient not in ingredients:
                    ingredients.append(ingredient)
            i += width
            continue
        word = words[i]
        if word not in _FILLER and word != "#" and not any(ch.isdigit() for ch in word):
            unknown.append(word)
        i += 1
    return DrugMatch(tuple(ingredients), tuple(brands), tuple(unknown))


@cache
def _opioid_names() -> tuple[tuple[str, str], ...]:
    """(lower-case name, ingredient) for every opioid generic and brand word."""
    names: list[tuple[str, str]] = [(n, n) for n, c in INGREDIENTS.items() if c is C.OPIOID]
    for brand, ingredients in BRANDS.items():
        opioid = next((i for i in ingredients if INGREDIENTS.get(i) is C.OPIOID), None)
        if opioid is not None:
            names.append((_key(brand).split()[0], opioid))
    return tuple(names)


@lru_cache(maxsize=8192)
def looks_like_opioid(name: str) -> str | None:
    """The opioid an unrecognised word in ``name`` is probably a misspelling of, or None.

    A word counts when it is within a small edit distance of an opioid generic or
    brand name (1 edit for 4-6 letters, 2 for longer words), so "oxycodon" and
    "hydrocodne" are caught while "oxybutynin" is not.

    Args:
        name: A medication name as written.

    Returns:
        The generic opioid it resembles ("oxycodone"), or None.
    """
    match = recognise(name)
    if match.opioids:
        return None
    for word in match.unknown_words:
        if len(word) < 4:
            continue
        limit = 1 if len(word) <= 6 else 2
        best: tuple[int, str] | None = None
        for candidate, ingredient in _opioid_names():
            distance = Levenshtein.distance(word, candidate, score_cutoff=limit)
            if distance <= limit and (best is None or distance < best[0]):
                best = (distance, ingredient)
        if best is not None:
            return best[1]
    return None


def display_names() -> list[str]:
    """Every generic and brand name, sorted, for the medication form's type-ahead list."""
    return sorted({*INGREDIENTS, *BRANDS}, key=str.lower)


def drug_class_of(name: str) -> frozenset[DrugClass]:
    """The classes of every ingredient recognised in ``name`` (empty when unknown)."""
    return recognise(name).classes


# ------------------------------------------------------------------ therapeutic duplicates

SEROTONERGIC_REUPTAKE: Final = frozenset(
    {
        "sertraline",
        "fluoxetine",
        "paroxetine",
        "citalopram",
        "escitalopram",
        "duloxetine",
        "venlafaxine",
        "desvenlafaxine",
        "milnacipran",
    }
)
"""SSRIs and SNRIs: two together add serotonin toxicity without added benefit."""
TRICYCLICS: Final = frozenset({"amitriptyline", "nortriptyline", "desipramine", "imipramine"})
LONG_ACTING_BRANDS: Final = frozenset(
    {
        "oxycontin",
        "xtampza er",
        "hysingla er",
        "zohydro er",
        "ms contin",
        "kadian",
        "arymo er",
        "morphabond er",
        "embeda",
        "exalgo",
        "nucynta er",
        "conzip",
        "duragesic",
        "butrans",
        "belbuca",
        "dolophine",
    }
)
"""Brands in the FDA's extended-release / long-acting (ER/LA) opioid class."""
_LONG_ACTING_WORDS: Final = frozenset(
    {"er", "xr", "sr", "cr", "la", "extended", "transdermal", "patch", "buccal", "film"}
)
_TOPICAL_ROUTES: Final = frozenset({"topical", "transdermal", "other"})
_TOPICAL_WORDS: Final = frozenset({"gel", "cream", "topical", "patch", "solution"})


def is_long_acting_opioid(name: str, route: str | None = None) -> bool:
    """True for an ER/LA opioid line: an extended-release form, a patch or buccal film,
    methadone, or an ER/LA brand (FDA ER/LA opioid class). OUD products are not counted:
    buprenorphine for opioid use disorder is treatment, not an analgesic regimen."""
    match = recognise(name)
    if not match.opioids or OUD_TREATMENT_BRANDS.intersection(match.brands):
        return False
    if "naloxone" in match.ingredients:  # buprenorphine/naloxone: an OUD product
        return False
    words = set(_key(name).split())
    return (
        bool(words & _LONG_ACTING_WORDS)
        or (route or "").lower() == "transdermal"
        or "methadone" in match.opioids
        or bool(LONG_ACTING_BRANDS.intersection(match.brands))
    )


def duplicate_group(name: str, route: str | None = None) -> str | None:
    """The therapeutic group in which two current lines are a duplicate, or None.

    Groups (one line each is the norm): SSRI/SNRI, tricyclic antidepressant,
    benzodiazepine, gabapentinoid, systemic NSAID (a gel beside a tablet is not a
    duplicate), muscle relaxant and long-acting opioid (a short-acting opioid for
    breakthrough pain beside one is the intended pattern, CDC 2022 Rec. 3).
    """
    match = recognise(name)
    ingredients = set(match.ingredients)
    if ingredients & SEROTONERGIC_REUPTAKE:
        return "SSRI/SNRI"
    if ingredients & TRICYCLICS:
        return "tricyclic antidepressant"
    if match.has(C.BENZODIAZEPINE):
        return "benzodiazepine"
    if match.has(C.GABAPENTINOID):
        return "gabapentinoid"
    if match.has(C.MUSCLE_RELAXANT):
        return "muscle relaxant"
    if is_long_acting_opioid(name, route):
        return "long-acting opioid"
    if match.has(C.NSAID) and "aspirin" not in ingredients:
        topical = (route or "").lower() in _TOPICAL_ROUTES or bool(
            set(_key(name).split()) & _TOPICAL_WORDS
        )
        if not topical:
            return "systemic NSAID"
    return None
