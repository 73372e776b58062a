"""ICD-10-CM lookup: an in-process index so validation and search need no database."""

from __future__ import annotations

import gc
import heapq
import logging
import re
import sys
import threading
import unicodedata
import warnings
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, islice

from carecoord.clinical.code_synonyms import SYNONYM_GROUPS, SynonymGroup
from carecoord.errors import ValidationError

__all__ = [
    "COMMON_PAIN_CODES",
    "CodeEntry",
    "is_billable",
    "normalise",
    "require_billable",
    "search",
    "title_of",
    "warm_up",
]

logger = logging.getLogger(__name__)

#: The codes a pain clinic uses most (docs/clinical-reference.md §7), in the order
#: offered to people.
COMMON_PAIN_CODES: tuple[str, ...] = (
    "G89.29",
    "G89.4",
    "G89.3",
    "M54.50",
    "M54.51",
    "M54.59",
    "M54.16",
    "M54.2",
    "M79.7",
    "G43.009",
    "G43.109",
    "G43.909",
    "G44.209",
    "G44.229",
    "G62.9",
    "G90.50",
    "M96.1",
    "M17.0",
    "M17.11",
    "F11.20",
    "Z79.891",
    "F32.A",
    "F41.1",
)

# Dotless code prefixes: "M5", "M545", "F32A", and since FY2026 "QA0" (a letter second).
# Words rarely look like this; those that do ("B12") still reach the word search.
_CODE_PREFIX = re.compile(r"[A-Z](?:[0-9]|[A-Z][0-9])[0-9A-Z]{0,5}")
_CODE = re.compile(r"[A-Z][0-9A-Z][0-9A-Z](?:\.[0-9A-Z]{1,4})?")
_WORD = re.compile(r"[^\W_]+")
_MAX_SUGGESTIONS = 3
_ABBREVIATION_LENGTH = 5
"""A synonym term of at most this many letters, without a space, is an abbreviation."""
_FUZZY_CUTOFF = 85.0
"""rapidfuzz ratio (0-100) a mistyped term or word must reach: one slip in six letters."""
_FUZZY_MIN_LENGTH = 5
# How a query matches a synonym term, best first.
_EXACT, _PHRASE_PREFIX, _WORD_PREFIXES, _CONTAINED, _FUZZY = 5, 4, 3, 2, 1


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One billable ICD-10-CM code and its official title.

    Attributes:
        code: The code with its dot, e.g. ``"M54.50"``.
        title: The tabular-list description, e.g. ``"Low back pain, unspecified"``.
    """

    code: str
    title: str


def _fold(text: str) -> str:
    """Lower-cased text with accents removed, so "Ménière" and "meniere" compare equal."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _as_code_prefix(text: str) -> str | None:
    """The dotless code prefix ``text`` spells ("m54.5" -> "M545"), or None if it is not one."""
    upper = text.upper()
    if "." in upper and (upper.find(".") != 3 or upper.count(".") > 1):
        return None
    dotless = upper.replace(".", "")
    return dotless if _CODE_PREFIX.fullmatch(dotless) else None


def _clean_title(title: str) -> str:
    """The official title from simple_icd_10_cm's description of a code.

    For seventh-character codes the package appends the extension's tabular note after
    "/\t" (S72.001B "...open fracture type I or II/\tinitial encounter for open fracture
    NOS"); the CMS title stops before it.
    """
    return " ".join(title.split("/\t", 1)[0].split())


@dataclass(frozen=True, slots=True)
class _Term:
    """One synonym term, folded, with the group it belongs to."""

    text: str
    words: tuple[str, ...]
    group: int
    abbreviation: bool


def _term_score(term: _Term, query: str, words: list[str]) -> int:
    """How well the folded query matches one synonym term (0: not at all)."""
    if term.text == query:
        return _EXACT
    if term.abbreviation:
        # whole word only, e.g. "crps right arm" still finds CRPS
        return _CONTAINED if term.text in words else 0
    if len(query) >= 3 and term.text.startswith(query):
        return _PHRASE_PREFIX
    if len(query) >= 3 and _each_prefixes_a_word(words, term.words):
        return _WORD_PREFIXES
    if len(term.words) > 1 and all(w in words for w in term.words):
        return _CONTAINED
    return 0


def _each_prefixes_a_word(words: list[str], term_words: tuple[str, ...]) -> bool:
    """Every query word starts a different word of the term (in any order)."""
    free = list(term_words)
    for word in words:
        for i, candidate in enumerate(free):
            if candidate.startswith(word):
                del free[i]
                break
        else:
            return False
    return True


