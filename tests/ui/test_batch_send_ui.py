"""The batch's "Send these…" against a real SMTP relay on 127.0.0.1: each letter goes to its
recipient, a refusal is reported with the relay's answer and can be sent again, and Cancel
stops between letters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import trustme
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import DeliveryMethod, ReferralState, UserRole
from carecoord.services import referrals
from carecoord.ui.context import AppContext
from carecoord.ui.letters.batch import BatchLettersDialog, BatchMode, SendResult
from tests.conftest import make_actor
from tests.services.helpers import new_member, new_patient, new_referral
from tests.services.test_delivery import configure
from tests.smtp_relay import Relay, running_relay, trust_test_ca
from tests.ui.conftest import save_screenshot

PEOPLE = (
    ("Ñúñez", "Zoë", "a.okafor@northside.example"),
    ("Wróbel", "Łukasz", "k.mori@eastgate.example"),
    ("Côté", "Amélie", "nobody@westfield.example"),
)
REFUSED = "nobody@westfield.example"


@pytest.fixture
def authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    return trust_test_ca(tmp_path, monkeypatch)


@pytest.fixture
def relay(authority: trustme.CA) -> Iterator[Relay]:
    with running_relay(authority, "tls", refuse={REFUSED}) as running:
        yield running


@pytest.fixture
def relay_context(context: AppContext, relay: Relay, password_hash: str) -> AppContext:
    admin = make_actor(context.db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat Admin")
    context.settings = configure(context.db, admin, relay, "tls")
    return context


def _referrals(context: AppContext) -> list[int]:
    ids = []
    for number, (family, given, email) in enumerate(PEOPLE):
        db, actor = context.db, context.actor
        patient = new_patient(db, actor, family, given, born=date(1970 + number, 3, 1))
        member = new_member(db, actor, "neurosurgery", f"Expert{number}", "Sam", email=email)
        ids.append(new_referral(db, actor, patient.id, member).id)
    return ids


def _generated(qtbot: QtBot, context: AppContext, tmp_path: Path) -> BatchLettersDialog:
    dialog = BatchLettersDialog(context=context, referral_ids=_referrals(context))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.output.set_mode(BatchMode.PER_FILE)
    dialog.output.path_edit.setText(str(tmp_path))
    with qtbot.waitSignal(dialog.batch_finished, timeout=60_000):
        assert dialog.start()
    assert dialog.relay_button.isVisibleTo(dialog)
    dialog.ask_relay_method = lambda: DeliveryMethod.EMAIL
    return dialog


def _send(qtbot: QtBot, dialog: BatchLettersDialog) -> SendResult:
    with qtbot.waitSignal(dialog.send_finished, timeout=60_000) as finished:
        assert dialog.send_all()
    result = finished.args[0]
    assert isinstance(result, SendResult)
    return result


def test_batch_sends_each_letter_reports_the_refusal_and_retries_it(
    qtbot: QtBot, relay_context: AppContext, relay: Relay, tmp_path: Path
) -> None:
    context = relay_context
    dialog = _generated(qtbot, context, tmp_path)
    ids = list(dialog.referral_ids)
    result = _send(qtbot, dialog)
    assert [rid for rid, _view in result.sent] == ids[:2]
    answer = f"550 5.1.1 <{REFUSED}>: Recipient address rejected: User unknown"
    assert result.failed == ((ids[2], answer),)
    assert sorted(r.rcpt_tos[0] for r in relay.handler.received) == sorted(
        e for _f, _g, e in PEOPLE[:2]
    )
    reference = referrals.get_referral(context.db, context.actor, ids[2]).reference
    assert dialog.result_label.text() == (
        "Sent 2 letters by e-mail; each referral is marked sent and its letter kept.\n"
        f"Not sent 1: Côté, Amélie, ref. {reference}: {answer}."
    )
    assert dialog.relay_button.text() == "Send the 1 not sent…"
    states = [referrals.get_referral(context.db, context.actor, i).state for i in ids]
    assert states == [ReferralState.SENT, ReferralState.SENT, ReferralState.DRAFT]
    save_screenshot(dialog, "batch_send_refused")

    relay.handler.refuse.clear()
    again = _send(qtbot, dialog)
    assert [rid for rid, _view in again.sent] == [ids[2]] and not again.failed
    assert referrals.get_referral(context.db, context.actor, ids[2]).state == ReferralState.SENT
    assert not dialog.relay_button.isVisibleTo(dialog)


def test_cancel_stops_between_letters_and_leaves_the_rest_unsent(
    qtbot: QtBot, relay_context: AppContext, relay: Relay, tmp_path: Path
) -> None:
    context = relay_context
    dialog = _generated(qtbot, context, tmp_path)
    ids = list(dialog.referral_ids)
    # Cancel pressed while the relay takes the first letter (the event send_all made).
    relay.handler.on_message = lambda: dialog.cancel_requested.set()
    result = _send(qtbot, dialog)
    assert [rid for rid, _view in result.sent] == ids[:1]
    assert result.cancelled and result.untried == tuple(ids[1:])
    assert len(relay.handler.received) == 1
    assert dialog.result_label.text().endswith("Cancelled: 2 not tried.")
    states = [referrals.get_referral(context.db, context.actor, i).state for i in ids]
    assert states == [ReferralState.SENT, ReferralState.DRAFT, ReferralState.DRAFT]
    assert dialog.relay_button.text() == "Send the 2 not sent…"
