"""Letters out by secure e-mail and e-mail-to-fax, through the clinic's own SMTP relay.

The relay is named in the clinic settings; its password is kept in the OS keyring
(``keyring``), never in the database. The workstation talks to the relay over TLS only
(implicit TLS or STARTTLS, verified against the system's trusted certificates with
``ssl.create_default_context()``); a relay that does not offer STARTTLS gets nothing.

Sending is the same act as marking a referral sent, so it needs the same permissions
(print the letter, handle the referral's logistics). The exact PDF leaves; only when the
relay accepts it is it stored as the sent copy and the referral marked sent
(:func:`carecoord.services.letters.record_sent_letter`). Every attempt, accepted or not,
is kept in ``letter_deliveries`` with the relay's answer, noted in the referral's history
and audited. The subject names the clinic and the reference number, never the patient.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from functools import partial

import keyring
from keyring.errors import KeyringError
from sqlalchemy import select
from sqlalchemy.orm import Session

from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.vocabulary import DeliveryMethod
from carecoord.db import Database
from carecoord.errors import CareCoordError, ValidationError
from carecoord.models import DeliveryOutcome, LetterDelivery, Referral, ReferralEvent
from carecoord.services import letters, referrals
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import check_version, service, today
from carecoord.services.permissions import Action, referral_category, require
from carecoord.services.reference import assign_reference
from carecoord.services.settings import ClinicSettings, fax_address, load_settings
from carecoord.services.unit_of_work import unit_of_work

KEYRING_SERVICE = "CareCoord SMTP relay"
SEND_METHODS = (DeliveryMethod.EMAIL, DeliveryMethod.FAX)
TIMEOUT_SECONDS = 30.0
MAX_ANSWER = 1000  # LetterDelivery.relay_answer's length
ENTITY = "Referral"


class DeliveryFailed(CareCoordError):
    """The relay did not take the letter; ``answer`` is what it said (or why it could not
    be reached). Nothing was marked sent; the attempt is on record and may be retried."""

    def __init__(self, answer: str, delivery: DeliveryView) -> None:
        super().__init__(f"The letter was not sent. The relay answered: {answer}")
        self.answer = answer
        self.delivery = delivery


@dataclass(frozen=True)
class Destination:
    """Where a letter can go, from the team directory: an e-mail address, or a fax number
    written as an address through the clinic's e-mail-to-fax gateway."""

    method: DeliveryMethod
    address: str
    fax_number: str | None
    label: str


@dataclass(frozen=True)
class DeliveryView:
    """One attempt to send a letter through the relay."""

    id: int
    referral_id: int
    method: DeliveryMethod
    address: str
    fax_number: str | None
    at: datetime
    username: str
    message_id: str | None
    outcome: DeliveryOutcome
    relay_answer: str | None
    document_id: int | None


def _view(row: LetterDelivery) -> DeliveryView:
    return DeliveryView(
        row.id,
        row.referral_id,
        row.method,
        row.address,
        row.fax_number,
        row.at,
        row.username,
        row.message_id,
        row.outcome,
        row.relay_answer,
        row.document_id,
    )


# --------------------------------------------------------------------------- the password
def keyring_user(settings: ClinicSettings) -> str:
    """The keyring entry's user name: the relay account at its host."""
    return f"{settings.smtp_user}@{settings.smtp_host}"


def _stored_password(settings: ClinicSettings) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_user(settings))
    except KeyringError as error:
        raise ValidationError("smtp_password", f"the OS keyring cannot be read: {error}") from None


