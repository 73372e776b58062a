"""Monitoring results of long-term opioid therapy: what is measured, in which unit, what
is plausible, what is normal, and the two rules (docs/clinical-reference.md §5.1).

Pure: no database, no Qt. The service layer validates entries here and the chart, the
Results tab and letters word results with the same labels and units.

* **Urine drug screen** per substance of a fixed panel: positive or negative, and whether
  the substance was expected (prescribed). A positive result for a substance not
  expected, or a negative one for a substance expected, is *unexpected* (CDC 2022 Rec. 10).
* **PDMP check**: when, the result, who checked. A patient on opioids without a check in
  the last N days (default 90, clinic setting) is *overdue* (CDC 2022 Rec. 9).
* **Liver** (ALT, AST), **kidney** (creatinine, eGFR) and **vitals** (blood pressure,
  weight, BMI): numbers in a fixed unit, refused outside a plausible range, flagged low or
  high against a typical adult reference range.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from carecoord.clinical.vocabulary import LabelledEnum
from carecoord.errors import ValidationError

DEFAULT_PDMP_INTERVAL_DAYS = 90
"""CDC 2022 Rec. 9: review the PDMP periodically, from every prescription to every 3 months."""
MIN_PDMP_INTERVAL_DAYS, MAX_PDMP_INTERVAL_DAYS = 1, 365


class ResultKind(LabelledEnum):
    """A kind of monitoring result; each has a table and an entry form of its own."""

    DRUG_SCREEN = "drug_screen", "Urine drug screen"
    PDMP = "pdmp", "PDMP check"
    LIVER = "liver", "Liver function"
    KIDNEY = "kidney", "Kidney function"
    VITALS = "vitals"


class ScreenResult(LabelledEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


class PdmpResult(LabelledEnum):
    """What the prescription-monitoring record showed."""

    CONSISTENT = "consistent", "Consistent with the clinic's prescribing"
    CONCERNS = "concerns", "Concerns (other prescribers, overlapping or early fills)"


# --------------------------------------------------------------------------- the panel
DRUG_PANEL: dict[str, str] = {
    "amphetamines": "Amphetamines",
    "benzodiazepines": "Benzodiazepines",
    "buprenorphine": "Buprenorphine",
    "cannabinoids": "Cannabinoids (THC)",
    "cocaine": "Cocaine",
    "fentanyl": "Fentanyl",
    "methadone": "Methadone",
    "opiates": "Opiates (morphine, codeine)",
    "oxycodone": "Oxycodone",
    "tramadol": "Tramadol",
    "alcohol": "Alcohol (ethyl glucuronide)",
}
"""The substances the clinic's screen reports (code: label); nothing else is accepted."""


@dataclass(frozen=True)
class Analyte:
    """A numeric quantity: its unit, the range a real measurement falls in (anything
    outside is a typing error and refused) and the typical adult reference range."""

    code: str
    label: str
    unit: str
    kind: ResultKind
    plausible: tuple[float, float]
    reference: tuple[float | None, float | None]
    decimals: int = 0


ANALYTES: dict[str, Analyte] = {
    a.code: a
    for a in (
        Analyte("alt", "ALT", "U/L", ResultKind.LIVER, (1, 10000), (7, 56)),
        Analyte("ast", "AST", "U/L", ResultKind.LIVER, (1, 10000), (10, 40)),
        Analyte("creatinine", "Creatinine", "mg/dL", ResultKind.KIDNEY, (0.1, 30), (0.6, 1.3), 2),
        Analyte("egfr", "eGFR", "mL/min/1.73 m²", ResultKind.KIDNEY, (1, 200), (60, None)),
        Analyte("systolic", "Systolic BP", "mmHg", ResultKind.VITALS, (50, 300), (90, 119)),
        Analyte("diastolic", "Diastolic BP", "mmHg", ResultKind.VITALS, (20, 200), (60, 79)),
        Analyte("weight", "Weight", "kg", ResultKind.VITALS, (20, 400), (None, None), 1),
        Analyte("bmi", "BMI", "kg/m²", ResultKind.VITALS, (10, 100), (18.5, 24.9), 1),
    )
}

