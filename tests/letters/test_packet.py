"""Referral packets: the letter, then each attachment's pages; images become pages."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from carecoord.errors import ValidationError
from carecoord.letters.packet import build_packet, combine
from carecoord.letters.referral_letter import render_letter
from tests.letters.samples import full_letter, page_texts, png, small_pdf


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def test_packet_holds_the_letter_then_every_attached_page() -> None:
    letter = render_letter(full_letter())
    jpeg = io.BytesIO()
    PILImage.new("RGB", (2400, 3300), "white").save(jpeg, "JPEG")
    packet = build_packet(
        letter,
        [
            ("Outside report", "application/pdf", small_pdf(3, "Report page")),
            ("Knee photo", "image/png", png()),
            ("Scanned form", "image/jpeg", jpeg.getvalue()),
        ],
    )
    letter_pages = _pages(letter)
    texts = page_texts(packet)
    assert len(texts) == letter_pages + 3 + 1 + 1
    assert "Page 1 of" in texts[0]
    assert [t.strip() for t in texts[letter_pages : letter_pages + 3]] == [
        "Report page 1",
        "Report page 2",
        "Report page 3",
    ]
    assert "Knee photo" in texts[letter_pages + 3]
    assert "Scanned form" in texts[letter_pages + 4]
    # Image pages take the letter's paper size.
    first = PdfReader(io.BytesIO(packet)).pages
    assert first[-1].mediabox.width == first[0].mediabox.width


def test_multi_page_tiff_becomes_a_page_per_frame() -> None:
    frames = [PILImage.new("L", (300, 400), shade) for shade in (40, 120, 200)]
    tiff = io.BytesIO()
    frames[0].save(tiff, "TIFF", save_all=True, append_images=frames[1:])
    letter = render_letter(full_letter())
    packet = build_packet(letter, [("Fax scan", "image/tiff", tiff.getvalue())])
    texts = page_texts(packet)
    assert len(texts) == _pages(letter) + 3
    assert "Fax scan (3 of 3)" in texts[-1]


def test_unsupported_or_unreadable_attachments_are_refused_by_name() -> None:
    letter = render_letter(full_letter())
    with pytest.raises(ValidationError, match="'Notes' is text/plain"):
        build_packet(letter, [("Notes", "text/plain", b"hello")])
    with pytest.raises(ValidationError, match="'Broken' is not a readable PDF"):
        build_packet(letter, [("Broken", "application/pdf", b"%PDF-1.4 garbage")])
    with pytest.raises(ValidationError, match="'Photo' is not a readable image"):
        build_packet(letter, [("Photo", "image/png", b"\x89PNG\r\n\x1a\nnot really")])


def test_combine_joins_letters_for_a_batch() -> None:
    one, two = render_letter(full_letter()), render_letter(full_letter(paper_size="a4"))
    assert _pages(combine([one, two])) == _pages(one) + _pages(two)