def _fuzzy_term(term: _Term, query: str) -> bool:
    """A mistyped term ("fibromialgia", "neuropathic pian") or the start of one."""
    from rapidfuzz.fuzz import ratio

    if term.abbreviation or term.text[0] != query[0]:
        return False
    if ratio(query, term.text) >= _FUZZY_CUTOFF:
        return True
    return len(query) >= _FUZZY_MIN_LENGTH + 1 and (
        ratio(query, term.text[: len(query)]) >= _FUZZY_CUTOFF
    )


class _Index:
    """Everything a lookup needs, built once and never changed afterwards.

    Codes are numbered by *rank*: common pain-clinic codes first (in their listed order),
    then shorter titles, then code order. Posting lists hold ranks in ascending order, so
    the first hits of any word are already the best ones and a search can stop early.
    Storage is flat (strings, ``array``s, dicts of strings) rather than one object per
    code, so the index adds almost nothing for the garbage collector to walk: with one
    object per code, full collections paused every thread for over 100 ms.
    """

    def __init__(
        self, billable: dict[str, str], categories: dict[str, str], common: tuple[str, ...]
    ) -> None:
        common_position = {code: i for i, code in enumerate(common)}
        ranked = sorted(
            billable,
            key=lambda code: (
                common_position.get(code, len(common)),
                len(billable[code]),
                code,
            ),
        )
        self.codes: list[str] = ranked
        self.titles: list[str] = [billable[code] for code in ranked]
        self.rank_of: dict[str, int] = {code: rank for rank, code in enumerate(ranked)}
        self.categories: dict[str, str] = categories
        self.common: list[CodeEntry] = [self.entry(c) for c in common if c in self.rank_of]

        # Code-prefix search: dotless codes in code order, bisected for a prefix's range.
        in_code_order = sorted(range(len(ranked)), key=ranked.__getitem__)
        self.dotless: list[str] = [ranked[r].replace(".", "") for r in in_code_order]
        self.code_order = array("i", in_code_order)

        # Word search: " word word ..." per rank (a word-prefix test is then a substring
        # test for " " + prefix) and an inverted index from each distinct word to its ranks.
        self.haystack: list[str] = []
        postings: dict[str, list[int]] = {}
        for rank, title in enumerate(self.titles):
            words = _words(title)
            self.haystack.append(" " + " ".join(words))
            for word in dict.fromkeys(words):
                postings.setdefault(word, []).append(rank)
        self.vocabulary: list[str] = sorted(postings)
        self.postings: list[array[int]] = [array("i", postings[w]) for w in self.vocabulary]
        # cumulative posting sizes: a cheap upper bound on how many codes a prefix matches
        self.cumulative = array("i", [0, *accumulate(len(p) for p in self.postings)])

        # Pain-clinic synonyms (docs/clinical-reference.md §7): each group's codes resolved
        # to billable codes (a category stands for the billable codes under it).
        self.synonym_codes: list[tuple[str, ...]] = [
            self._resolve(group) for group in SYNONYM_GROUPS
        ]
        self.terms: list[_Term] = []
        for number, group in enumerate(SYNONYM_GROUPS):
            for term in group.terms:
                term_words = tuple(_words(term))
                text = " ".join(term_words)
                abbreviation = len(term_words) == 1 and len(text) <= _ABBREVIATION_LENGTH
                self.terms.append(_Term(text, term_words, number, abbreviation))

    def _resolve(self, group: SynonymGroup) -> tuple[str, ...]:
        resolved: dict[str, None] = {}
        for code in group.codes:
            if code in self.rank_of:
                resolved[code] = None
            elif code in self.categories:
                resolved.update((e.code, None) for e in self.billable_under(code.replace(".", "")))
            else:
                logger.warning("Synonym code %s is not in this code set", code)
        return tuple(resolved)

    def entry(self, code: str) -> CodeEntry:
        """The entry of a billable code in canonical form (KeyError if there is none)."""
        return CodeEntry(code, self.titles[self.rank_of[code]])

    def word_range(self, prefix: str) -> tuple[int, int]:
        """The slice of the vocabulary whose words start with ``prefix``."""
        lo = bisect_left(self.vocabulary, prefix)
        hi = bisect_left(self.vocabulary, prefix + "\U0010ffff", lo)
        return lo, hi

    def ranks_with_word_prefix(self, lo: int, hi: int) -> Iterator[int]:
        """Ranks of codes having a word in vocabulary[lo:hi], ascending, without repeats."""
        if hi - lo == 1:
            yield from self.postings[lo]
            return
        previous = -1
        for rank in heapq.merge(*self.postings[lo:hi]):
            if rank != previous:
                previous = rank
                yield rank

    def billable_under(self, dotless_prefix: str) -> Iterator[CodeEntry]:
        """Billable codes starting with ``dotless_prefix``, in code order."""
        start = bisect_left(self.dotless, dotless_prefix)
        for i in range(start, len(self.dotless)):
            if not self.dotless[i].startswith(dotless_prefix):
                return
            rank = self.code_order[i]
            yield CodeEntry(self.codes[rank], self.titles[rank])


