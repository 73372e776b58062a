"""The "Who may read this" choice on forms for clinical items (docs/clinical-reference.md §9).

One combo for medications, plan activities and documents: "Automatic" lets the service
derive the category (drug and indication, modality, referral); the other entries are the
categories the signed-in role may write.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox

from carecoord.clinical.vocabulary import DataCategory
from carecoord.services.actor import Actor
from carecoord.services.permissions import Action, allowed

CHOICES = (DataCategory.GENERAL, DataCategory.PSYCHIATRIC, DataCategory.SUBSTANCE_USE)
LABELS = {
    DataCategory.GENERAL: "General",
    DataCategory.PSYCHIATRIC: "Psychiatric (not the front desk)",
    DataCategory.SUBSTANCE_USE: "Substance use, 42 CFR Part 2 (physicians only)",
}


def may_write(actor: Actor) -> Callable[[DataCategory], bool]:
    return lambda category: allowed(actor, Action.EDIT_CLINICAL, category)


def may_file(actor: Actor) -> Callable[[DataCategory], bool]:
    """Documents are filed by clinicians and by the front desk (referral logistics)."""
    return lambda category: (
        allowed(actor, Action.EDIT_CLINICAL, category)
        or allowed(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
    )


def category_combo(
    permitted: Callable[[DataCategory], bool],
    current: DataCategory | None = None,
    *,
    automatic: str = "Automatic",
) -> QComboBox:
    """A combo of "Automatic" (None) and the categories ``permitted``; ``current`` chosen."""
    box = QComboBox()
    box.setObjectName("categoryCombo")
    box.setAccessibleName("Who may read this")
    box.setToolTip(
        "Psychiatric items are hidden from the front desk; substance-use items from everyone "
        "but physicians. Automatic: " + automatic
    )
    box.addItem(f"Automatic ({automatic})", None)
    for category in CHOICES:
        if permitted(category) or category == current:
            box.addItem(LABELS[category], category)
    if current is not None:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


def chosen(box: QComboBox) -> DataCategory | None:
    """The chosen category (None: automatic); Qt hands the enum back as its text."""
    value = box.currentData()
    return DataCategory(value) if value else None
