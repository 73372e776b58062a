"""Referral letters in the desktop app: choosing contents, previewing, printing, batches."""

from carecoord.ui.letters.batch import BatchLettersDialog, BatchMode, BatchResult
from carecoord.ui.letters.choices_dialog import LetterChoicesDialog
from carecoord.ui.letters.preview import LetterPreviewWindow, open_letter

__all__ = [
    "BatchLettersDialog",
    "BatchMode",
    "BatchResult",
    "LetterChoicesDialog",
    "LetterPreviewWindow",
    "open_letter",
]
