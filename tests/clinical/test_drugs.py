"""The curated drug vocabulary: brands map to ingredients, classes, typo tolerance."""

from __future__ import annotations

import pytest

from carecoord.clinical.drugs import DrugClass, display_names, looks_like_opioid, recognise
from carecoord.clinical.mme import is_opioid

ISSUE_BRANDS = {
    # Issue #9 finding 4: these were treated as non-opioids and silently left out.
    "Actiq": "fentanyl",
    "Fentora": "fentanyl",
    "Nalocet": "oxycodone",
    "Primlev": "oxycodone",
    "Roxybond": "oxycodone",
    "Embeda": "morphine",
    "Hycet": "hydrocodone",
    "Talwin": "pentazocine",
    "Stadol": "butorphanol",
    "Seglentis": "tramadol",
    # The list the issue asks for as well.
    "Percocet": "oxycodone",
    "Norco": "hydrocodone",
    "Vicodin": "hydrocodone",
    "Dilaudid": "hydromorphone",
    "Nucynta": "tapentadol",
    "Duragesic": "fentanyl",
    "MS Contin": "morphine",
    "OxyContin": "oxycodone",
    "Butrans": "buprenorphine",
    "Belbuca": "buprenorphine",
    "Suboxone": "buprenorphine",
    "Zubsolv": "buprenorphine",
    "Ultram": "tramadol",
}


@pytest.mark.parametrize(("brand", "ingredient"), ISSUE_BRANDS.items())
def test_opioid_brands_map_to_their_ingredient(brand: str, ingredient: str) -> None:
    assert recognise(brand).opioids == (ingredient,)
    assert recognise(brand.upper()).opioids == (ingredient,)
    assert is_opioid(brand)


@pytest.mark.parametrize(
    ("brand", "ingredient", "drug_class"),
    [
        ("Xanax", "alprazolam", DrugClass.BENZODIAZEPINE),
        ("Valium", "diazepam", DrugClass.BENZODIAZEPINE),
        ("Ativan", "lorazepam", DrugClass.BENZODIAZEPINE),
        ("Klonopin", "clonazepam", DrugClass.BENZODIAZEPINE),
        ("Neurontin", "gabapentin", DrugClass.GABAPENTINOID),
        ("Lyrica", "pregabalin", DrugClass.GABAPENTINOID),
        ("Cymbalta", "duloxetine", DrugClass.ANTIDEPRESSANT),
        ("Narcan", "naloxone", DrugClass.OPIOID_ANTAGONIST),
    ],
)
def test_other_brands_and_classes(brand: str, ingredient: str, drug_class: DrugClass) -> None:
    match = recognise(brand)
    assert match.ingredients == (ingredient,)
    assert match.classes == {drug_class}
    assert not is_opioid(brand)


def test_combination_names_keep_every_ingredient() -> None:
    assert recognise("Percocet 5/325").ingredients == ("oxycodone", "acetaminophen")
    assert recognise("Suboxone").ingredients == ("buprenorphine", "naloxone")
    assert recognise("Tylenol #3").ingredients == ("codeine", "acetaminophen")


@pytest.mark.parametrize(
    ("typed", "opioid"),
    [
        ("oxycodon", "oxycodone"),
        ("oxycodon 5 mg bid", "oxycodone"),
        ("hydrocodne", "hydrocodone"),
        ("morphne", "morphine"),
        ("Percoset", "oxycodone"),
        ("tramdol", "tramadol"),
    ],
)
def test_typos_look_like_an_opioid(typed: str, opioid: str) -> None:
    assert looks_like_opioid(typed) == opioid
    assert not is_opioid(typed)


@pytest.mark.parametrize(
    "name", ["oxybutynin", "metoprolol", "trazodone", "oxycodone", "lisinopril", "", "ab"]
)
def test_no_false_typo(name: str) -> None:
    assert looks_like_opioid(name) is None


def test_type_ahead_list_has_generics_and_brands() -> None:
    names = display_names()
    assert {"oxycodone", "Percocet", "Xanax", "Lyrica"} <= set(names)
    assert names == sorted(names, key=str.lower)