_index: _Index | None = None
_index_lock = threading.Lock()


def _load_code_set() -> tuple[dict[str, str], dict[str, str]]:
    """Billable codes and non-billable categories with titles, from simple_icd_10_cm."""
    already_imported = "simple_icd_10_cm" in sys.modules
    with warnings.catch_warnings():
        # The package reads its data with importlib.resources.read_text, deprecated in 3.11
        # but undeprecated in 3.13; the warning is the package's, not something we can fix.
        warnings.filterwarnings(
            "ignore", message="(read|open)_text is deprecated", category=DeprecationWarning
        )
        # Imported here, never at module level: loading the code set takes about a second.
        import simple_icd_10_cm as icd

    billable: dict[str, str] = {}
    categories: dict[str, str] = {}
    try:
        for code in icd.get_all_codes(True):
            # chapters ("1") and blocks ("A00-A09") are headings, not codes
            if not _CODE.fullmatch(code) or code in billable or code in categories:
                continue
            title = _clean_title(icd.get_description(code))
            if icd.is_leaf(code):
                billable[code] = title
            else:
                categories[code] = title
    finally:
        if not already_imported:
            # The package keeps its whole tabular tree (~90 MB, ~600,000 objects every
            # full garbage collection walks) for as long as it is imported; everything
            # CareCoord needs from it is now in the index, so let it go.
            for name in [n for n in sys.modules if n.partition(".")[0] == "simple_icd_10_cm"]:
                del sys.modules[name]
    return billable, categories


def _build_index() -> _Index:
    billable, categories = _load_code_set()
    missing = [code for code in COMMON_PAIN_CODES if code not in billable]
    if missing:
        logger.warning("Common pain codes not billable in this code set: %s", missing)
    index = _Index(billable, categories, COMMON_PAIN_CODES)
    # Free the package's tree (reference cycles) now, while warming up, rather than in a
    # full collection that would stall some later keystroke.
    gc.collect()
    logger.info("ICD-10-CM index built: %d billable codes", len(index.codes))
    return index


def _get_index() -> _Index:
    global _index
    index = _index
    if index is None:
        with _index_lock:
            index = _index
            if index is None:
                index = _index = _build_index()
    return index


def warm_up() -> None:
    """Load the code set and build the lookup index, unless that was done already.

    Slow (about two seconds) the first time and instant afterwards; call it on a
    background thread at start-up so the first lookup does not wait. Safe to call from
    several threads at once: the index is built exactly once per process.
    """
    _get_index()


def normalise(code: str) -> str:
    """Write a code the canonical way: upper case, dot after the third character.

    Does not check that the code exists. A dot somewhere else ("M5.450") is left where
    it is, so such a typo is reported as an unknown code rather than silently accepted.

    Args:
        code: A code as typed, e.g. ``" m5450 "`` or ``"g89.4"``.

    Returns:
        The code in canonical form, e.g. ``"M54.50"``; ``"M54"`` and ``"m54."`` give ``"M54"``.
    """
    typed = code.strip().upper()
    if len(typed) == 4 and typed.endswith("."):
        return typed[:3]
    if "." not in typed and len(typed) > 3:
        return f"{typed[:3]}.{typed[3:]}"
    return typed


def is_billable(code: str) -> bool:
    """Whether ``code`` is a billable (leaf) ICD-10-CM code, valid on a diagnosis.

    Args:
        code: A code as typed; case, surrounding spaces and a missing dot do not matter.

    Returns:
        True for codes such as ``"M54.50"`` or ``"m5450"``; False for categories that
        have more specific codes below them (``"M54.5"``), unknown codes and non-strings.
    """
    if not isinstance(code, str):
        return False
    return normalise(code) in _get_index().rank_of


def require_billable(code: str) -> CodeEntry:
    """The entry for a billable code, or the reason it cannot be used on a diagnosis.

    Args:
        code: A code as typed; case, surrounding spaces and a missing dot do not matter.

    Returns:
        The canonical code and its title.

    Raises:
        ValidationError: On field ``"code"`` when the code is empty, unknown, or a
            category that needs a more specific code (the message names up to three).
    """
    if not isinstance(code, str) or not code.strip():
        raise ValidationError("code", "Enter an ICD-10-CM code")
    index = _get_index()
    canonical = normalise(code)
    if canonical in index.rank_of:
        return index.entry(canonical)
    category_title = index.categories.get(canonical)
    if category_title is None:
        raise ValidationError("code", f"{code.strip()} is not an ICD-10-CM code")
    examples = [
        f"{e.code} {e.title}"
        for e in islice(index.billable_under(canonical.replace(".", "")), _MAX_SUGGESTIONS)
    ]
    raise ValidationError(
        "code",
        f"{canonical} ({category_title}) is a category, not a billable code; "
        f"a more specific code is needed, e.g. {'; '.join(examples)}",
    )