@service
def set_relay_password(db: Database, actor: Actor, password: str) -> None:
    """Keep the relay password in the OS keyring (an empty one removes it). Audited,
    without the password.

    Raises:
        PermissionDenied: Only those who change clinic settings may.
        ValidationError: No relay user is set, or the keyring refused.
    """
    require(actor, Action.MANAGE_SETTINGS)
    with unit_of_work(db, actor, write=True) as uow:
        settings = load_settings(uow.session)
        if not settings.smtp_host or not settings.smtp_user:
            raise ValidationError("smtp_password", "save the relay's host and user name first")
        try:
            if password:
                keyring.set_password(KEYRING_SERVICE, keyring_user(settings), password)
            elif _stored_password(settings) is not None:
                keyring.delete_password(KEYRING_SERVICE, keyring_user(settings))
        except KeyringError as error:
            raise ValidationError("smtp_password", f"the OS keyring refused: {error}") from None
        what = "stored in" if password else "removed from"
        uow.audit("update", "Settings", detail=f"SMTP relay password {what} the keyring")
        uow.commit()


@service
def relay_password_stored(db: Database, actor: Actor) -> bool:
    """Whether the keyring holds a password for the configured relay account."""
    require(actor, Action.MANAGE_SETTINGS)
    with unit_of_work(db, actor) as uow:  # clinic settings: no patient data, no read record
        settings = load_settings(uow.session)
    if not settings.smtp_host or not settings.smtp_user:
        return False
    return _stored_password(settings) is not None


# --------------------------------------------------------------------------- where to
def _load(session: Session, actor: Actor, referral_id: int) -> Referral:
    row = letters._load_referral(session, referral_id)
    category = referral_category(row.discipline, row.sensitive)
    letters._require_print(actor, category)
    require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
    return row


def _destinations(row: Referral, settings: ClinicSettings) -> list[Destination]:
    member = row.recipient
    if member is None:
        return []
    found = []
    if member.email:
        found.append(
            Destination(DeliveryMethod.EMAIL, member.email, None, f"E-mail: {member.email}")
        )
    if member.fax and settings.fax_gateway:
        address = fax_address(settings.fax_gateway, member.fax)
        found.append(
            Destination(DeliveryMethod.FAX, address, member.fax, f"Fax: {member.fax} ({address})")
        )
    return found


@service
def destinations(db: Database, actor: Actor, referral_id: int) -> list[Destination]:
    """Where the letter can be sent: the recipient's e-mail, and their fax through the
    clinic's e-mail-to-fax gateway (team-directory data; nothing from the chart is read).

    Raises:
        NotFound: No such referral.
        PermissionDenied: The role may not send this referral's letter.
    """
    with unit_of_work(db, actor) as uow:
        row = _load(uow.session, actor, referral_id)
        return _destinations(row, load_settings(uow.session))


@service
def deliveries(db: Database, actor: Actor, referral_id: int) -> list[DeliveryView]:
    """Every attempt to send this referral's letter through the relay, oldest first."""
    with unit_of_work(db, actor) as uow:
        row = _load(uow.session, actor, referral_id)
        found = uow.session.scalars(
            select(LetterDelivery)
            .where(LetterDelivery.referral_id == row.id)
            .order_by(LetterDelivery.at, LetterDelivery.id)
        ).all()
        return [_view(d) for d in found]


# --------------------------------------------------------------------------- the message
def subject_line(settings: ClinicSettings, reference: str) -> str:
    """No PHI: the clinic and the reference number, which only the clinic can resolve."""
    return f"Referral letter from {settings.clinic_name} — ref. {reference}"


def build_message(
    settings: ClinicSettings,
    *,
    to: str,
    reference: str,
    recipient_name: str,
    pdf: bytes,
) -> EmailMessage:
    """The e-mail: a short confidentiality note and the letter, byte for byte, attached."""
    message = EmailMessage()
    message["From"] = formataddr((settings.clinic_name, settings.sender_address))
    message["To"] = to
    message["Subject"] = subject_line(settings, reference)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid("carecoord", settings.sender_address.rsplit("@", 1)[-1])
    contact = f" on {settings.phone}" if settings.phone else ""
    message.set_content(
        f"Please find attached a confidential referral letter from {settings.clinic_name} "
        f"(ref. {reference}), meant for {recipient_name} only.\n\n"
        "It contains protected health information. If it reached you by mistake, please tell "
        f"us{contact} or by replying to this message, and delete it.\n\n"
        "Quote the reference number in any reply.\n"
    )
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"referral-{reference}.pdf"
    )
    return message


