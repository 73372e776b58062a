"""Letters out through a real SMTP relay on 127.0.0.1 (aiosmtpd, TLS with a test CA):
the message read back carries the exact stored PDF, no PHI in the subject, the recorded
Message-ID; fax goes to the gateway address; a 550 leaves the referral unsent with the
relay's answer; plain text is refused before and during sending."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import trustme
from sqlalchemy import select, update

from carecoord.clinical.vocabulary import DeliveryMethod, ReferralState, SendMethod
from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.models import AuditEvent, DeliveryOutcome, Referral, Setting
from carecoord.services import delivery, letters, record, referrals, settings
from carecoord.services.actor import Actor
from carecoord.services.delivery import DeliveryFailed
from carecoord.services.settings import ClinicSettings
from tests.letters.samples import pdf_text
from tests.memory_keyring import MemoryKeyring
from tests.services.helpers import audit_actions, new_member, new_patient, new_referral
from tests.smtp_relay import (
    RELAY_PASSWORD,
    RELAY_USER,
    Relay,
    running_relay,
    trust_test_ca,
)

CLINIC = "Riverside Pain & Function Center"
SENDER = "letters@riverside.example"
MEMBER_EMAIL = "l.wrobel@northside.example"
GATEWAY = "{fax}@fax.example.net"


@pytest.fixture
def authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    return trust_test_ca(tmp_path, monkeypatch)


def configure(db: Database, admin: Actor, relay: Relay, security: str) -> ClinicSettings:
    saved = settings.save_settings(
        db,
        admin,
        ClinicSettings(
            clinic_name=CLINIC,
            phone="555-0100",
            smtp_host=relay.host,
            smtp_port=relay.port,
            smtp_security=security,
            smtp_user=RELAY_USER,
            sender_address=SENDER,
            fax_gateway=GATEWAY,
        ),
    )
    delivery.set_relay_password(db, admin, RELAY_PASSWORD)
    return saved


def draft_referral(db: Database, actor: Actor) -> int:
    patient = new_patient(db, actor, "Ñúñez", "Zoë", born=date(1980, 5, 12), mrn="CC-4411")
    record.add_diagnosis(db, actor, patient.id, "M54.50")
    member = new_member(
        db,
        actor,
        "neurosurgery",
        "Wróbel",
        "Łukasz",
        email=MEMBER_EMAIL,
        fax="(503) 555-0201",
        address="88 Elm Road",
    )
    return new_referral(db, actor, patient.id, member).id


@pytest.fixture(params=["starttls", "tls"])
def relay_mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def relay(authority: trustme.CA, relay_mode: str) -> Iterator[Relay]:
    with running_relay(authority, relay_mode) as running:
        yield running


def test_an_emailed_letter_arrives_as_stored_and_marks_the_referral_sent(
    db: Database, admin: Actor, physician: Actor, relay: Relay, relay_mode: str
) -> None:
    configure(db, admin, relay, relay_mode)
    referral_id = draft_referral(db, physician)
    pdf = letters.generate_letter(db, physician, referral_id)
    assert [d.label for d in delivery.destinations(db, physician, referral_id)] == [
        f"E-mail: {MEMBER_EMAIL}",
        "Fax: (503) 555-0201 (5035550201@fax.example.net)",
    ]

    sent = delivery.send_letter(db, physician, referral_id, pdf, "email")

    [got] = relay.handler.received
    assert got.over_tls
    assert got.mail_from == SENDER and got.rcpt_tos == [MEMBER_EMAIL]
    message = got.message()
    view = referrals.get_referral(db, physician, referral_id)
    assert message["From"] == f"{CLINIC} <{SENDER}>"
    assert message["To"] == MEMBER_EMAIL
    assert message["Subject"] == f"Referral letter from {CLINIC} — ref. {view.reference}"
    for phi in ("Ñúñez", "Zoë", "1980", "CC-4411", "M54"):
        assert phi not in message["Subject"]
    assert message["Message-ID"].strip() == sent.message_id  # a long header is folded
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and "confidential referral letter" in body.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"referral-{view.reference}.pdf"
    attached = attachment.get_content()
    assert attached == pdf
    assert sent.document_id is not None
    stored = letters.sent_letter_copy(db, physician, sent.document_id, stamped=False)
    assert stored == attached
    assert "Ñúñez" in pdf_text(attached)  # the letter itself names the patient, inside TLS

    assert (sent.outcome, sent.method, sent.address) == (
        DeliveryOutcome.ACCEPTED,
        DeliveryMethod.EMAIL,
        MEMBER_EMAIL,
    )
    assert (view.state, view.sent_via, view.sent_on) == (
        ReferralState.SENT,
        SendMethod.EMAIL,
        date.today(),
    )
    assert any(
        e.reason == f"letter e-mailed to {MEMBER_EMAIL}; the relay accepted it, "
        f"Message-ID {sent.message_id}"
        for e in view.events
    )
    assert ("send", "Referral") in audit_actions(db)


def test_a_fax_goes_to_the_gateway_address_built_from_the_number(
    db: Database, admin: Actor, physician: Actor, relay: Relay, relay_mode: str
) -> None:
    configure(db, admin, relay, relay_mode)
    referral_id = draft_referral(db, physician)
    pdf = letters.generate_letter(db, physician, referral_id)
    sent = delivery.send_letter(db, physician, referral_id, pdf, DeliveryMethod.FAX)
    [got] = relay.handler.received
    assert got.rcpt_tos == ["5035550201@fax.example.net"]
    assert (sent.address, sent.fax_number) == ("5035550201@fax.example.net", "(503) 555-0201")
    view = referrals.get_referral(db, physician, referral_id)
    assert view.sent_via == SendMethod.FAX


def test_a_refused_recipient_leaves_the_referral_unsent_with_the_relays_answer_and_can_be_retried(
    db: Database, admin: Actor, physician: Actor, authority: trustme.CA
) -> None:
    with running_relay(authority, "starttls", refuse={MEMBER_EMAIL}) as relay:
        configure(db, admin, relay, "starttls")
        referral_id = draft_referral(db, physician)
        pdf = letters.generate_letter(db, physician, referral_id)
        with pytest.raises(DeliveryFailed) as caught:
            delivery.send_letter(db, physician, referral_id, pdf, "email")
        answer = f"550 5.1.1 <{MEMBER_EMAIL}>: Recipient address rejected: User unknown"
        assert caught.value.answer == answer
        assert str(caught.value) == f"The letter was not sent. The relay answered: {answer}"
        assert relay.handler.received == []
        view = referrals.get_referral(db, physician, referral_id)
        assert view.state == ReferralState.DRAFT and view.sent_on is None
        assert letters.sent_letters(db, physician, referral_id) == []
        [attempt] = delivery.deliveries(db, physician, referral_id)
        assert (attempt.outcome, attempt.relay_answer, attempt.document_id) == (
            DeliveryOutcome.REFUSED,
            answer,
            None,
        )
        assert any(
            e.reason == f"letter not e-mailed to {MEMBER_EMAIL}: {answer}" for e in view.events
        )

        relay.handler.refuse.clear()  # the specialist fixed their mailbox: retry
        sent = delivery.send_letter(db, physician, referral_id, pdf, "email")
        assert sent.outcome == DeliveryOutcome.ACCEPTED
        assert len(relay.handler.received) == 1
        assert referrals.get_referral(db, physician, referral_id).state == ReferralState.SENT
        assert [d.outcome for d in delivery.deliveries(db, physician, referral_id)] == [
            DeliveryOutcome.REFUSED,
            DeliveryOutcome.ACCEPTED,
        ]


def test_plain_text_relay_settings_are_refused_naming_the_field(db: Database, admin: Actor) -> None:
    base = ClinicSettings(
        clinic_name=CLINIC, smtp_host="smtp.riverside.example", sender_address=SENDER
    )
    for security in ("none", "plain", ""):
        with pytest.raises(ValidationError) as caught:
            settings.save_settings(db, admin, replace(base, smtp_security=security))
        assert caught.value.field == "smtp_security"
        assert "never sent over plain text" in str(caught.value)
    with pytest.raises(ValidationError) as bad_gateway:
        settings.save_settings(db, admin, replace(base, fax_gateway="fax@fax.example.net"))
    assert bad_gateway.value.field == "fax_gateway"
    with pytest.raises(ValidationError) as url:
        settings.save_settings(db, admin, replace(base, smtp_host="smtp://mail.example"))
    assert url.value.field == "smtp_host"
    saved = settings.save_settings(db, admin, replace(base, smtp_security="TLS", smtp_port=465))
    assert (saved.smtp_security, saved.smtp_port) == ("tls", 465)


def test_a_relay_without_starttls_gets_nothing(
    db: Database, admin: Actor, physician: Actor
) -> None:
    with running_relay(None, "plain") as relay:
        configure(db, admin, relay, "starttls")
        referral_id = draft_referral(db, physician)
        pdf = letters.generate_letter(db, physician, referral_id)
        with pytest.raises(DeliveryFailed) as caught:
            delivery.send_letter(db, physician, referral_id, pdf, "email")
        assert caught.value.answer == "the relay does not offer STARTTLS, so nothing was sent"
        assert relay.handler.received == []
        assert referrals.get_referral(db, physician, referral_id).state == ReferralState.DRAFT


def test_a_relay_whose_certificate_is_not_trusted_gets_nothing(
    db: Database, admin: Actor, physician: Actor, authority: trustme.CA
) -> None:
    stranger = trustme.CA()  # not the CA in SSL_CERT_FILE
    with running_relay(stranger, "tls") as relay:
        configure(db, admin, relay, "tls")
        referral_id = draft_referral(db, physician)
        pdf = letters.generate_letter(db, physician, referral_id)
        with pytest.raises(DeliveryFailed) as caught:
            delivery.send_letter(db, physician, referral_id, pdf, "email")
        assert caught.value.answer.startswith("the relay's certificate is not trusted (")
        assert relay.handler.received == []


def test_the_password_lives_in_the_keyring_never_in_the_database(
    db: Database, admin: Actor, physician: Actor, memory_keyring: MemoryKeyring
) -> None:
    settings.save_settings(
        db,
        admin,
        ClinicSettings(
            clinic_name=CLINIC,
            smtp_host="smtp.riverside.example",
            smtp_user=RELAY_USER,
            sender_address=SENDER,
        ),
    )
    assert not delivery.relay_password_stored(db, admin)
    delivery.set_relay_password(db, admin, RELAY_PASSWORD)
    assert memory_keyring.secrets == {
        ("CareCoord SMTP relay", f"{RELAY_USER}@smtp.riverside.example"): RELAY_PASSWORD
    }
    assert delivery.relay_password_stored(db, admin)
    with db.session() as session:
        assert all(RELAY_PASSWORD not in s.value for s in session.scalars(select(Setting)))
    with pytest.raises(PermissionDenied):
        delivery.set_relay_password(db, physician, "guess")
    delivery.set_relay_password(db, admin, "")
    assert memory_keyring.secrets == {}


def test_a_missing_password_or_relay_is_said_before_anything_is_sent(
    db: Database, admin: Actor, physician: Actor
) -> None:
    referral_id = draft_referral(db, physician)
    pdf = letters.generate_letter(db, physician, referral_id)
    with pytest.raises(ValidationError) as no_relay:
        delivery.send_letter(db, physician, referral_id, pdf, "email")
    assert no_relay.value.field == "smtp_host"
    settings.save_settings(
        db,
        admin,
        ClinicSettings(
            clinic_name=CLINIC,
            smtp_host="127.0.0.1",
            smtp_user=RELAY_USER,
            sender_address=SENDER,
        ),
    )
    with pytest.raises(ValidationError) as no_password:
        delivery.send_letter(db, physician, referral_id, pdf, "email")
    assert no_password.value.field == "smtp_password"
    with pytest.raises(ValidationError) as no_gateway:
        delivery.send_letter(db, physician, referral_id, pdf, "fax")
    assert str(no_gateway.value) == ("method: the clinic has no e-mail-to-fax gateway (Settings)")
    with pytest.raises(ValidationError) as printed:
        delivery.send_letter(db, physician, referral_id, pdf, "print")
    assert printed.value.field == "method"


def test_numbering_the_referral_before_sending_is_audited_naming_it_and_its_number(
    db: Database, admin: Actor, physician: Actor, authority: trustme.CA
) -> None:
    """A referral written without the ORM may have no reference yet: sending numbers it in
    the unit of work that checks the send, and that change has its own audit record."""
    with running_relay(authority, "starttls") as relay:
        configure(db, admin, relay, "starttls")
        referral_id = draft_referral(db, physician)
        pdf = letters.generate_letter(db, physician, referral_id)
        with db.session(write=True) as session:
            session.execute(
                update(Referral).where(Referral.id == referral_id).values(reference=None)
            )
            session.commit()
        delivery.send_letter(db, physician, referral_id, pdf, "email")
    view = referrals.get_referral(db, physician, referral_id)
    assert view.reference
    with db.session() as session:
        [numbered] = session.execute(
            select(
                AuditEvent.action,
                AuditEvent.entity,
                AuditEvent.entity_id,
                AuditEvent.patient_id,
                AuditEvent.detail,
            ).where(AuditEvent.detail.like("reference number % assigned"))
        ).all()
    assert (numbered.action, numbered.entity, numbered.entity_id, numbered.patient_id) == (
        "update",
        "Referral",
        referral_id,
        view.patient_id,
    )
    assert numbered.detail == f"reference number {view.reference} assigned"
