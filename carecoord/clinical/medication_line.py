"""The coded parts of a structured medication line: route, unit and indication.

Codes are accepted in any case and in their common spellings ("IV", "po", "mcg/hr"),
so entry is quick and stored values are always one canonical code
(docs/clinical-reference.md §5).
"""

from __future__ import annotations

from typing import Final

from carecoord.errors import ValidationError

UNKNOWN_ROUTE: Final = "unknown"
"""Only for lines migrated from free text whose route the old data did not imply."""

ROUTES: Final[dict[str, str]] = {
    "oral": "oral",
    "transdermal": "transdermal",
    "sublingual": "sublingual / buccal",
    "iv": "IV",
    "im": "IM",
    "sc": "SC",
    "intrathecal": "intrathecal",
    "epidural": "epidural",
    "rectal": "rectal",
    "other": "other",
}
"""Route code -> label, in the order the form offers them."""

ROUTE_LABELS: Final[dict[str, str]] = {**ROUTES, UNKNOWN_ROUTE: "unknown — needs review"}

_ROUTE_ALIASES: Final[dict[str, str]] = {
    "po": "oral",
    "by mouth": "oral",
    "td": "transdermal",
    "patch": "transdermal",
    "sl": "sublingual",
    "buccal": "sublingual",
    "sublingual/buccal": "sublingual",
    "sublingual / buccal": "sublingual",
    "transmucosal": "sublingual",
    "intravenous": "iv",
    "intramuscular": "im",
    "subcutaneous": "sc",
    "sq": "sc",
    "subcut": "sc",
    "pr": "rectal",
    "it": "intrathecal",
    "topical": "other",
    "intranasal": "other",
    "nasal": "other",
    "inhaled": "other",
}

INFUSION_ROUTES: Final = frozenset({"transdermal", "iv", "sc", "intrathecal", "epidural"})
"""Routes where a dose may be a continuous rate (mg/h, mcg/h)."""

UNITS: Final = ("mg", "mcg", "mg/h", "mcg/h", "mL", "g", "units", "puffs", "patch")
"""Dose units; opioids use the first five (see :data:`OPIOID_UNITS`)."""

OPIOID_UNITS: Final = frozenset({"mg", "mcg", "mg/h", "mcg/h", "mL"})
HOURLY_UNITS: Final = frozenset({"mg/h", "mcg/h"})

_UNIT_ALIASES: Final[dict[str, str]] = {
    "mg": "mg",
    "mcg": "mcg",
    "µg": "mcg",
    "μg": "mcg",
    "ug": "mcg",
    "mg/h": "mg/h",
    "mg/hr": "mg/h",
    "mcg/h": "mcg/h",
    "mcg/hr": "mcg/h",
    "µg/h": "mcg/h",
    "ug/h": "mcg/h",
    "ml": "mL",
    "g": "g",
    "units": "units",
    "unit": "units",
    "puffs": "puffs",
    "puff": "puffs",
    "patch": "patch",
}

OUD_TREATMENT: Final = "opioid_use_disorder"

INDICATIONS: Final[dict[str, str]] = {
    "pain": "pain",
    "neuropathic_pain": "neuropathic pain",
    "headache": "headache / migraine",
    OUD_TREATMENT: "opioid use disorder treatment",
    "depression": "depression",
    "anxiety": "anxiety",
    "sleep": "sleep",
    "muscle_spasm": "muscle spasm",
    "overdose_rescue": "overdose rescue (naloxone)",
    "other": "other",
}
"""Indication code -> label; "opioid use disorder treatment" keeps MOUD out of the MME."""

_INDICATION_ALIASES: Final[dict[str, str]] = {
    "oud": OUD_TREATMENT,
    "moud": OUD_TREATMENT,
    "opioid use disorder": OUD_TREATMENT,
    "opioid use disorder treatment": OUD_TREATMENT,
    "neuropathic pain": "neuropathic_pain",
    "migraine": "headache",
    "muscle spasm": "muscle_spasm",
    "overdose rescue": "overdose_rescue",
}


def _plain(value: object) -> str:
    return " ".join(value.strip().lower().split()) if isinstance(value, str) else ""


def route_code(route: object) -> str:
    """Canonical route code of ``route`` ("IV" -> "iv", "PO" -> "oral").

    Args:
        route: A code or common spelling, any case.

    Returns:
        A key of :data:`ROUTES` or :data:`UNKNOWN_ROUTE`.

    Raises:
        ValidationError: ``route`` is not a known route.
    """
    text = _plain(route)
    code = text if text in ROUTE_LABELS else _ROUTE_ALIASES.get(text)
    if code is None:
        raise ValidationError("route", "must be one of: " + ", ".join(ROUTES.values()))
    return code


def unit_code(unit: object) -> str:
    """Canonical unit ("mcg/hr" -> "mcg/h", "ML" -> "mL").

    Raises:
        ValidationError: ``unit`` is not a known unit.
    """
    text = _plain(unit).replace(" ", "")
    code = _UNIT_ALIASES.get(text)
    if code is None:
        raise ValidationError("unit", "must be one of: " + ", ".join(UNITS))
    return code


def indication_code(indication: object) -> str | None:
    """Canonical indication code, or None when none is given.

    Raises:
        ValidationError: An indication that is not on the list.
    """
    text = _plain(indication)
    if not text:
        return None
    key = text.replace(" ", "_")
    if key in INDICATIONS:
        return key
    code = _INDICATION_ALIASES.get(text)
    if code is None:
        raise ValidationError("indication", "must be one of: " + ", ".join(INDICATIONS.values()))
    return code


def route_label(code: str) -> str:
    """Display text of a stored route code (unknown codes shown as they are)."""
    return ROUTE_LABELS.get(code, code)
