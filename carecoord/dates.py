"""How CareCoord prints dates: US long form by default, or the format the clinic chose.

Below every package (clinical texts and letters both print dates), so neither imports the
other for it.
"""

from __future__ import annotations

from datetime import date

DATE_FORMATS: dict[str, str] = {
    "us_long": "March 4, 1973",
    "us_numeric": "03/04/1973",
    "iso": "1973-03-04",
    "day_month": "4 March 1973",
}
"""The letter date formats a clinic may choose (Settings), each with its example."""

DEFAULT_DATE_FORMAT = "us_long"


def long_date(value: date | None) -> str:
    """ "12 May 1980": day, month name, year (plans print dates so)."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_date(value: date | None, style: str = DEFAULT_DATE_FORMAT) -> str:
    """A date as the clinic chose to print it (:data:`DATE_FORMATS`).

    Raises:
        ValueError: An unknown style.
    """
    if style not in DATE_FORMATS:
        raise ValueError(f"unknown date format {style!r}: use one of {', '.join(DATE_FORMATS)}")
    if value is None:
        return ""
    if style == "us_long":
        return f"{value:%B} {value.day}, {value.year}"
    if style == "us_numeric":
        return f"{value:%m/%d/%Y}"
    if style == "iso":
        return value.isoformat()
    return long_date(value)
