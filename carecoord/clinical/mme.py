"""Daily morphine milligram equivalents (CDC 2022 table) so opioid load is visible and flagged."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from carecoord.errors import ValidationError

# Arithmetic is done in :class:`~decimal.Decimal` so that published examples and the
# 50 / 90 MME thresholds compare exactly (``120 mg x 0.15`` is 18, not 17.999...).
# Only the CDC 2022 factors are used; the 2016 table (hydromorphone 4, tramadol 0.1,
# dose-tiered methadone) is deliberately absent so the two are never mixed.

FENTANYL_TRANSDERMAL: Final = "fentanyl transdermal"

_FACTORS: Final[dict[str, Decimal]] = {
    "codeine": Decimal("0.15"),
    FENTANYL_TRANSDERMAL: Decimal("2.4"),
    "hydrocodone": Decimal("1"),
    "hydromorphone": Decimal("5"),
    "methadone": Decimal("4.7"),
    "morphine": Decimal("1"),
    "oxycodone": Decimal("1.5"),
    "oxymorphone": Decimal("3"),
    "tapentadol": Decimal("0.4"),
    "tramadol": Decimal("0.2"),
}

CONVERSION_FACTORS: Final[dict[str, float]] = {name: float(f) for name, f in _FACTORS.items()}
"""CDC 2022 conversion factors by generic name (fentanyl transdermal per mcg/hr)."""

MME_REASSESS: Final = 50
MME_HIGH: Final = 90
ADVICE_50: Final = (
    "50 MME/day or more: pause and reassess benefit and risk; offer naloxone (CDC 2022 guideline)."
)
ADVICE_90: Final = "90 MME/day or more: high dose, avoid or carefully justify (CDC 2016 threshold)."

# Brand and alternative names -> canonical name (a table drug, buprenorphine, or another opioid).
_ALIASES: Final[dict[str, str]] = {
    "oxycontin": "oxycodone",
    "roxicodone": "oxycodone",
    "percocet": "oxycodone",
    "endocet": "oxycodone",
    "roxicet": "oxycodone",
    "xtampza": "oxycodone",
    "oxaydo": "oxycodone",
    "percodan": "oxycodone",
    "norco": "hydrocodone",
    "vicodin": "hydrocodone",
    "lortab": "hydrocodone",
    "lorcet": "hydrocodone",
    "hysingla": "hydrocodone",
    "zohydro": "hydrocodone",
    "dilaudid": "hydromorphone",
    "exalgo": "hydromorphone",
    "kadian": "morphine",
    "mscontin": "morphine",
    "dolophine": "methadone",
    "methadose": "methadone",
    "nucynta": "tapentadol",
    "ultram": "tramadol",
    "ultracet": "tramadol",
    "conzip": "tramadol",
    "opana": "oxymorphone",
    "duragesic": FENTANYL_TRANSDERMAL,
    "subutex": "buprenorphine",
    "suboxone": "buprenorphine",
    "zubsolv": "buprenorphine",
    "butrans": "buprenorphine",
    "belbuca": "buprenorphine",
    "sublocade": "buprenorphine",
    "buprenex": "buprenorphine",
    "demerol": "meperidine",
    "pethidine": "meperidine",
    "apadaz": "benzhydrocodone",
    "dsuvia": "sufentanil",
}

# Opioids without a factor in the CDC 2022 table: recognised (so never silently
# skipped as non-opioids) but reported as "not converted".
_OTHER_OPIOIDS: Final = frozenset(
    {
        "buprenorphine",
        "meperidine",
        "levorphanol",
        "pentazocine",
        "butorphanol",
        "nalbuphine",
        "dihydrocodeine",
        "sufentanil",
        "remifentanil",
        "alfentanil",
        "opium",
        "oliceridine",
        "benzhydrocodone",
    }
)

_GENERICS: Final = frozenset(_FACTORS) | _OTHER_OPIOIDS | {"fentanyl"}

_TRANSDERMAL_WORDS: Final = frozenset({"transdermal", "patch", "patches", "td", "duragesic"})

# The CDC factors are for oral doses (and fentanyl patches); other routes differ a lot.
_NON_ORAL_WORDS: Final = frozenset(
    {
        "injection",
        "injectable",
        "iv",
        "intravenous",
        "im",
        "intramuscular",
        "subcutaneous",
        "sc",
        "sq",
        "intrathecal",
        "epidural",
        "infusion",
        "pca",
        "buccal",
        "sublingual",
        "nasal",
        "intranasal",
        "spray",
        "lozenge",
        "rectal",
        "suppository",
    }
)


class NotConvertible(ValueError):
    """An opioid (or route) with no CDC 2022 MME factor: show it as "not converted", never 0."""

    def __init__(self, drug: str, why: str) -> None:
        super().__init__(f"{drug!r} is not converted to MME: {why}")
        self.drug = drug
        self.why = why


_TYLENOL_WITH_CODEINE: Final = re.compile(r"tylenol\s*(?:#|no\.?)?\s*[34]\b")


def _tokens(drug: str) -> list[str]:
    text = drug.lower().replace("ms contin", "mscontin").replace("ms-contin", "mscontin")
    text = _TYLENOL_WITH_CODEINE.sub(" codeine ", text)
    return re.findall(r"[a-z]+", text)


def _opioid_names(tokens: list[str]) -> set[str]:
    names = set()
    for token in tokens:
        name = _ALIASES.get(token, token)
        if name in _GENERICS:
            names.add(name)
    return names


def _resolve(drug: str) -> str:
    """Return the canonical table name of ``drug`` or raise."""
    if not isinstance(drug, str) or not drug.strip():
        raise ValueError(f"Unknown drug {drug!r}: give the opioid's generic or brand name")
    tokens = _tokens(drug)
    names = _opioid_names(tokens)
    if FENTANYL_TRANSDERMAL in names:
        names = (names - {FENTANYL_TRANSDERMAL}) | {"fentanyl"}
        tokens = [*tokens, "transdermal"]
    if not names:
        raise ValueError(f"Unknown drug {drug!r}: not an opioid in the CDC 2022 MME table")
    if len(names) > 1:
        listed = ", ".join(sorted(names))
        raise ValueError(f"Drug {drug!r} names several opioids ({listed}); list each separately")
    (name,) = names
    if name == "buprenorphine":
        raise NotConvertible(
            drug, "buprenorphine has no MME factor in the CDC 2022 table (partial agonist)"
        )
    if name in _OTHER_OPIOIDS:
        raise NotConvertible(drug, f"{name} has no factor in the CDC 2022 table")
    if name == "fentanyl":
        if _TRANSDERMAL_WORDS.intersection(tokens):
            return FENTANYL_TRANSDERMAL
        raise NotConvertible(
            drug,
            "only transdermal fentanyl has a CDC 2022 factor; "
            "name a patch 'fentanyl transdermal' (dose = mcg/hr)",
        )
    non_oral = sorted((_NON_ORAL_WORDS | _TRANSDERMAL_WORDS).intersection(tokens))
    if non_oral:
        raise NotConvertible(
            drug, f"the CDC 2022 factors are for oral doses, not {', '.join(non_oral)}"
        )
    return name


def conversion_factor(drug: str) -> float:
    """Return the CDC 2022 MME conversion factor of an opioid.

    Matching is case-insensitive and ignores salts, strengths, release forms and
    co-formulated non-opioids ("oxycodone hydrochloride ER", "Norco",
    "hydrocodone bitartrate/acetaminophen"). Fentanyl counts only as a patch
    ("fentanyl transdermal", "fentanyl patch"; factor per mcg/hr).

    Args:
        drug: The medication name as written.

    Returns:
        The factor that turns a daily dose (mg, or mcg/hr for patches) into MME.

    Raises:
        NotConvertible: Buprenorphine, other opioids absent from the table, and
            non-oral routes (injection, buccal, nasal, ...).
        ValueError: The name contains no known opioid, or several.
    """
    return float(_FACTORS[_resolve(drug)])


def is_opioid(drug: str) -> bool:
    """Tell whether a medication name contains an opioid (convertible or not).

    Args:
        drug: The medication name as written.

    Returns:
        True for every table drug, buprenorphine and other recognised opioids
        (meperidine, levorphanol, ...); False for anything else. Never raises.
    """
    try:
        return bool(_opioid_names(_tokens(drug)))
    except Exception:
        return False


def _decimal(value: float, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, f"must be a number (got {value!r})")
    if not math.isfinite(value):
        raise ValidationError(field, f"must be a finite number (got {value!r})")
    if value < 0:
        raise ValidationError(field, f"must not be negative (got {value!r})")
    return Decimal(str(value))


def _daily_mme(drug: str, daily_dose: Decimal) -> Decimal:
    return daily_dose * _FACTORS[_resolve(drug)]


def daily_mme(drug: str, daily_dose: float) -> float:
    """Convert one opioid's total daily dose to morphine milligram equivalents.

    Args:
        drug: The medication name (see :func:`conversion_factor`).
        daily_dose: Milligrams per day; for transdermal fentanyl the patch rate
            in mcg/hr.

    Returns:
        The daily MME.

    Raises:
        ValidationError: A negative, non-finite or non-numeric dose (a ValueError
            naming the dose).
        NotConvertible: See :func:`conversion_factor`.
        ValueError: Unknown drug.
    """
    return float(_daily_mme(drug, _decimal(daily_dose, "daily_dose")))


# ---------------------------------------------------------------------- frequencies

PRN: Final = "prn"
CONTINUOUS: Final = "continuous"

FREQUENCIES: Final[dict[str, float]] = {
    "qd": 1.0,
    "daily": 1.0,
    "bid": 2.0,
    "tid": 3.0,
    "qid": 4.0,
    "q4h": 6.0,
    "q6h": 4.0,
    "q8h": 3.0,
    "q12h": 2.0,
    "qhs": 1.0,
    CONTINUOUS: 1.0,
}
"""Scheduled frequency codes -> doses per day. ``continuous`` is for patches: the
dose is an hourly rate and the "daily dose" used for MME is that rate. ``prn`` is
not here because it has no fixed count: see :func:`daily_dose`."""

FREQUENCY_LABELS: Final[dict[str, str]] = {
    "qd": "once a day",
    "daily": "once a day",
    "bid": "twice a day",
    "tid": "three times a day",
    "qid": "four times a day",
    "q4h": "every 4 hours",
    "q6h": "every 6 hours",
    "q8h": "every 8 hours",
    "q12h": "every 12 hours",
    "qhs": "at bedtime",
    CONTINUOUS: "continuous (patch)",
    PRN: "as needed",
}
"""Every accepted frequency code (including ``prn``) -> display text."""


def _code(frequency: str) -> str:
    code = ""
    if isinstance(frequency, str):
        code = frequency.strip().lower().replace(".", "").replace(" ", "")
    if code not in FREQUENCY_LABELS:
        raise ValidationError("frequency", f"unknown frequency {frequency!r}")
    return code


def frequency_label(code: str) -> str:
    """Return the display text of a frequency code (``"bid"`` -> ``"twice a day"``).

    Args:
        code: A key of :data:`FREQUENCY_LABELS`, any case, dots allowed ("b.i.d.").

    Returns:
        The label.

    Raises:
        ValidationError: Unknown code (a ValueError naming it).
    """
    return FREQUENCY_LABELS[_code(code)]


def _daily_dose(dose: float, frequency: str, max_doses_per_day: float | None) -> Decimal:
    amount = _decimal(dose, "dose")
    code = _code(frequency)
    cap = None if max_doses_per_day is None else _decimal(max_doses_per_day, "max_doses_per_day")
    if code == PRN:
        if cap is None:
            raise ValidationError(
                "max_doses_per_day",
                "an as-needed (prn) medication needs its maximum doses per day to compute MME",
            )
        per_day = cap
    else:
        per_day = Decimal(str(FREQUENCIES[code]))
        if cap is not None:
            per_day = min(per_day, cap)
    return amount * per_day


def daily_dose(dose: float, frequency: str, max_doses_per_day: float | None = None) -> float:
    """Return the total daily dose of a prescription line.

    PRN lines count at their prescribed maximum (the most the patient may take),
    so ``max_doses_per_day`` is required for ``prn``. For a scheduled frequency it
    caps the count ("q4h, max 4 a day" is 4 doses). ``continuous`` returns the
    hourly rate unchanged, which is what the fentanyl factor expects.

    Args:
        dose: Amount per administration (mg; mcg/hr for patches).
        frequency: A frequency code (see :data:`FREQUENCY_LABELS`).
        max_doses_per_day: Prescribed maximum number of doses a day.

    Returns:
        The daily dose.

    Raises:
        ValidationError: Unknown frequency, a negative dose, or ``prn`` without
            a maximum (ValueErrors naming the field).
    """
    return float(_daily_dose(dose, frequency, max_doses_per_day))


@dataclass(frozen=True, slots=True)
class MedicationDose:
    """One medication line as prescribed.

    For combination products ("Percocet 5/325") ``dose`` is the opioid component in
    mg; for a fentanyl patch it is the rate in mcg/hr with frequency ``continuous``.
    """

    drug: str
    dose: float
    frequency: str
    max_doses_per_day: float | None = None


@dataclass(frozen=True, slots=True)
class MmeSummary:
    """Total daily MME of a medication list and what it implies."""

    total: float
    lines: tuple[tuple[str, float], ...]
    not_converted: tuple[str, ...]
    at_least_50: bool
    at_least_90: bool
    advice: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """True when every opioid on the list was converted (the total is the whole load)."""
        return not self.not_converted


def total_mme(doses: Iterable[MedicationDose]) -> MmeSummary:
    """Sum the daily MME of a medication list.

    Non-opioids are skipped. Opioids without a factor (buprenorphine, other
    routes) are listed in ``not_converted`` and never counted as zero. A
    transdermal fentanyl line must use frequency ``continuous`` (its dose is
    the patch rate), and ``continuous`` is accepted for nothing else.

    Args:
        doses: The patient's medication lines.

    Returns:
        The summary with per-line MME, threshold flags and advice.

    Raises:
        ValidationError: A converted opioid line has a bad dose or frequency.
        ValueError: A line names several opioids at once.
    """
    total = Decimal(0)
    lines: list[tuple[str, float]] = []
    not_converted: list[str] = []
    for line in doses:
        if not is_opioid(line.drug):
            continue
        try:
            name = _resolve(line.drug)
        except NotConvertible:
            not_converted.append(line.drug)
            continue
        code = _code(line.frequency)
        if (name == FENTANYL_TRANSDERMAL) != (code == CONTINUOUS):
            raise ValidationError(
                "frequency",
                f"{line.drug}: transdermal fentanyl is dosed as a patch rate (mcg/hr) with "
                "frequency 'continuous', and 'continuous' is only for such patches",
            )
        mme = _daily_mme(line.drug, _daily_dose(line.dose, code, line.max_doses_per_day))
        total += mme
        lines.append((line.drug, float(mme)))
    at_least_50 = total >= MME_REASSESS
    at_least_90 = total >= MME_HIGH
    advice = tuple(
        text for flag, text in ((at_least_50, ADVICE_50), (at_least_90, ADVICE_90)) if flag
    )
    return MmeSummary(
        total=float(total),
        lines=tuple(lines),
        not_converted=tuple(not_converted),
        at_least_50=at_least_50,
        at_least_90=at_least_90,
        advice=advice,
    )
