"""Generating and sending a batch of letters, off the GUI thread: one combined PDF or one
file each, written atomically, then each letter sent by e-mail or fax where the clinic has
an SMTP relay. No widgets here: the batch dialog runs these on a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from carecoord.errors import CareCoordError
from carecoord.letters.packet import combine
from carecoord.services import letters
from carecoord.services.delivery import DeliveryFailed, DeliveryView
from carecoord.ui.pdf_preview import write_atomically

SETTINGS_FOLDER = "letterBatch/folder"
SETTINGS_MODE = "letterBatch/mode"
SETTINGS_PREVIEW_GEOMETRY = "letterBatch/previewGeometry"


class BatchMode(StrEnum):
    COMBINED = "combined"
    PER_FILE = "per_file"


@dataclass(frozen=True)
class BatchResult:
    """What a batch wrote; ``pdfs`` keeps each letter's exact bytes (immutable) so the
    letters can be marked sent with the very copy that was printed or saved."""

    mode: BatchMode
    target: str
    files: tuple[str, ...]
    referral_ids: tuple[int, ...]
    skipped: tuple[tuple[int, str], ...]
    cancelled: bool
    pdfs: tuple[tuple[int, bytes], ...] = ()

    @property
    def letters(self) -> int:
        return len(self.referral_ids)


def generate_batch(
    referral_ids: Sequence[int],
    generate: Callable[[int], bytes],
    mode: BatchMode,
    target: str,
    *,
    cancelled: threading.Event,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Generate each letter and write the output; stops between letters when cancelled.

    A letter the user may not print, or one that fails to render for a domain reason, is
    skipped with its reason; the others go ahead.

    Raises:
        OSError: The output could not be written (nothing half-written is left).
    """
    done: list[int] = []
    files: list[str] = []
    pdfs: list[bytes] = []
    kept: list[tuple[int, bytes]] = []
    skipped: list[tuple[int, str]] = []
    total = len(referral_ids)
    for number, referral_id in enumerate(referral_ids):
        if cancelled.is_set():
            break
        if progress is not None:
            progress(number, total)
        try:
            pdf = generate(referral_id)
        except CareCoordError as error:
            skipped.append((referral_id, str(error)))
            continue
        if mode == BatchMode.PER_FILE:
            path = str(Path(target) / letters.letter_file_name(referral_id))
            write_atomically(path, pdf)
            files.append(path)
        else:
            pdfs.append(pdf)
        kept.append((referral_id, pdf))
        done.append(referral_id)
    stopped = cancelled.is_set() and len(done) + len(skipped) < total
    if mode == BatchMode.COMBINED:
        if stopped:
            done, kept = [], []  # a cancelled pile is not half-saved
        elif pdfs:
            write_atomically(target, combine(pdfs))
            files.append(target)
    if progress is not None and not stopped:
        progress(total, total)
    return BatchResult(
        mode, target, tuple(files), tuple(done), tuple(skipped), stopped, tuple(kept)
    )


@dataclass(frozen=True)
class SendResult:
    """What a batch send did: accepted deliveries, refusals with the relay's answer, and
    whether it was cancelled (the letters not tried are neither)."""

    sent: tuple[tuple[int, DeliveryView], ...]
    failed: tuple[tuple[int, str], ...]
    cancelled: bool
    untried: tuple[int, ...] = ()


def send_batch(
    pdfs: Sequence[tuple[int, bytes]],
    send: Callable[[int, bytes], DeliveryView],
    *,
    cancelled: threading.Event,
    progress: Callable[[int, int], None] | None = None,
) -> SendResult:
    """Send each letter through the relay; stops between letters when cancelled.

    A refusal (or any reason the service gives) is kept with its text and the next letter
    goes ahead; each letter is marked sent by the service only when the relay took it.
    """
    sent: list[tuple[int, DeliveryView]] = []
    failed: list[tuple[int, str]] = []
    total = len(pdfs)
    for number, (referral_id, pdf) in enumerate(pdfs):
        if cancelled.is_set():
            untried = tuple(rid for rid, _pdf in pdfs[number:])
            return SendResult(tuple(sent), tuple(failed), True, untried)
        if progress is not None:
            progress(number, total)
        try:
            sent.append((referral_id, send(referral_id, pdf)))
        except DeliveryFailed as error:
            failed.append((referral_id, error.answer))
        except CareCoordError as error:
            failed.append((referral_id, str(error)))
    if progress is not None:
        progress(total, total)
    return SendResult(tuple(sent), tuple(failed), False)
