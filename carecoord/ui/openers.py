"""The one way a feature folder opens another feature's window.

Feature folders under ``carecoord.ui`` (chart, referrals, letters, patients …) do not
import each other (an import-linter independence contract keeps it so). Where one really
opens another's window — the chart and the referral editor open the letter preview, the
worklist opens the batch of letters, the chart opens the patient form — it imports the
window from here, so every such crossing is named in one place and listed, with its
reason, in that contract's ``ignore_imports``.

This module sits above the feature folders and the kit, never inside the kit: the windows
it names import the kit, and a kit that imported them back would be an import circle.
"""

from __future__ import annotations

from carecoord.ui.letters.batch import BatchLettersDialog
from carecoord.ui.letters.preview import LetterPreviewWindow, open_letter, open_sent_copy
from carecoord.ui.patients.form import PatientForm

__all__ = [
    "BatchLettersDialog",
    "LetterPreviewWindow",
    "PatientForm",
    "open_letter",
    "open_sent_copy",
]
