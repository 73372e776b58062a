"""Daily morphine milligram equivalents (CDC 2022 table) so opioid load is visible and flagged."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass, fields
from decimal import Decimal
from typing import Final

from carecoord.clinical import drugs, medication_line

# Re-exported: the frequency names were defined here before dose_frequency existed.
from carecoord.clinical.dose_frequency import CONTINUOUS as CONTINUOUS
from carecoord.clinical.dose_frequency import FREQUENCIES as FREQUENCIES
from carecoord.clinical.dose_frequency import FREQUENCY_LABELS as FREQUENCY_LABELS
from carecoord.clinical.dose_frequency import PRN, exact_daily_dose, frequency_code, to_decimal
from carecoord.clinical.dose_frequency import daily_dose as daily_dose
from carecoord.clinical.dose_frequency import frequency_label as frequency_label
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

_OTHER_OPIOIDS: Final = frozenset(
    name
    for name, cls in drugs.INGREDIENTS.items()
    if cls is drugs.DrugClass.OPIOID and name not in _FACTORS and name != "fentanyl"
)
"""Opioids without a factor in the CDC 2022 table: recognised, reported as "not converted"."""

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
        "pump",
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


def _tokens(drug: str) -> list[str]:
    return re.findall(r"[a-z]+", drug.lower())


def _resolve(drug: str) -> str:
    """Return the canonical table name of ``drug`` (its route read from the name) or raise."""
    if not isinstance(drug, str) or not drug.strip():
        raise ValueError(f"Unknown drug {drug!r}: give the opioid's generic or brand name")
    match = drugs.recognise(drug)
    tokens = _tokens(drug)
    opioids = match.opioids
    if not opioids:
        raise ValueError(f"Unknown drug {drug!r}: not an opioid in the CDC 2022 MME table")
    if len(opioids) > 1:
        listed = ", ".join(sorted(opioids))
        raise ValueError(f"Drug {drug!r} names several opioids ({listed}); list each separately")
    (name,) = opioids
    if name == "buprenorphine":
        raise NotConvertible(
            drug, "buprenorphine has no MME factor in the CDC 2022 table (partial agonist)"
        )
    if name in _OTHER_OPIOIDS:
        raise NotConvertible(drug, f"{name} has no factor in the CDC 2022 table")
    if name == "fentanyl":
        transmucosal = drugs.TRANSMUCOSAL_FENTANYL_BRANDS.intersection(match.brands)
        if _TRANSDERMAL_WORDS.intersection(tokens) and not transmucosal:
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
        (meperidine, levorphanol, ...), by generic or US brand name ("Nalocet",
        "Actiq", "Talwin"); False for anything else. Never raises.
    """
    try:
        return bool(drugs.recognise(drug).opioids)
    except Exception:
        return False


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
    return float(_daily_mme(drug, to_decimal(daily_dose, "daily_dose")))


# --------------------------------------------------------------------- medication lines


@dataclass(frozen=True, slots=True)
class MedicationDose:
    """One structured medication line as prescribed.

    ``dose`` is the amount per administration in ``unit``: mg or mcg for tablets and
    solutions by weight, mL (with ``concentration_mg_per_ml``) for liquids, and the rate
    in mcg/h or mg/h (frequency ``continuous``) for patches and infusions. For
    combination products ("Percocet 5/325") it is the opioid component. ``route`` and
    ``indication`` are codes of :mod:`carecoord.clinical.medication_line` (any case).
    """

    drug: str
    dose: float
    frequency: str
    max_doses_per_day: float | None = None
    _: KW_ONLY
    unit: str = "mg"
    route: str = "oral"
    indication: str | None = None
    concentration_mg_per_ml: float | None = None


_DOSE_FIELDS: Final = tuple(f.name for f in fields(MedicationDose))


def dose_of(line: object) -> MedicationDose:
    """``line`` as the MME and safety rules take it, every field of :class:`MedicationDose`
    read from ``line``'s attribute of the same name.

    ``line`` is anything that carries a prescribed line's fields (a stored row, a view, a
    query's result row); clinical/ imports none of them. Copying by field name in one place
    means a field added to :class:`MedicationDose` cannot be forgotten by one of the layers
    that read prescriptions from the database.

    Raises:
        AttributeError: ``line`` lacks one of the fields.
    """
    return MedicationDose(**{name: getattr(line, name) for name in _DOSE_FIELDS})


@dataclass(frozen=True, slots=True)
class NotConverted:
    """An opioid line left out of the total, and why (shown, never counted as zero).

    ``unrecognised`` marks a name that only looks like an opioid (a likely typo).
    """

    drug: str
    reason: str
    unrecognised: bool = False
    short: str = ""

    def __str__(self) -> str:
        return f"{self.drug} ({self.reason})"

    @property
    def note(self) -> str:
        """A table cell's few words: "not counted (route IV)"."""
        return f"not counted ({self.short})" if self.short else "not counted"


