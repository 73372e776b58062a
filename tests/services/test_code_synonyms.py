"""Pain-clinic words in the diagnosis search (docs/clinical-reference.md §7).

Each term is what a pain clinician types; the code is the one the ICD-10-CM
Alphabetic Index (FY2026) gives for it, and it must be among the first five results.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from carecoord.clinical.code_synonyms import SYNONYM_GROUPS
from carecoord.services import codes


@pytest.fixture(scope="module", autouse=True)
def _index() -> Iterator[None]:
    codes.warm_up()
    yield


PAIN_CLINIC_TERMS: list[tuple[str, str]] = [
    # the ten terms of the issue that found nothing or the wrong code first
    ("CRPS", "G90.50"),
    ("reflex sympathetic dystrophy", "G90.50"),
    ("RSD", "G90.50"),
    ("neck pain", "M54.2"),
    ("failed back surgery syndrome", "M96.1"),
    ("FBSS", "M96.1"),
    ("post-laminectomy syndrome", "M96.1"),
    ("long term opioid", "Z79.891"),
    ("long-term opioid use", "Z79.891"),
    ("medication overuse headache", "G44.40"),
    ("MOH", "G44.40"),
    ("cancer pain", "G89.3"),
    ("neuropathic pain", "M79.2"),
    ("neuropathic pain", "G62.9"),
    ("postherpetic neuralgia", "B02.29"),
    ("postherpetic neuralgia", "B02.22"),
    ("PHN", "B02.29"),
    # chronic pain
    ("chronic pain", "G89.29"),
    ("chronic pain syndrome", "G89.4"),
    ("central post-stroke pain", "G89.0"),
    ("post-thoracotomy pain", "G89.22"),
    ("post mastectomy pain syndrome", "G89.28"),
    ("chronic pain due to trauma", "G89.21"),
    ("causalgia", "G56.40"),
    ("CRPS type 2", "G57.70"),
    # spine
    ("low back pain", "M54.50"),
    ("lumbago", "M54.50"),
    ("LBP", "M54.50"),
    ("vertebrogenic low back pain", "M54.51"),
    ("cervicalgia", "M54.2"),
    ("mid back pain", "M54.6"),
    ("sciatica", "M54.30"),
    ("lumbago with sciatica", "M54.40"),
    ("lumbar radiculopathy", "M54.16"),
    ("cervical radiculopathy", "M54.12"),
    ("herniated disc", "M51.26"),
    ("degenerative disc disease", "M51.360"),
    ("facet arthropathy", "M47.816"),
    ("cervical facet syndrome", "M47.812"),
    ("lumbar spinal stenosis", "M48.061"),
    ("neurogenic claudication", "M48.062"),
    ("spondylolisthesis", "M43.16"),
    ("SI joint pain", "M53.3"),
    ("sacroiliitis", "M46.1"),
    ("coccydynia", "M53.3"),
    ("vertebral compression fracture", "M80.08XA"),
    ("whiplash", "S13.4XXA"),
    # neuropathic
    ("peripheral neuropathy", "G62.9"),
    ("painful diabetic neuropathy", "E11.42"),
    ("trigeminal neuralgia", "G50.0"),
    ("occipital neuralgia", "M54.81"),
    ("phantom limb pain", "G54.6"),
    ("carpal tunnel", "G56.00"),
    ("meralgia paresthetica", "G57.10"),
    ("piriformis syndrome", "G57.00"),
    ("intercostal neuralgia", "G58.0"),
    # headache
    ("migraine", "G43.909"),
    ("chronic migraine", "G43.709"),
    ("migraine with aura", "G43.109"),
    ("rebound headache", "G44.40"),
    ("tension headache", "G44.209"),
    ("chronic tension-type headache", "G44.229"),
    ("cluster headache", "G44.009"),
    ("post-traumatic headache", "G44.309"),
    ("cervicogenic headache", "G44.86"),
    ("NDPH", "G44.52"),
    ("post dural puncture headache", "G97.1"),
    ("hemicrania continua", "G44.51"),
    # joints and soft tissue
    ("knee osteoarthritis", "M17.0"),
    ("knee OA", "M17.11"),
    ("hip osteoarthritis", "M16.11"),
    ("knee pain", "M25.561"),
    ("shoulder pain", "M25.511"),
    ("fibromyalgia", "M79.7"),
    ("myofascial pain syndrome", "M79.18"),
    ("trochanteric bursitis", "M70.61"),
    ("greater trochanteric pain syndrome", "M70.60"),
    ("TMJ", "M26.609"),
    ("plantar fasciitis", "M72.2"),
    ("tennis elbow", "M77.10"),
    ("frozen shoulder", "M75.00"),
    # visceral and pelvic
    ("chronic pelvic pain", "R10.20"),
    ("interstitial cystitis", "N30.10"),
    ("chronic pancreatitis", "K86.1"),
    ("IBS", "K58.9"),
    ("vulvodynia", "N94.819"),
    ("sickle cell crisis", "D57.00"),
    # opioids and substances
    ("opioid use disorder", "F11.20"),
    ("OUD", "F11.20"),
    ("opioid dependence", "F11.20"),
    ("opioid abuse", "F11.10"),
    ("OUD in remission", "F11.21"),
    ("opioid withdrawal", "F11.23"),
    ("opioid induced constipation", "K59.03"),
    ("chronic opioid therapy", "Z79.891"),
    ("alcohol use disorder", "F10.20"),
    ("benzodiazepine dependence", "F13.20"),
    # mood, anxiety, sleep
    ("depression", "F32.A"),
    ("MDD", "F32.9"),
    ("generalized anxiety disorder", "F41.1"),
    ("PTSD", "F43.10"),
    ("insomnia", "G47.00"),
    # typed with a slip (rapidfuzz)
    ("fibromialgia", "M79.7"),
    ("migrane", "G43.909"),
    ("neuropathic pian", "M79.2"),
    ("postherpatic neuralgia", "B02.29"),
    ("radiculopaty lumbar", "M54.16"),
    ("spinal stenossis", "M48.061"),
    # typed partly, as in a picker
    ("neck p", "M54.2"),
    ("failed back", "M96.1"),
    ("complex regional", "G90.50"),
]


@pytest.mark.parametrize(("term", "code"), PAIN_CLINIC_TERMS)
def test_pain_clinic_term_finds_its_code_in_the_first_five(term: str, code: str) -> None:
    first_five = [e.code for e in codes.search(term, limit=5)]
    assert code in first_five, f"{term!r} -> {first_five}"


def test_there_are_at_least_sixty_terms() -> None:
    assert len({term for term, _ in PAIN_CLINIC_TERMS}) >= 60


@pytest.mark.parametrize(
    ("term", "first"),
    [
        # the usual code first
        ("opioid use disorder", "F11.20"),
        ("OUD", "F11.20"),
        ("CRPS", "G90.50"),
        ("postherpetic neuralgia", "B02.29"),
        ("neuropathic pain", "M79.2"),
        ("long term opioid", "Z79.891"),
        ("medication overuse headache", "G44.40"),
        ("chronic pain", "G89.29"),
        ("chronic pain syndrome", "G89.4"),
        ("low back pain", "M54.50"),
        ("FBSS", "M96.1"),
    ],
)
def test_the_usual_code_comes_first(term: str, first: str) -> None:
    assert codes.search(term, limit=5)[0].code == first


def test_opioid_use_disorder_offers_dependence_before_unspecified_use() -> None:
    found = [e.code for e in codes.search("opioid use disorder", limit=10)]
    assert found.index("F11.20") < found.index("F11.90")


def test_crps_lists_the_whole_g90_5_family() -> None:
    found = [e.code for e in codes.search("CRPS", limit=20)]
    assert found[:4] == ["G90.50", "G90.511", "G90.512", "G90.513"]
    assert "G90.59" in found


def test_every_synonym_code_is_billable_or_a_category_with_billable_codes() -> None:
    for group in SYNONYM_GROUPS:
        for code in group.codes:
            assert codes.is_billable(code) or codes.search(code, limit=1), (group.terms[0], code)


def test_synonym_results_are_billable_only() -> None:
    for term in ("crps", "degenerative disc disease", "chronic pelvic pain", "causalgia"):
        assert all(codes.is_billable(e.code) for e in codes.search(term, limit=50))


def test_an_abbreviation_matches_only_whole() -> None:
    # "tn" (trigeminal neuralgia) must not capture words starting with "tn"; "ra"
    # (rheumatoid arthritis) must not capture "radiculopathy"
    assert codes.search("radiculopathy", limit=1)[0].code != "M06.9"
    assert codes.search("ra", limit=1)[0].code == "M06.9"


def test_a_slip_in_the_first_letter_is_not_corrected() -> None:
    assert not any("igraine" in e.title for e in codes.search("graine", limit=50))
