"""Field rules shared by services; each failure names the field and the rule."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from carecoord.errors import ValidationError, ValidationErrors

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class Collector:
    """Runs field checks and keeps every failure, so one save reports all bad fields."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def check(self, rule: Callable[[], T]) -> T | None:
        """The rule's result, or None (the failure kept) when it raised ValidationError."""
        try:
            return rule()
        except ValidationErrors as several:
            self.errors.extend(several.errors)
        except ValidationError as error:
            self.errors.append(error)
        return None

    def add(self, field: str, message: str) -> None:
        self.errors.append(ValidationError(field, message))

    def failed(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)

    def fields(self, rules: dict[str, Callable[[], object]]) -> dict[str, Any]:
        """Each rule's result by name; failures are kept (None in their place)."""
        return {name: self.check(rule) for name, rule in rules.items()}

    def raise_any(self) -> None:
        """One failure raises as a plain ValidationError, several as ValidationErrors."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationErrors(self.errors)


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^[0-9+()\-./ xext]{3,40}$", re.IGNORECASE)
CONTROL_CHARS = {chr(c) for c in range(32)} - {"\n", "\t"}


def text(
    value: object, field: str, *, max_length: int, required: bool = False, multiline: bool = False
) -> str | None:
    """Trimmed text or None; rejects non-text, control characters and over-long input."""
    if value is None:
        if required:
            raise ValidationError(field, "is required")
        return None
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    value = value.strip()
    if not value:
        if required:
            raise ValidationError(field, "is required")
        return None
    bad = CONTROL_CHARS if multiline else CONTROL_CHARS | {"\n", "\t"}
    if any(ch in bad for ch in value) or "\x7f" in value:
        raise ValidationError(field, "contains control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # unpaired surrogates: no database can store them
        raise ValidationError(field, "contains characters that cannot be stored") from None
    if len(value) > max_length:
        raise ValidationError(field, f"must be at most {max_length} characters")
    return value


def required_text(value: object, field: str, *, max_length: int, multiline: bool = False) -> str:
    result = text(value, field, max_length=max_length, required=True, multiline=multiline)
    assert result is not None
    return result


def email(value: object, field: str = "email") -> str | None:
    result = text(value, field, max_length=254)
    if result is not None and not EMAIL_RE.match(result):
        raise ValidationError(field, "is not an e-mail address")
    return result


def phone(value: object, field: str = "phone") -> str | None:
    result = text(value, field, max_length=40)
    if result is not None and (not PHONE_RE.match(result) or sum(c.isdigit() for c in result) < 3):
        raise ValidationError(field, "is not a telephone number")
    return result


MIN_YEAR, MAX_YEAR = 1900, 2200


def a_date(value: object, field: str, *, required: bool = False) -> date | None:
    """A ``date`` (not a datetime), or an ISO ``YYYY-MM-DD`` string, within 1900-2200.

    The one date check of every service input: a string is parsed first and then meets
    the same range rule as a date (a year 9999 would break due dates and the plan PDF).
    """
    if _empty(value, field, required):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(field, "must be a date (YYYY-MM-DD)") from None
    if isinstance(value, date) and type(value) is date:
        if not (MIN_YEAR <= value.year <= MAX_YEAR):
            raise ValidationError(field, f"is outside the years {MIN_YEAR}-{MAX_YEAR}")
        return value
    raise ValidationError(field, "must be a date")


def required_date(value: object, field: str) -> date:
    result = a_date(value, field, required=True)
    assert result is not None
    return result


def not_before(later: date | None, earlier: date | None, field: str, earlier_name: str) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise ValidationError(field, f"cannot be before {earlier_name}")


def not_future(value: date | None, field: str, today: date) -> None:
    if value is not None and value > today:
        raise ValidationError(field, "cannot be in the future")


def choice(value: object, enum: type[E], field: str, *, required: bool = True) -> E:
    """A member of ``enum`` from the member or its value."""
    if (value is None or value == "") and required:
        raise ValidationError(field, "is required")
    if isinstance(value, enum):
        return value
    if not isinstance(value, str):
        raise ValidationError(field, "must be one of: " + ", ".join(m.value for m in enum))
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValidationError(field, f"must be one of: {allowed}") from None


def optional_choice(value: object, enum: type[E], field: str) -> E | None:
    if value is None or value == "":
        return None
    return choice(value, enum, field)


def integer(
    value: object,
    field: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = False,
) -> int | None:
    if _empty(value, field, required):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole number")
    _within(value, field, minimum, maximum)
    return value


def number(
    value: object,
    field: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    required: bool = False,
) -> float | None:
    if _empty(value, field, required):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, "must be a number")
    result = float(value)
    if result != result or result in (float("inf"), float("-inf")):
        raise ValidationError(field, "must be a finite number")
    _within(result, field, minimum, maximum, "g")
    return result


def _empty(value: object, field: str, required: bool) -> bool:
    """Whether nothing was given (None or blank); that is an error when ``required``."""
    if value is None or value == "":
        if required:
            raise ValidationError(field, "is required")
        return True
    return False


def _within(
    value: float, field: str, minimum: float | None, maximum: float | None, shown: str = ""
) -> None:
    """Check the bounds given; the message shows a bound with the format spec ``shown``."""
    if minimum is not None and value < minimum:
        raise ValidationError(field, f"must be at least {minimum:{shown}}")
    if maximum is not None and value > maximum:
        raise ValidationError(field, f"must be at most {maximum:{shown}}")


def flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, "must be yes or no")
    return value


def search_key(name: str) -> str:
    """Lower-case ASCII form of a name for prefix search ("Zoë Ñúñez" -> "zoe nunez").

    Only a-z, 0-9 and single spaces survive, so every key sorts below ``key + "~"`` and a
    prefix query is a plain index range on any collation we use.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    translated = ascii_only.translate(_SPECIAL_LETTERS)
    cleaned = "".join(c if (c.isascii() and c.isalnum()) else " " for c in translated)
    return " ".join(cleaned.split())[:80]


# Apostrophes vanish ("O'Brien" -> "obrien") so people can type the name without them.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "đ": "d",
        "'": "",
        "\u2019": "",
        "\u02bc": "",
    }
)


def key_range(prefix: str) -> tuple[str, str]:
    """The half-open key range holding every key that starts with ``prefix``."""
    return prefix, prefix + "~"


def distinct_ids(values: Iterable[object], field: str) -> list[int]:
    result: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(field, "must list record numbers")
        if value not in result:
            result.append(value)
    return result
