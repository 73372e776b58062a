"""Send… from the letter preview, against a real SMTP relay on 127.0.0.1: the dialog
offers the directory's e-mail and fax, shows the relay's refusal and sends on Retry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import ReferralState, UserRole
from carecoord.services import letters, referrals
from carecoord.ui.context import AppContext
from carecoord.ui.letters.preview import LetterPreviewWindow
from carecoord.ui.letters.send_dialog import SendLetterDialog
from tests.conftest import make_actor
from tests.services.test_delivery import MEMBER_EMAIL, configure, draft_referral
from tests.smtp_relay import Relay, running_relay, trust_test_ca
from tests.ui.conftest import save_screenshot


@pytest.fixture
def authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    return trust_test_ca(tmp_path, monkeypatch)


@pytest.fixture
def relay(authority: trustme.CA) -> Iterator[Relay]:
    with running_relay(authority, "starttls", refuse={MEMBER_EMAIL}) as running:
        yield running


@pytest.fixture
def relay_context(context: AppContext, relay: Relay, password_hash: str) -> AppContext:
    admin = make_actor(context.db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat Admin")
    context.settings = configure(context.db, admin, relay, "starttls")
    return context


def _finish(qtbot: QtBot, dialog: SendLetterDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=20_000)


def test_send_shows_the_refusal_then_retries_and_marks_the_referral_sent(
    qtbot: QtBot, relay_context: AppContext, relay: Relay
) -> None:
    context = relay_context
    referral_id = draft_referral(context.db, context.actor)
    window = LetterPreviewWindow(context=context, referral_id=referral_id)
    qtbot.addWidget(window)
    assert window.email_button.isVisibleTo(window)
    dialog = window.send_letter()
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    assert [b.text() for b in dialog.choices.buttons()] == [
        f"E-mail: {MEMBER_EMAIL}",
        "Fax: (503) 555-0201 (5035550201@fax.example.net)",
    ]
    reference = referrals.get_referral(context.db, context.actor, referral_id).reference
    assert dialog.subject.text() == (
        f"Subject: Referral letter from Riverside Pain & Function Center — ref. {reference}"
    )
    save_screenshot(dialog, "send_letter_dialog")

    assert dialog.send()
    _finish(qtbot, dialog)
    assert dialog.status.text() == (
        "Not sent. The relay answered: "
        f"550 5.1.1 <{MEMBER_EMAIL}>: Recipient address rejected: User unknown"
    )
    assert dialog.send_button.text() == "Retry" and dialog.send_button.isEnabled()
    assert referrals.get_referral(context.db, context.actor, referral_id).state == "draft"
    save_screenshot(dialog, "send_letter_refused")

    relay.handler.refuse.clear()
    with qtbot.waitSignal(dialog.sent, timeout=20_000):
        dialog.send_button.click()
    _finish(qtbot, dialog)
    [got] = relay.handler.received
    assert got.rcpt_tos == [MEMBER_EMAIL]
    assert dialog.status.text().startswith(
        f"Sent: the relay accepted the letter for {MEMBER_EMAIL} (Message-ID <"
    )
    view = referrals.get_referral(context.db, context.actor, referral_id)
    assert view.state == ReferralState.SENT
    [copy] = letters.sent_letters(context.db, context.actor, referral_id)
    stored = letters.sent_letter_copy(context.db, context.actor, copy.document_id, stamped=False)
    [attachment] = list(got.message().iter_attachments())
    assert attachment.get_content() == stored == window.preview.pdf_bytes()
    assert window.status.text() == (
        f"Sent by e-mail to {MEMBER_EMAIL}; the relay accepted it and a copy of this "
        "letter is kept."
    )
    save_screenshot(dialog, "send_letter_sent")


def test_the_fax_choice_goes_to_the_gateway(
    qtbot: QtBot, relay_context: AppContext, relay: Relay
) -> None:
    context = relay_context
    referral_id = draft_referral(context.db, context.actor)
    window = LetterPreviewWindow(context=context, referral_id=referral_id)
    qtbot.addWidget(window)
    dialog = window.send_letter()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.choices.button(1).setChecked(True)
    with qtbot.waitSignal(dialog.sent, timeout=20_000):
        assert dialog.send()
    _finish(qtbot, dialog)
    assert relay.handler.received[0].rcpt_tos == ["5035550201@fax.example.net"]


def test_no_relay_means_no_send_button(qtbot: QtBot, context: AppContext) -> None:
    referral_id = draft_referral(context.db, context.actor)
    window = LetterPreviewWindow(context=context, referral_id=referral_id)
    qtbot.addWidget(window)
    assert not window.email_button.isVisibleTo(window)


def test_a_clinician_who_may_print_but_not_send_sees_no_send_button(
    qtbot: QtBot, relay_context: AppContext, password_hash: str
) -> None:
    context = relay_context
    referral_id = draft_referral(context.db, context.actor)
    context.actor = make_actor(context.db, password_hash, "jpark", UserRole.CLINICIAN, "Jo Park")
    window = LetterPreviewWindow(context=context, referral_id=referral_id)
    qtbot.addWidget(window)
    assert window.preview.page_count() >= 1  # the letter prints for a clinician
    assert not window.email_button.isVisibleTo(window)
