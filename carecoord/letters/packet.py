"""Referral packets: the letter followed by its attached documents, as one PDF to send.

PDFs are appended page for page; PNG, JPEG and TIFF images become one page each (every
frame of a multi-page TIFF scan), scaled to fit and captioned with the document's title.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image as PILImage
from PIL import ImageSequence, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from carecoord.errors import ValidationError
from carecoord.letters.layout import FONT, register_fonts

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/tiff"})
PDF_TYPE = "application/pdf"
IMAGE_MARGIN = 1.5 * cm
CAPTION_HEIGHT = 0.8 * cm

Attachment = tuple[str, str, bytes]
"""(title, media type, bytes) of one attached document."""


def _reader(title: str, content: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError("attachments", f"{title!r} is a password-protected PDF")
        _ = len(reader.pages)  # forces the page tree to load: broken files fail here
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError("attachments", f"{title!r} is not a readable PDF") from exc
    return reader


def image_pages(title: str, content: bytes, page_size: tuple[float, float]) -> bytes:
    """One PDF page per image frame, the image scaled (never enlarged past 1 px = 1 pt)
    to fit inside the margins below a caption naming the document."""
    register_fonts()
    try:
        image = PILImage.open(io.BytesIO(content))
        frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError("attachments", f"{title!r} is not a readable image") from exc
    width, height = page_size
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page_size)
    canvas.setTitle(title)
    box_w = width - 2 * IMAGE_MARGIN
    box_h = height - 2 * IMAGE_MARGIN - CAPTION_HEIGHT
    for number, frame in enumerate(frames, start=1):
        caption = title if len(frames) == 1 else f"{title} ({number} of {len(frames)})"
        canvas.setFont(FONT, 9)
        canvas.drawString(IMAGE_MARGIN, height - IMAGE_MARGIN - 10, caption[:150])
        scale = min(box_w / frame.width, box_h / frame.height, 1.0)
        draw_w, draw_h = frame.width * scale, frame.height * scale
        x = (width - draw_w) / 2
        y = IMAGE_MARGIN + (box_h - draw_h) / 2
        canvas.drawImage(ImageReader(frame), x, y, draw_w, draw_h)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def build_packet(letter_pdf: bytes, attachments: Sequence[Attachment]) -> bytes:
    """Join the letter and its attachments into one PDF, in the order given.

    Args:
        letter_pdf: The rendered letter (its page size is used for image pages).
        attachments: ``(title, media type, bytes)`` of each document to append.

    Returns:
        The packet's PDF bytes.

    Raises:
        ValidationError: An attachment is of another type, or unreadable.
    """
    writer = PdfWriter()
    letter = _reader("the letter", letter_pdf)
    writer.append(letter)
    box = letter.pages[0].mediabox
    page_size = (float(box.width), float(box.height))
    for title, media_type, content in attachments:
        if media_type == PDF_TYPE:
            writer.append(_reader(title, content))
        elif media_type in IMAGE_TYPES:
            writer.append(PdfReader(io.BytesIO(image_pages(title, content, page_size))))
        else:
            raise ValidationError(
                "attachments", f"{title!r} is {media_type}; only PDF and images can be attached"
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def combine(pdfs: Sequence[bytes]) -> bytes:
    """Many letters (or packets) as one PDF, e.g. a batch to print in one go."""
    writer = PdfWriter()
    for number, pdf in enumerate(pdfs, start=1):
        writer.append(_reader(f"document {number}", pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stamp_copy(pdf: bytes, note: str) -> bytes:
    """The stored PDF with ``note`` ("Copy of the letter sent on …") across the top of every
    page, so a reprint is never mistaken for a new letter. The stored bytes are untouched.

    Raises:
        ValidationError: ``pdf`` is not a readable PDF.
    """
    register_fonts()
    _reader("the stored letter", pdf)  # refuses an unreadable file with a ValidationError
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(width, height))
        canvas.setFillColorRGB(0.64, 0.09, 0.10)
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(width / 2, height - 0.75 * cm, note[:150])
        canvas.save()
        page.merge_page(PdfReader(io.BytesIO(buffer.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
