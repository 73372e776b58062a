"""Tests for the ICD-10-CM lookup (carecoord.services.codes)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from carecoord.errors import ValidationError
from carecoord.services import codes
from carecoord.services.codes import CodeEntry

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _index() -> Iterator[None]:
    codes.warm_up()
    yield


def _codes(entries: list[CodeEntry]) -> list[str]:
    return [e.code for e in entries]


# --- billable or not ------------------------------------------------------------------


@pytest.mark.parametrize("code", ["M54.50", "M54.51", "M54.59", "G89.4", "F32.A", "QA0.0101"])
def test_leaf_codes_are_billable(code: str) -> None:
    assert codes.is_billable(code)


@pytest.mark.parametrize("code", ["M54.5", "M54", "G89", "S72.001", "QA0"])
def test_categories_are_not_billable(code: str) -> None:
    assert not codes.is_billable(code)


@pytest.mark.parametrize(
    "code", ["", "   ", "X", "M99.999", "ZZZ.9", "A00-A09", "1", "M54.5.0", "M5.450", "M 54.50"]
)
def test_unknown_codes_are_not_billable(code: str) -> None:
    assert not codes.is_billable(code)


@pytest.mark.parametrize("typed", ["m54.50", " M54.50 ", "m5450", "M5450", "\tm54.50\n"])
def test_billable_tolerates_case_spaces_and_missing_dot(typed: str) -> None:
    assert codes.is_billable(typed)
    assert codes.require_billable(typed) == CodeEntry("M54.50", "Low back pain, unspecified")


def test_every_common_pain_code_is_billable_in_the_installed_code_set() -> None:
    assert [c for c in codes.COMMON_PAIN_CODES if not codes.is_billable(c)] == []


# --- normalisation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("m5450", "M54.50"),
        (" m54.50 ", "M54.50"),
        ("g894", "G89.4"),
        ("f32a", "F32.A"),
        ("M54", "M54"),
        ("m54.", "M54"),
        ("z79891", "Z79.891"),
        ("s72001a", "S72.001A"),
        ("", ""),
        ("m5.450", "M5.450"),  # a misplaced dot is kept, so the code stays unknown
    ],
)
def test_normalise(typed: str, expected: str) -> None:
    assert codes.normalise(typed) == expected


# --- titles and validation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("G89.4", "Chronic pain syndrome"),
        ("M79.7", "Fibromyalgia"),
        ("F32.A", "Depression, unspecified"),
        ("M54.50", "Low back pain, unspecified"),
        ("M54.51", "Vertebrogenic low back pain"),
        ("G89.29", "Other chronic pain"),
        ("M54.2", "Cervicalgia"),
        ("F41.1", "Generalized anxiety disorder"),
        ("Z79.891", "Long term (current) use of opiate analgesic"),
    ],
)
def test_title_of_published_codes(code: str, title: str) -> None:
    assert codes.title_of(code) == title


def test_seventh_character_titles_leave_out_the_package_note() -> None:
    # simple_icd_10_cm appends "/\tinitial encounter for open fracture NOS" to this title
    assert codes.title_of("S72.001B") == (
        "Fracture of unspecified part of neck of right femur, "
        "initial encounter for open fracture type I or II"
    )


@pytest.mark.parametrize("code", ["X99.99", "ZZZ", "hello", "M54.5.0"])
def test_unknown_code_is_a_validation_error_on_the_code_field(code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        codes.title_of(code)
    assert raised.value.field == "code"
    assert "not an ICD-10-CM code" in raised.value.message


@pytest.mark.parametrize("code", ["", "  "])
def test_empty_code_is_a_validation_error(code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        codes.require_billable(code)
    assert raised.value.field == "code"


def test_non_billable_category_asks_for_a_more_specific_code() -> None:
    with pytest.raises(ValidationError) as raised:
        codes.title_of("m54.5")
    error = raised.value
    assert error.field == "code"
    assert "M54.5" in error.message
    assert "not a billable code" in error.message
    assert "more specific code" in error.message
    for child in ("M54.50", "M54.51", "M54.59"):
        assert child in error.message


def test_non_billable_message_lists_at_most_three_billable_codes() -> None:
    with pytest.raises(ValidationError) as raised:
        codes.require_billable("M54")
    message = raised.value.message
    listed = [e.code for e in codes.search("M54", limit=100) if e.code in message]
    assert 1 <= len(listed) <= 3
    assert all(codes.is_billable(c) for c in listed)


def test_require_billable_returns_the_canonical_entry() -> None:
    entry = codes.require_billable(" g89.4")
    assert entry == CodeEntry("G89.4", "Chronic pain syndrome")
    with pytest.raises(AttributeError):
        entry.code = "X"  # type: ignore[misc]  # frozen dataclass: proving it is immutable


# --- search by code -------------------------------------------------------------------


def test_code_prefix_search_lists_billable_codes_under_it_in_code_order() -> None:
    found = _codes(codes.search("m54.5"))
    assert found == ["M54.50", "M54.51", "M54.59"]


def test_code_prefix_search_without_dot_and_at_category_level() -> None:
    found = _codes(codes.search("G89"))
    assert found == sorted(found)
    assert {"G89.29", "G89.3", "G89.4"} <= set(found)
    assert "G89" not in found and "G89.2" not in found  # categories are not offered
    assert all(c.startswith("G89.") for c in found)
    assert _codes(codes.search("m545")) == ["M54.50", "M54.51", "M54.59"]


def test_full_code_finds_itself() -> None:
    assert _codes(codes.search("m5450")) == ["M54.50"]


def test_code_prefix_search_respects_limit() -> None:
    found = codes.search("M54", limit=5)
    assert len(found) == 5
    assert _codes(found) == sorted(_codes(found))


# --- search by words ------------------------------------------------------------------


def test_low_back_finds_the_low_back_pain_codes_first() -> None:
    found = _codes(codes.search("low back"))
    assert found[:3] == ["M54.50", "M54.51", "M54.59"]


def test_fibromyalgia_and_fibro_find_m79_7() -> None:
    assert "M79.7" in _codes(codes.search("fibromyalgia"))
    assert _codes(codes.search("fibro"))[0] == "M79.7"


def test_every_word_must_prefix_a_word_of_the_title() -> None:
    found = codes.search("migraine intract", limit=200)
    assert found
    for entry in found:
        words = entry.title.lower().replace(",", " ").split()
        assert any(w.startswith("migraine") for w in words)
        assert any(w.startswith("intract") for w in words)
    # word prefixes, not substrings: "graine" is inside "migraine" but starts no word
    # (typo tolerance never changes the first letter, so it stays that way)
    assert not any("igraine" in e.title for e in codes.search("graine", limit=200))


def test_common_pain_codes_rank_first() -> None:
    found = _codes(codes.search("migraine"))
    assert found[:3] == ["G43.009", "G43.109", "G43.909"]


@pytest.mark.parametrize("query", ["LOW BACK", "Low Back", "lOw bAcK"])
def test_word_search_ignores_case(query: str) -> None:
    assert _codes(codes.search(query)) == _codes(codes.search("low back"))


def test_word_search_ignores_accents_both_ways() -> None:
    plain = _codes(codes.search("meniere"))
    accented = _codes(codes.search("Ménière"))
    assert plain and plain == accented
    assert all("Ménière" in codes.title_of(c) for c in plain)
    # and an accent typed where the title has none still matches
    assert _codes(codes.search("fibromyalgïa")) == _codes(codes.search("fibromyalgia"))


def test_punctuation_in_the_query_is_ignored() -> None:
    assert "G44.209" in _codes(codes.search("tension-type, headache"))


def test_word_search_respects_limit() -> None:
    assert len(codes.search("pain", limit=7)) == 7
    assert len(codes.search("pain")) == 50
    assert codes.search("pain", limit=0) == []


def test_word_search_results_are_billable_and_unique() -> None:
    found = codes.search("fracture femur", limit=500)
    assert len(found) == 500
    assert len(set(_codes(found))) == 500
    assert all(codes.is_billable(e.code) for e in found)


def test_nothing_matches() -> None:
    assert codes.search("zzzqqq") == []
    assert codes.search("---") == []


def test_code_like_words_fall_back_to_word_search() -> None:
    # there is no B12 category, but there are vitamin B12 deficiency codes
    found = codes.search("b12")
    assert found and all("B12" in e.title for e in found)


# --- the common list ------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_returns_the_common_pain_codes(query: str) -> None:
    found = codes.search(query)
    assert _codes(found) == list(codes.COMMON_PAIN_CODES)
    assert found[1] == CodeEntry("G89.4", "Chronic pain syndrome")
    assert all(e.title for e in found)


def test_empty_query_respects_limit() -> None:
    assert _codes(codes.search("", limit=3)) == ["G89.29", "G89.4", "G89.3"]


# --- start-up and threads -------------------------------------------------------------


def test_importing_the_module_does_not_load_the_code_set() -> None:
    probe = (
        "import sys\n"
        "import carecoord.services.codes as codes\n"
        "print('simple_icd_10_cm' in sys.modules)\n"
        "codes.warm_up()\n"
        "print(codes.is_billable('G89.4'))\n"
        "print(any(m.startswith('simple_icd_10_cm') for m in sys.modules))\n"
    )
    pythonpath = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        # the package's own DeprecationWarning must not escape either
        [sys.executable, "-W", "error::DeprecationWarning", "-c", probe],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": pythonpath},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    imported_on_import, billable, kept_after_warm_up = result.stdout.split()
    assert imported_on_import == "False"
    assert billable == "True"
    # the package's tree is released once indexed
    assert kept_after_warm_up == "False"


def test_warm_up_is_idempotent() -> None:
    codes.warm_up()
    codes.warm_up()
    assert codes.is_billable("G89.4")


def test_concurrent_first_use_builds_the_index_once(monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[int] = []
    real_build = codes._build_index

    def counting_build() -> codes._Index:
        builds.append(1)
        return real_build()

    monkeypatch.setattr(codes, "_index", None)
    monkeypatch.setattr(codes, "_build_index", counting_build)
    start = threading.Barrier(8)
    results: list[list[str]] = []

    def worker() -> None:
        start.wait()
        codes.warm_up()
        results.append(_codes(codes.search("low back", limit=5)))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert builds == [1]
    assert len(results) == 8
    assert all(r == results[0] for r in results)