@dataclass(frozen=True, slots=True)
class LineProblem:
    """An opioid line that does not validate: it is not counted and needs review."""

    drug: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.drug} (needs review: {self.field} {self.message})"


@dataclass(frozen=True, slots=True)
class MmeSummary:
    """Total daily MME of a medication list, what was left out, and what it implies.

    ``total`` counts only ``lines``; whenever ``not_converted`` or ``problems`` is not
    empty the true load is higher than ``total`` and the summary is incomplete.
    """

    total: float
    lines: tuple[tuple[str, float], ...]
    not_converted: tuple[NotConverted, ...]
    at_least_50: bool
    at_least_90: bool
    advice: tuple[str, ...]
    problems: tuple[LineProblem, ...] = ()

    @property
    def complete(self) -> bool:
        """True when every opioid on the list was converted (the total is the whole load)."""
        return not self.not_converted and not self.problems

    @property
    def has_opioids(self) -> bool:
        """True when any line is (or looks like) an opioid, converted or not."""
        return bool(self.lines or self.not_converted or self.problems)

    @property
    def left_out(self) -> tuple[str, ...]:
        """Every line not counted, each with its reason, for display."""
        return tuple(str(x) for x in (*self.not_converted, *self.problems))


def check_line(line: MedicationDose, *, opioid: bool) -> tuple[str, str, str | None]:
    """Check the structure of a line: unit, route and frequency that belong together.

    Args:
        line: The line.
        opioid: Whether the drug is an opioid (stricter units; patches must be
            continuous).

    Returns:
        (unit code, route code, indication code).

    Raises:
        ValidationError: Naming the field at fault: an unknown unit/route/frequency,
            an hourly rate without ``continuous`` (a patch given "twice a day"),
            ``continuous`` without an hourly unit, a rate on a route that cannot carry
            one, an opioid in mL without its concentration, a prn opioid without its
            maximum.
    """
    unit = medication_line.unit_code(line.unit)
    route = medication_line.route_code(line.route)
    indication = medication_line.indication_code(line.indication)
    code = frequency_code(line.frequency)
    hourly = unit in medication_line.HOURLY_UNITS
    if opioid and route == "transdermal" and not hourly:
        raise ValidationError("unit", "a patch is entered as its rate: mcg/h or mg/h")
    if hourly and code != CONTINUOUS:
        what = "a patch" if route == "transdermal" else "a rate in " + unit
        raise ValidationError(
            "frequency",
            f"{what} is given continuously: choose “continuous”, not “{FREQUENCY_LABELS[code]}”",
        )
    if code == CONTINUOUS and not hourly:
        raise ValidationError("unit", "“continuous” needs an hourly rate (mcg/h or mg/h)")
    if hourly and route not in medication_line.INFUSION_ROUTES and route != "unknown":
        raise ValidationError(
            "unit",
            f"{unit} is a rate for a patch or an infusion, not for the "
            f"{medication_line.route_label(route)} route",
        )
    if opioid and unit not in medication_line.OPIOID_UNITS:
        raise ValidationError("unit", "an opioid dose is in mg, mcg, mL, mg/h or mcg/h")
    if opioid and unit == "mL" and line.concentration_mg_per_ml is None:
        raise ValidationError(
            "concentration_mg_per_ml", "a dose in mL needs the concentration (mg per mL)"
        )
    if line.concentration_mg_per_ml is not None:
        to_decimal(line.concentration_mg_per_ml, "concentration_mg_per_ml")
    if opioid and code == PRN and line.max_doses_per_day is None:
        raise ValidationError(
            "max_doses_per_day", "an as-needed (prn) medication needs its maximum doses per day"
        )
    to_decimal(line.dose, "dose")
    return unit, route, indication


def _milligrams(line: MedicationDose, unit: str) -> Decimal:
    """The dose per administration in mg (mg/h for a rate)."""
    dose = to_decimal(line.dose, "dose")
    if unit in ("mcg", "mcg/h"):
        return dose / 1000
    if unit == "mL":
        assert line.concentration_mg_per_ml is not None
        return dose * to_decimal(line.concentration_mg_per_ml, "concentration_mg_per_ml")
    return dose


