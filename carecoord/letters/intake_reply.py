"""The reply to a referring doctor whose referral the clinic declines, as PDF bytes.

Pure like the referral letter (same letterhead, styles, footer and fonts): plain data in,
PDF out. The referrer learns which referral it answers (their patient, the date it was
received, our reference), why it was declined and whom to call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.platypus import Flowable, Spacer

from carecoord.dates import DEFAULT_DATE_FORMAT, format_date
from carecoord.letters.data import Letterhead, PatientIdentification, Referrer
from carecoord.letters.layout import (
    DATE,
    REFERENCE,
    _boxed,
    _heading,
    _join,
    _p,
    _pairs,
    letterhead_flowables,
    text,
)
from carecoord.letters.letter_headings import CONFIDENTIAL
from carecoord.letters.pages import page_footer, render_document
from carecoord.letters.referral_letter import _signature_block

TITLE = "Your referral: declined"
REASON_HEADING = "Why we cannot accept it"
REFERRAL_HEADING = "The referral"


@dataclass(frozen=True)
class ReferringDoctor:
    """Whom the reply goes to: the referrer as they gave themselves."""

    name: str
    practice: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class IntakeReplyData:
    """Everything the reply prints, already worded."""

    letterhead: Letterhead
    date: dt.date
    to: ReferringDoctor
    patient: PatientIdentification
    received_on: dt.date
    reference: str
    reason_for_referral: str
    decline_reason: str
    signer: Referrer
    paper_size: str = "letter"
    date_format: str = DEFAULT_DATE_FORMAT


def story(data: IntakeReplyData, width: float) -> list[Flowable]:
    """The reply's flowables: letterhead, addressee, the referral, the reason, signature."""
    fmt = data.date_format
    to = data.to
    address = [
        "<b>" + text(to.name) + "</b>",
        text(to.practice),
        text(
            _join([f"Phone {to.phone}" if to.phone else None, f"Fax {to.fax}" if to.fax else None])
        ),
        text(to.email),
    ]
    p = data.patient
    referral = [
        ("Patient", "<b>" + text(p.name) + "</b>"),
        ("Date of birth", format_date(p.date_of_birth, fmt)),
        ("Your MRN", text(p.mrn)),
        ("Received", format_date(data.received_on, fmt)),
    ]
    return [
        *letterhead_flowables(data.letterhead, width),
        _p(format_date(data.date, fmt), DATE),
        _p("<br/>".join(line for line in address if line)),
        _p(
            f"<b>Our reference: {text(data.reference)}</b> (please quote it in your reply)",
            REFERENCE,
        ),
        Spacer(1, 8),
        _p("<b>" + text(TITLE) + "</b>"),
        _p(f"Dear {text(to.name)},"),
        _p(
            "Thank you for referring the patient below to our clinic. After reviewing the "
            "referral we are unable to accept it; the reason follows."
        ),
        *_heading(REFERRAL_HEADING),
        _pairs(referral, width),
        Spacer(1, 4),
        _p("<b>Reason for referral as received:</b> " + text(data.reason_for_referral)),
        *_heading(REASON_HEADING),
        _boxed([_p(text(data.decline_reason))], width),
        Spacer(1, 6),
        _p(
            "If the patient's situation changes, or you have information that alters this "
            "decision, please send a new referral or call us."
        ),
        *_signature_block(data.signer),
    ]


def render_reply(data: IntakeReplyData) -> bytes:
    """Render the decline reply as PDF bytes (Letter or A4), footer on every page.

    Raises:
        ValueError: An unknown paper size.
    """
    footer = page_footer(
        data.patient, data.letterhead, CONFIDENTIAL, f" · Ref. {data.reference}", data.date_format
    )
    return render_document(data, story, footer, title=TITLE, subject="Reply to a referral")