class _RelayAnswer(Exception):
    def __init__(self, outcome: DeliveryOutcome, answer: str) -> None:
        super().__init__(answer)
        self.outcome = outcome
        self.answer = answer[:MAX_ANSWER]


def _said(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}"


def relay(settings: ClinicSettings, password: str | None, message: EmailMessage) -> None:
    """Hand ``message`` to the relay over TLS (implicit, or STARTTLS before anything else).

    Raises:
        _RelayAnswer: the relay refused (its code and text) or could not be reached.
    """
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if settings.smtp_security == "tls":
            client = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
        with client:
            client.ehlo()
            if settings.smtp_security == "starttls":
                if not client.has_extn("starttls"):
                    raise _RelayAnswer(
                        DeliveryOutcome.FAILED,
                        "the relay does not offer STARTTLS, so nothing was sent",
                    )
                client.starttls(context=context)
                client.ehlo()
            if settings.smtp_user:
                client.login(settings.smtp_user, password or "")
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        answers = [_said(code, text) for code, text in error.recipients.values()]
        raise _RelayAnswer(DeliveryOutcome.REFUSED, "; ".join(answers)) from None
    except smtplib.SMTPResponseException as error:
        raise _RelayAnswer(
            DeliveryOutcome.REFUSED, _said(error.smtp_code, error.smtp_error)
        ) from None
    except ssl.SSLCertVerificationError as error:
        raise _RelayAnswer(
            DeliveryOutcome.FAILED,
            f"the relay's certificate is not trusted ({error.verify_message})",
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise _RelayAnswer(
            DeliveryOutcome.FAILED, f"{settings.smtp_host}:{settings.smtp_port}: {error}"
        ) from None


# --------------------------------------------------------------------------- sending
@dataclass(frozen=True)
class _Prepared:
    settings: ClinicSettings
    destination: Destination
    reference: str
    recipient_name: str
    password: str | None


def _prepare(
    db: Database,
    actor: Actor,
    referral_id: int,
    method: DeliveryMethod,
    expected_version: int | None,
) -> _Prepared:
    """Everything checked before a byte leaves: permission, relay, recipient, and that the
    referral can be marked sent once the relay accepts."""
    with unit_of_work(db, actor, write=True) as uow:
        row = _load(uow.session, actor, referral_id)
        settings = load_settings(uow.session)
        if not settings.relay_configured:
            raise ValidationError(
                "smtp_host", "set up the clinic's SMTP relay in Settings before sending"
            )
        chosen = [d for d in _destinations(row, settings) if d.method == method]
        if not chosen:
            if method == DeliveryMethod.FAX and not settings.fax_gateway:
                why = "the clinic has no e-mail-to-fax gateway (Settings)"
            else:
                what = "e-mail address" if method == DeliveryMethod.EMAIL else "fax number"
                why = f"the team directory has no {what} for the recipient"
            raise ValidationError("method", why)
        if workflow.TABLE.get((row.state, workflow.Event.SEND)) is not None:
            if expected_version is not None:
                check_version(row, expected_version, ENTITY)
            workflow.apply(  # raises now, not after the relay took the letter
                referrals.facts_of(row),
                workflow.Details(
                    workflow.Event.SEND,
                    on=today(),
                    sent_via=letters.REFERRAL_METHOD[method],
                ),
                today(),
                settings.workflow,
            )
        reference = assign_reference(uow, row)
        uow.commit(row, ENTITY)
        recipient = row.recipient.display_name if row.recipient else "the recipient"
    password = _stored_password(settings) if settings.smtp_user else None
    if settings.smtp_user and password is None:
        raise ValidationError(
            "smtp_password", "no relay password is stored in this workstation's keyring"
        )
    return _Prepared(settings, chosen[0], reference, recipient, password)


def _record(
    db: Database,
    actor: Actor,
    referral_id: int,
    prepared: _Prepared,
    *,
    message_id: str,
    outcome: DeliveryOutcome,
    answer: str | None,
    document_id: int | None,
) -> DeliveryView:
    destination = prepared.destination
    how = "e-mailed" if destination.method == DeliveryMethod.EMAIL else "faxed by e-mail"
    to = destination.fax_number or destination.address
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.session.get(Referral, referral_id)
        assert row is not None  # checked by _prepare; referrals are never deleted
        delivery = LetterDelivery(
            referral_id=referral_id,
            document_id=document_id,
            method=destination.method,
            address=destination.address,
            fax_number=destination.fax_number,
            username=actor.username,
            message_id=message_id,
            outcome=outcome,
            relay_answer=answer,
        )
        uow.session.add(delivery)
        if outcome == DeliveryOutcome.ACCEPTED:
            text = f"letter {how} to {to}; the relay accepted it, Message-ID {message_id}"
        else:
            text = f"letter not {how} to {to}: {answer}"
        uow.session.add(
            ReferralEvent(
                referral_id=referral_id,
                username=actor.username,
                kind="letter",
                reason=text[:MAX_ANSWER],
                document_id=document_id,
            )
        )
        uow.audit(
            "send",
            ENTITY,
            referral_id,
            patient_id=row.patient_id,
            category=referral_category(row.discipline, row.sensitive),
            detail=f"{destination.method.value} {outcome.value}"[:200],
        )
        uow.session.flush()
        view = _view(delivery)
        uow.commit()
    return view


@service
def send_letter(
    db: Database,
    actor: Actor,
    referral_id: int,
    pdf_bytes: bytes,
    method: DeliveryMethod | str,
    *,
    expected_version: int | None = None,
) -> DeliveryView:
    """Send the letter exactly as shown to the recipient's e-mail or fax, through the relay.

    Only when the relay accepts it is the PDF kept as the sent copy and the referral marked
    sent. Runs network I/O: call it off the GUI thread.

    Raises:
        PermissionDenied: The role may not send this referral's letter.
        ValidationError: Not a PDF, no relay or recipient address, no stored password,
            or the referral cannot be sent yet.
        ConflictError: ``expected_version`` is stale.
        DeliveryFailed: The relay refused or could not be reached (its answer is kept).
    """
    how = v.choice(method, DeliveryMethod, "method")
    if how not in SEND_METHODS:
        raise ValidationError("method", "letters go out through the relay by e-mail or fax")
    if not isinstance(pdf_bytes, bytes | bytearray) or not bytes(pdf_bytes).startswith(b"%PDF-"):
        raise ValidationError("pdf", "the letter to send must be a PDF")
    pdf = bytes(pdf_bytes)
    prepared = _prepare(db, actor, referral_id, how, expected_version)
    message = build_message(
        prepared.settings,
        to=prepared.destination.address,
        reference=prepared.reference,
        recipient_name=prepared.recipient_name,
        pdf=pdf,
    )
    message_id = str(message["Message-ID"])
    # Every attempt is kept, whatever the relay answered (see _record).
    attempt = partial(_record, db, actor, referral_id, prepared, message_id=message_id)
    try:
        relay(prepared.settings, prepared.password, message)
    except _RelayAnswer as refused:
        failed = attempt(outcome=refused.outcome, answer=refused.answer, document_id=None)
        raise DeliveryFailed(refused.answer, failed) from None
    try:
        sent = letters.record_sent_letter(db, actor, referral_id, pdf, how)
    except CareCoordError as error:  # the letter is out: say so, even though not marked
        attempt(
            outcome=DeliveryOutcome.ACCEPTED,
            answer=f"accepted, but the referral could not be marked sent: {error}",
            document_id=None,
        )
        raise
    return attempt(outcome=DeliveryOutcome.ACCEPTED, answer=None, document_id=sent.document_id)