def _not_converted(
    drug: str, ingredient: str, route: str, indication: str | None
) -> NotConverted | None:
    """Why an opioid line has no CDC 2022 conversion, or None when it has one."""
    label = medication_line.route_label(route)
    if indication == medication_line.OUD_TREATMENT:
        reason = "opioid use disorder treatment: the CDC 2022 factors do not apply"
        return NotConverted(drug, reason, short="OUD treatment")
    if ingredient == "buprenorphine":
        return NotConverted(drug, "buprenorphine has no CDC 2022 MME factor", short="no factor")
    if ingredient not in _FACTORS and ingredient != "fentanyl":
        reason = f"{ingredient} has no CDC 2022 MME factor"
        return NotConverted(drug, reason, short="no factor")
    if route == medication_line.UNKNOWN_ROUTE:
        return NotConverted(drug, "route not recorded — needs review", short="needs review")
    if ingredient == "fentanyl":
        if route != "transdermal":
            reason = f"{label} fentanyl: only transdermal fentanyl has a CDC 2022 factor"
            return NotConverted(drug, reason, short=f"route {label}")
        return None
    if route != "oral":
        reason = (
            f"route {label}: the CDC 2022 factors are for oral opioids and transdermal "
            "fentanyl only"
        )
        return NotConverted(drug, reason, short=f"route {label}")
    return None


def _line_mme(line: MedicationDose, ingredient: str) -> Decimal | NotConverted:
    """Daily MME of one opioid line, or why it is not converted.

    Raises:
        ValidationError: The line does not validate.
    """
    unit, route, indication = check_line(line, opioid=True)
    match = drugs.recognise(line.drug)
    if ingredient == "fentanyl" and drugs.TRANSMUCOSAL_FENTANYL_BRANDS.intersection(match.brands):
        route = "sublingual" if route == "transdermal" else route
    left_out = _not_converted(line.drug, ingredient, route, indication)
    if left_out is None and route == "oral":
        words = sorted((_NON_ORAL_WORDS | _TRANSDERMAL_WORDS).intersection(_tokens(line.drug)))
        if words:
            reason = f"the name says “{words[0]}” but the route is oral — needs review"
            left_out = NotConverted(line.drug, reason, short="needs review")
    if left_out is not None:
        return left_out
    amount = _milligrams(line, unit)
    if ingredient == "fentanyl":
        return amount * 1000 * _FACTORS[FENTANYL_TRANSDERMAL]  # factor is per mcg/h
    return (
        exact_daily_dose(float(amount), line.frequency, line.max_doses_per_day)
        * _FACTORS[ingredient]
    )


def total_mme(doses: Iterable[MedicationDose]) -> MmeSummary:
    """Sum the daily MME of a medication list.

    Only oral opioids and transdermal fentanyl are converted (CDC 2022 table),
    mcg and mL converted to mg first. Every other opioid line (other routes,
    buprenorphine, opioids without a factor, opioid-use-disorder treatment, a name
    that only looks like an opioid) goes into ``not_converted`` with its reason; an
    opioid line that does not validate goes into ``problems``. Non-opioids are
    skipped. One bad line never stops the rest from being counted.

    Args:
        doses: The patient's current medication lines.

    Returns:
        The summary with per-line MME, threshold flags and advice.
    """
    total = Decimal(0)
    lines: list[tuple[str, float]] = []
    not_converted: list[NotConverted] = []
    problems: list[LineProblem] = []
    for line in doses:
        drug = line.drug if isinstance(line.drug, str) else ""
        opioids = drugs.recognise(drug).opioids
        if not opioids:
            typo = drugs.looks_like_opioid(drug)
            if typo is not None:
                reason = f"looks like an opioid ({typo}?) — not counted"
                not_converted.append(NotConverted(drug, reason, True, f"{typo}?"))
            continue
        if len(opioids) > 1:
            problems.append(
                LineProblem(drug, "drug", f"names several opioids ({', '.join(opioids)})")
            )
            continue
        try:
            result = _line_mme(line, opioids[0])
        except ValidationError as error:
            problems.append(LineProblem(drug, error.field, error.message))
            continue
        if isinstance(result, NotConverted):
            not_converted.append(result)
            continue
        total += result
        lines.append((drug, float(result)))
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
        problems=tuple(problems),
    )


def _number(value: float) -> str:
    return f"{round(value, 1):g}"


def format_total(summary: MmeSummary, *, short: bool = False) -> str:
    """The one wording of a daily MME total for every screen and printout.

    Never says "0 MME/day" when an opioid is on the list: with nothing converted it
    says the total is not calculated; with anything left out it says "incomplete"
    and (unless ``short``) names each line and why.

    Args:
        summary: From :func:`total_mme`.
        short: For a chip or a table cell: "45 MME/day (incomplete)".

    Returns:
        "No current opioids", "45 MME/day",
        "45 MME/day — incomplete: not counted: morphine (route intrathecal: …)", or
        "MME/day not calculated — incomplete: not counted: buprenorphine (…)".
    """
    if not summary.has_opioids:
        return "No current opioids"
    head = f"{_number(summary.total)} MME/day" if summary.lines else "MME/day not calculated"
    if summary.complete:
        return head
    if short:
        return f"{head} (incomplete)"
    return f"{head} — incomplete: not counted: " + "; ".join(summary.left_out)
