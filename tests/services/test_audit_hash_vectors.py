"""Known-answer vectors for the audit record's canonical serialisation and its hash.

The expected bytes are written out by hand from the format described in
``carecoord/services/audit.py`` (a compact JSON array, ASCII only, fields in a fixed
order); the digests were computed once from those literal bytes with ``sha256sum``,
outside CareCoord. Any change to field order, escaping, the timestamp's form or the
format name breaks a stored audit trail, so it must fail here rather than pass silently.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from carecoord.services.audit import GENESIS_HASH, canonical, record_hash

FIRST: dict[str, Any] = {
    "id": 1,
    "at": datetime(2026, 1, 2, 3, 4, 5, 6),  # naive: stored UTC
    "user_id": 3,
    "username": "drlee",
    "action": "read",
    "entity": "patient",
    "entity_id": 42,
    "patient_id": 42,
    "data_category": "general",
    "detail": None,
}
FIRST_BYTES = (
    b'["carecoord-audit-1",1,"2026-01-02T03:04:05.000006Z",3,"drlee","read","patient",'
    b'42,42,"general",null,"0000000000000000000000000000000000000000000000000000000000000000"]'
)
FIRST_HASH = "c025ee43a6be3e35a8d986b24bf7d748733b893529ac11c4946caf6cdfa77f36"

SECOND: dict[str, Any] = {
    "id": 2,
    # 02:30 at UTC+2 is 00:30 UTC; the serialisation always says UTC.
    "at": datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=2))),
    "user_id": None,
    "username": "system",
    "action": "update",
    "entity": "referral",
    "entity_id": None,
    "patient_id": 7,
    "data_category": "psychiatric",
    "detail": "Wróbel – “seen”\n",
}
SECOND_BYTES = (
    b'["carecoord-audit-1",2,"2026-03-29T00:30:00.000000Z",null,"system","update",'
    b'"referral",null,7,"psychiatric","Wr\\u00f3bel \\u2013 \\u201cseen\\u201d\\n",'
    b'"c025ee43a6be3e35a8d986b24bf7d748733b893529ac11c4946caf6cdfa77f36"]'
)
SECOND_HASH = "66accfcbda56a39756fc0fc99be5a8af1c7025a1d872c9d2db9eb2391ffc8d96"

THIRD: dict[str, Any] = {
    "id": 3,
    "at": datetime(2026, 12, 31, 23, 59, 59, 999999),
    "user_id": 5,
    "username": "jpark",
    "action": "export",
    "entity": "patient",
    "entity_id": 9,
    "patient_id": 9,
    "data_category": "substance_use",
    "detail": "\U0001f600 \ud800",  # an emoji (a surrogate pair in JSON) and a lone surrogate
}
THIRD_BYTES = (
    b'["carecoord-audit-1",3,"2026-12-31T23:59:59.999999Z",5,"jpark","export","patient",'
    b'9,9,"substance_use","\\ud83d\\ude00 \\ud800",'
    b'"66accfcbda56a39756fc0fc99be5a8af1c7025a1d872c9d2db9eb2391ffc8d96"]'
)
THIRD_HASH = "a5370af3ee9841ae04ce82c9e0a76c429b1f648f6fac87b4675f0c7a0d87d67a"

VECTORS = [
    pytest.param(FIRST, GENESIS_HASH, FIRST_BYTES, FIRST_HASH, id="genesis"),
    pytest.param(SECOND, FIRST_HASH, SECOND_BYTES, SECOND_HASH, id="non-ascii-and-nulls"),
    pytest.param(THIRD, SECOND_HASH, THIRD_BYTES, THIRD_HASH, id="surrogates"),
]


def test_genesis_is_sixty_four_zeros() -> None:
    assert GENESIS_HASH == "0000000000000000000000000000000000000000000000000000000000000000"


@pytest.mark.parametrize(("values", "prev_hash", "expected_bytes", "expected_hash"), VECTORS)
def test_canonical_serialisation_is_byte_for_byte_the_written_one(
    values: dict[str, Any], prev_hash: str, expected_bytes: bytes, expected_hash: str
) -> None:
    assert canonical(values, prev_hash) == expected_bytes


@pytest.mark.parametrize(("values", "prev_hash", "expected_bytes", "expected_hash"), VECTORS)
def test_record_hash_is_the_known_answer(
    values: dict[str, Any], prev_hash: str, expected_bytes: bytes, expected_hash: str
) -> None:
    assert record_hash(values, prev_hash) == expected_hash


def test_fields_outside_the_record_do_not_change_the_hash() -> None:
    """The stored hash columns themselves (and any extra key) are not hashed."""
    stored = {**FIRST, "prev_hash": GENESIS_HASH, "hash": FIRST_HASH, "note": "ignored"}
    assert record_hash(stored, GENESIS_HASH) == FIRST_HASH


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 2),
        ("at", datetime(2026, 1, 2, 3, 4, 5, 7)),
        ("user_id", None),
        ("username", "drlee "),
        ("action", "update"),
        ("entity", "referral"),
        ("entity_id", 43),
        ("patient_id", None),
        ("data_category", "psychiatric"),
        ("detail", ""),
    ],
)
def test_every_field_is_hashed(field: str, value: object) -> None:
    assert record_hash({**FIRST, field: value}, GENESIS_HASH) != FIRST_HASH


def test_the_previous_hash_is_hashed() -> None:
    assert record_hash(FIRST, FIRST_HASH) != FIRST_HASH
