"""Small helpers every demo step shares: the demo accounts' password, the seeded
random stream, enum values as stored, and the fictional specialist-report PDF."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Final, TypeVar

from carecoord.demo import clinic

T = TypeVar("T")


DEMO_PASSWORD: Final = "demo"
"""Password of every demo account. Demo only: never load demo data where real patients live."""

DEMO_USERNAMES: Final = ("admin", "drlee", "therapist", "frontdesk")
LOADED_BY: Final = "demo"


def sentence(text: str) -> str:
    """``text`` with its first letter in upper case and the rest as written ("PHQ-9")."""
    return text[:1].upper() + text[1:]


def sv(member: StrEnum) -> str:
    """An enum's stored value as a plain ``str`` (drivers must not see the enum itself)."""
    value: str = member._value_  # the attribute itself: ``.value`` is a slow descriptor
    return value


class DemoRandom(random.Random):
    """``random.Random`` with quicker integer and element draws (millions are made)."""

    def between(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high`` inclusive."""
        return low + int(self.random() * (high - low + 1))

    def pick(self, items: Sequence[T]) -> T:
        """One element of a non-empty sequence."""
        return items[int(self.random() * len(items))]


def banded(roll: float, bands: Sequence[tuple[float, T]], rest: T) -> T:
    """The value of the first band whose bound ``roll`` is below, else ``rest``: a draw of
    ``random()`` against cumulative probabilities ((0.75, routine), (0.9, urgent), ...)."""
    for bound, value in bands:
        if roll < bound:
            return value
    return rest


def report_pdf(
    heading: str = "Specialist report",
    findings: str = "see the referral history in CareCoord.",
) -> bytes:
    """A one-page, valid PDF marked as a fictional document (built by hand: fast)."""
    lines = (
        (16, heading),
        (11, "DEMONSTRATION DOCUMENT - fictional patient, not a medical record."),
        (11, f"Findings: {findings}"),
        (11, f"Filed to {clinic.CLINIC_NAME} demo data."),
    )
    parts = ["BT", "72 720 Td"]
    for i, (size, line) in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        parts.append(f"/F1 {size} Tf {'0 -24 Td ' if i else ''}({escaped}) Tj")
    parts.append("ET")
    stream = "\n".join(parts).encode("latin-1")
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def hash_password() -> str:
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
    return str(hasher.hash(DEMO_PASSWORD))


def clamp(value: float, low: int = 0, high: int = 10) -> int:
    return max(low, min(high, round(value)))


def weekday(day: date) -> date:
    """Move a weekend day to the Monday after (clinics book on weekdays)."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


def cumulative(weights: Sequence[int]) -> list[int]:
    total = 0
    out = []
    for weight in weights:
        total += weight
        out.append(total)
    return out
