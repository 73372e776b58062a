"""Opioid safety alerts of the CDC 2022 guideline (Rec. 4, 8, 11, 12) for one medication list.

Pure rules over the current medication lines and diagnosis codes, so the chart header,
the suggestions and the tests read the same verdicts (docs/clinical-reference.md §5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from carecoord.clinical import drugs, medication_line, mme
from carecoord.clinical.drugs import DrugClass

Severity = Literal["danger", "warning"]

CDC_2022: Final = "CDC 2022 Clinical Practice Guideline for Prescribing Opioids for Pain"
OUD_PREFIXES: Final = ("F11",)
OVERDOSE_PREFIXES: Final = ("T400", "T401", "T402", "T403", "T404", "T406")
"""ICD-10-CM poisoning by opium, heroin, other opioids, methadone, synthetic narcotics,
unspecified narcotics: a recorded opioid overdose."""

CODES: Final = (
    "opioid_benzodiazepine",
    "opioid_gabapentinoid",
    "naloxone",
    "moud",
    "mme_90",
    "mme_50",
    "not_converted",
    "unrecognised_opioid",
)
"""Every alert code, most serious first (the order :func:`alerts` returns them in)."""


@dataclass(frozen=True, slots=True)
class Alert:
    """One safety alert: a stable ``code``, a severity, a short ``title`` for a chip and
    the full ``text`` naming the guideline recommendation it comes from."""

    code: str
    severity: Severity
    title: str
    text: str


def _plain_code(code: str) -> str:
    return code.strip().upper().replace(".", "")


def has_oud(diagnosis_codes: Iterable[str]) -> bool:
    """True for any ICD-10-CM F11.* (opioid-related disorder) code."""
    return any(_plain_code(c).startswith(OUD_PREFIXES) for c in diagnosis_codes)


def has_overdose(diagnosis_codes: Iterable[str]) -> bool:
    """True for any ICD-10-CM T40.0-T40.4 / T40.6 (opioid poisoning) code."""
    return any(_plain_code(c).startswith(OVERDOSE_PREFIXES) for c in diagnosis_codes)


def _names(lines: Iterable[mme.MedicationDose]) -> str:
    return ", ".join(line.drug for line in lines)


def _is_moud(line: mme.MedicationDose, match: drugs.DrugMatch) -> bool:
    try:
        indication = medication_line.indication_code(line.indication)
    except ValueError:
        indication = None
    if indication == medication_line.OUD_TREATMENT:
        return bool(match.opioids) or "naltrexone" in match.ingredients
    return bool(drugs.OUD_TREATMENT_BRANDS.intersection(match.brands))


def alerts(
    medications: Iterable[mme.MedicationDose],
    diagnosis_codes: Iterable[str],
    *,
    overdose_history: bool = False,
) -> list[Alert]:
    """The CDC 2022 safety alerts for a patient's current medications and diagnoses.

    * ``opioid_benzodiazepine`` (danger): an opioid with a benzodiazepine (Rec. 11).
    * ``opioid_gabapentinoid`` (warning): an opioid with gabapentin or pregabalin (Rec. 11).
    * ``naloxone`` (warning): no naloxone on the list while overdose risk is raised —
      >= 50 MME/day, an opioid with a benzodiazepine, an opioid use disorder (F11.*)
      or a history of overdose (Rec. 8).
    * ``moud`` (warning): an opioid use disorder without medication for it
      (buprenorphine, methadone or naltrexone for OUD) on the list (Rec. 12).
    * ``mme_90`` (danger) / ``mme_50`` (warning): the converted total (Rec. 4).
    * ``not_converted`` (warning): opioid lines left out of the total (CDC 2022 table).
    * ``unrecognised_opioid`` (warning): a name that looks like a misspelt opioid.

    Args:
        medications: The current medication lines (all drugs, not only opioids).
        diagnosis_codes: The patient's active ICD-10-CM codes (dot optional).
        overdose_history: A known past opioid overdose (also read from T40.x codes).

    Returns:
        Alerts in the order of :data:`CODES`; empty when nothing applies.
    """
    lines = list(medications)
    codes = list(diagnosis_codes)
    matched = [(line, drugs.recognise(line.drug)) for line in lines]
    opioids = [line for line, m in matched if m.opioids]
    benzos = [line for line, m in matched if m.has(DrugClass.BENZODIAZEPINE)]
    gabapentinoids = [line for line, m in matched if m.has(DrugClass.GABAPENTINOID)]
    naloxone_rescue = any(
        ("naloxone" in m.ingredients or "nalmefene" in m.ingredients) and not m.opioids
        for _, m in matched
    )
    moud = any(_is_moud(line, m) for line, m in matched)
    oud = has_oud(codes)
    overdose = overdose_history or has_overdose(codes)
    summary = mme.total_mme(lines)
    found: dict[str, Alert] = {}

    if opioids and benzos:
        found["opioid_benzodiazepine"] = Alert(
            "opioid_benzodiazepine",
            "danger",
            "Opioid + benzodiazepine",
            f"Opioid ({_names(opioids)}) with a benzodiazepine ({_names(benzos)}): avoid "
            "prescribing them together; weigh a gradual benzodiazepine taper and offer "
            "naloxone (CDC 2022 Rec. 11).",
        )
    if opioids and gabapentinoids:
        found["opioid_gabapentinoid"] = Alert(
            "opioid_gabapentinoid",
            "warning",
            "Opioid + gabapentinoid",
            f"Opioid ({_names(opioids)}) with a gabapentinoid ({_names(gabapentinoids)}): "
            "added sedation and respiratory depression; use extra caution and review the "
            "need for both (CDC 2022 Rec. 11, other central nervous system depressants).",
        )
    risks = []
    if opioids and summary.at_least_50:
        risks.append(f"{mme.format_total(summary, short=True)}, ≥ 50")
    if opioids and benzos:
        risks.append("a benzodiazepine as well")
    if oud:
        risks.append("opioid use disorder")
    if overdose:
        risks.append("a history of overdose")
    # Naloxone inside Suboxone/Zubsolv does not reverse an overdose: only a rescue product counts.
    if risks and not naloxone_rescue:
        found["naloxone"] = Alert(
            "naloxone",
            "warning",
            "Offer naloxone",
            "Overdose risk is raised (" + "; ".join(risks) + ") and no naloxone is on the "
            "medication list: offer naloxone and teach its use (CDC 2022 Rec. 8).",
        )
    if oud and not moud:
        found["moud"] = Alert(
            "moud",
            "warning",
            "Offer treatment for OUD",
            "Opioid use disorder (F11) without medication for it on the list: offer or "
            "arrange evidence-based treatment, usually buprenorphine or methadone "
            "(CDC 2022 Rec. 12).",
        )
    if summary.at_least_90:
        found["mme_90"] = Alert(
            "mme_90",
            "danger",
            f"{mme.format_total(summary, short=True)} (≥ 90)",
            f"{mme.format_total(summary, short=True)}: {mme.ADVICE_90} Reassess and avoid "
            "further increases (CDC 2022 Rec. 4).",
        )
    elif summary.at_least_50:
        found["mme_50"] = Alert(
            "mme_50",
            "warning",
            f"{mme.format_total(summary, short=True)} (≥ 50)",
            f"{mme.format_total(summary, short=True)}: {mme.ADVICE_50} (CDC 2022 Rec. 4 and 8).",
        )
    left_out = [x for x in summary.not_converted if not x.unrecognised]
    if left_out or summary.problems:
        listed = "; ".join(str(x) for x in (*left_out, *summary.problems))
        found["not_converted"] = Alert(
            "not_converted",
            "warning",
            "MME incomplete",
            f"Daily MME incomplete — not counted: {listed}. The CDC 2022 conversion factors "
            "are for oral opioids and transdermal fentanyl only (CDC 2022, Table: MME "
            "conversion factors); judge these lines clinically.",
        )
    typos = [x for x in summary.not_converted if x.unrecognised]
    if typos:
        found["unrecognised_opioid"] = Alert(
            "unrecognised_opioid",
            "warning",
            "Looks like an opioid",
            "; ".join(f"“{x.drug}” {x.reason}" for x in typos)
            + ": check the spelling so the line counts toward the daily MME (CDC 2022 Rec. 4).",
        )
    return [found[code] for code in CODES if code in found]