NUMERIC_KINDS = (ResultKind.LIVER, ResultKind.KIDNEY, ResultKind.VITALS)


def analytes_of(kind: ResultKind) -> tuple[Analyte, ...]:
    """The numbers one kind of result records, in the order forms and tables show them."""
    return tuple(a for a in ANALYTES.values() if a.kind == kind)


# --------------------------------------------------------------------------- checking
def check_value(code: str, value: object) -> float:
    """``value`` as a float when plausible for analyte ``code``.

    Raises:
        ValidationError: naming the analyte's code as the field: not a number, or outside
            the plausible range for its unit.
    """
    analyte = ANALYTES.get(code)
    if analyte is None:
        raise ValidationError("analyte", f"{code!r} is not a monitored value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(code, "must be a number")
    number = float(value)
    low, high = analyte.plausible
    if number != number or not (low <= number <= high):
        raise ValidationError(
            code, f"{number:g} {analyte.unit} is not plausible (expected {low:g}–{high:g})"
        )
    return number


def check_substance(code: object) -> str:
    """A substance code of :data:`DRUG_PANEL`.

    Raises:
        ValidationError: field ``substance``: not on the panel.
    """
    if not isinstance(code, str) or code.strip().lower() not in DRUG_PANEL:
        raise ValidationError(
            "substance", f"{code!r} is not on the drug-screen panel ({', '.join(DRUG_PANEL)})"
        )
    return code.strip().lower()


def reference_text(reference: tuple[float | None, float | None]) -> str:
    """A reference range as printed: "7–56", "≥ 60", "≤ 5" or "" when there is none."""
    low, high = reference
    if low is not None and high is not None:
        return f"{low:g}–{high:g}"
    if low is not None:
        return f"≥ {low:g}"
    if high is not None:
        return f"≤ {high:g}"
    return ""


def out_of_range(value: float, low: float | None, high: float | None) -> str | None:
    """ "low", "high" or None against a reference range (bounds inclusive)."""
    if low is not None and value < low:
        return "low"
    if high is not None and value > high:
        return "high"
    return None


def unexpected(result: ScreenResult | str, expected: bool) -> str | None:
    """Why a screen result is unexpected, or None (CDC 2022 Rec. 10).

    Positive for a substance not prescribed may mean use of a non-prescribed drug;
    negative for one prescribed may mean it is not being taken as prescribed. Neither is a
    diagnosis: the guideline asks to discuss it with the patient and confirm when needed.
    """
    positive = ScreenResult(result) == ScreenResult.POSITIVE
    if positive and not expected:
        return "positive, not expected"
    if not positive and expected:
        return "negative, expected (prescribed)"
    return None


@dataclass(frozen=True)
class PdmpStatus:
    """Whether a PDMP check is due for a patient on opioids, and the words for it."""

    overdue: bool
    last_check: date | None
    days_since: int | None
    interval_days: int

    @property
    def text(self) -> str:
        if self.last_check is None:
            return "No PDMP check recorded (patient on opioids)"
        return (
            f"PDMP check overdue: last {self.last_check.isoformat()}, {self.days_since} days "
            f"ago (every {self.interval_days} days)"
        )


def pdmp_status(
    on_opioids: bool, checks: Iterable[date], today: date, interval_days: int
) -> PdmpStatus | None:
    """The PDMP status of a patient on opioids (None when not on opioids: nothing is due).

    Overdue when no check was recorded, or the latest is more than ``interval_days`` old.
    """
    if not on_opioids:
        return None
    past = [d for d in checks if d <= today]
    last = max(past, default=None)
    if last is None:
        return PdmpStatus(True, None, None, interval_days)
    days = (today - last).days
    return PdmpStatus(days > interval_days, last, days, interval_days)


def format_value(code: str, value: float) -> str:
    """A value with the analyte's usual decimals and unit: "1.05 mg/dL", "128 mmHg"."""
    analyte = ANALYTES[code]
    return f"{value:.{analyte.decimals}f} {analyte.unit}"