def title_of(code: str) -> str:
    """The official title of a billable code.

    Args:
        code: A code as typed; case, surrounding spaces and a missing dot do not matter.

    Returns:
        The title, e.g. ``"Chronic pain syndrome"`` for ``"G89.4"``.

    Raises:
        ValidationError: On field ``"code"`` when the code is unknown or not billable.
    """
    return require_billable(code).title


def search(text: str, limit: int = 50) -> list[CodeEntry]:
    """Billable codes matching what a person typed in a code picker.

    A code or code prefix (``"M54"``, ``"m54.5"``) lists the billable codes under it in
    code order. Words first look up the pain-clinic synonym table ("CRPS", "FBSS",
    "long term opioid", docs/clinical-reference.md §7), whose codes come usual code
    first; then codes whose official title has, for every word, a word starting with it
    (``"low back"``, ``"migraine intract"``; case and accents ignored), common pain-clinic
    codes first, then shorter titles. A mistyped word ("fibromialgia") is matched to the
    nearest term or title word (rapidfuzz). Empty text offers the common pain-clinic codes.

    Args:
        text: What was typed.
        limit: At most this many results.

    Returns:
        Matching entries, best first; empty if nothing matches or ``limit`` < 1.
    """
    if limit < 1:
        return []
    index = _get_index()
    stripped = text.strip()
    if not stripped:
        return index.common[:limit]

    results: list[CodeEntry] = []
    prefix = _as_code_prefix(stripped)
    if prefix is not None:
        results = list(islice(index.billable_under(prefix), limit))
        if len(results) == limit:
            return results
    seen = {e.code for e in results}
    words = _words(stripped)
    if not words:
        return results
    for code in _synonym_matches(index, words):
        if code not in seen:
            seen.add(code)
            results.append(index.entry(code))
            if len(results) == limit:
                return results
    for entry in _word_matches(index, _corrected(index, words)):
        if entry.code not in seen:
            results.append(entry)
            if len(results) == limit:
                break
    return results


def _synonym_matches(index: _Index, words: list[str]) -> list[str]:
    """Codes of the synonym groups the query names, best-matching group first.

    Exact terms beat the start of a term, which beats words found anywhere in a term,
    which beats a term found inside a longer query; a mistyped term counts only when
    nothing matched otherwise. Ties keep the table's order.
    """
    query = " ".join(words)
    best: dict[int, int] = {}
    for term in index.terms:
        score = _term_score(term, query, words)
        if score > best.get(term.group, 0):
            best[term.group] = score
    if not best and len(query) >= _FUZZY_MIN_LENGTH:
        best = {t.group: _FUZZY for t in index.terms if _fuzzy_term(t, query)}
    ordered = sorted(best, key=lambda group: (-best[group], group))
    codes: dict[str, None] = {}
    for group in ordered:
        codes.update(dict.fromkeys(index.synonym_codes[group]))
    return list(codes)


def _corrected(index: _Index, words: list[str]) -> list[str]:
    """The query's words, each one that starts no title word replaced by its nearest.

    Typo tolerance for the official titles ("migrane", "radiculopaty"): only words of
    five letters or more, only vocabulary words with the same first letter (a slip
    there is rare and would let "graine" become "migraine"), and only when close.
    """
    from rapidfuzz import process
    from rapidfuzz.fuzz import ratio

    corrected = []
    for word in words:
        lo, hi = index.word_range(word)
        if lo == hi and len(word) >= _FUZZY_MIN_LENGTH:
            first_lo, first_hi = index.word_range(word[0])
            match = process.extractOne(
                word,
                index.vocabulary[first_lo:first_hi],
                scorer=ratio,
                score_cutoff=_FUZZY_CUTOFF,
            )
            if match is not None:
                word = match[0]
        corrected.append(word)
    return corrected


def _word_matches(index: _Index, words: list[str]) -> Iterator[CodeEntry]:
    """Entries whose titles match every word prefix, best rank first."""
    ranges = [index.word_range(w) for w in words]
    # Walk the rarest word's codes and test the others on each title: cheap because most
    # queries have one selective word and the walk stops as soon as enough codes match.
    sizes = [index.cumulative[hi] - index.cumulative[lo] for lo, hi in ranges]
    rarest = min(range(len(words)), key=sizes.__getitem__)
    if sizes[rarest] == 0:
        return
    needles = [" " + w for i, w in enumerate(words) if i != rarest]
    for rank in index.ranks_with_word_prefix(*ranges[rarest]):
        haystack = index.haystack[rank]
        if all(n in haystack for n in needles):
            yield CodeEntry(index.codes[rank], index.titles[rank])
