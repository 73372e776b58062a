"""How often a dose is taken (codes, labels, doses a day) and the daily dose it gives,
in :class:`~decimal.Decimal` so the MME arithmetic below it compares exactly."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Final

from carecoord.errors import ValidationError


def to_decimal(value: float, field: str) -> Decimal:
    """A finite, non-negative number as an exact Decimal (its shortest repr, so 0.15 is 0.15)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, f"must be a number (got {value!r})")
    if not math.isfinite(value):
        raise ValidationError(field, f"must be a finite number (got {value!r})")
    if value < 0:
        raise ValidationError(field, f"must not be negative (got {value!r})")
    return Decimal(str(value))


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


def frequency_code(frequency: str) -> str:
    """The known frequency code ``frequency`` spells ("B.I.D." -> "bid"), or ValidationError."""
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
    return FREQUENCY_LABELS[frequency_code(code)]


def exact_daily_dose(dose: float, frequency: str, max_doses_per_day: float | None) -> Decimal:
    """:func:`daily_dose` as an exact Decimal, for the MME arithmetic."""
    amount = to_decimal(dose, "dose")
    code = frequency_code(frequency)
    cap = None if max_doses_per_day is None else to_decimal(max_doses_per_day, "max_doses_per_day")
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
    return float(exact_daily_dose(dose, frequency, max_doses_per_day))
