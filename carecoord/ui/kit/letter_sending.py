"""Marking a referral sent from any screen: the letter that left is kept, exactly.

Every screen that can mark a referral sent (letter preview, referral editor, the
worklist's batch) ends in :func:`carecoord.services.letters.record_sent_letter`; a screen
without a letter on show sends the letter with the discipline's default contents, which
is what ``carecoord letter ID`` prints too. Someone who handles the logistics of a
referral whose letter they may not print (the front desk and a psychiatric referral)
can still mark it sent; no copy is kept then, since they cannot have sent that letter.
"""

from __future__ import annotations

from datetime import date

from carecoord.clinical.vocabulary import DeliveryMethod, ReferralState
from carecoord.errors import PermissionDenied
from carecoord.services import letters, referrals
from carecoord.services.letters import REFERRAL_METHOD, SentLetterView
from carecoord.ui.context import AppContext


def mark_sent(
    context: AppContext,
    referral_id: int,
    method: DeliveryMethod | str,
    on: date | None,
    *,
    expected_version: int | None = None,
    pdf: bytes | None = None,
) -> SentLetterView | None:
    """Keep ``pdf`` (or the default letter, generated now) as sent and move the referral.

    Returns:
        The stored copy, or None when the actor may not print this letter and the
        referral was only moved to Sent.

    Raises:
        CareCoordError: from the services (not allowed, cannot be sent yet, stale).
    """
    if pdf is None:
        try:
            pdf = letters.generate_letter(
                context.db, context.actor, referral_id, what="letter generated to send"
            )
        except PermissionDenied:
            if expected_version is None:
                expected_version = referrals.get_referral(
                    context.db, context.actor, referral_id
                ).version
            referrals.transition(
                context.db,
                context.actor,
                referral_id,
                ReferralState.SENT,
                expected_version=expected_version,
                sent_via=REFERRAL_METHOD[DeliveryMethod(method)],
                on=on,
            )
            context.events.referral_changed.emit(referral_id)
            return None
    sent = letters.record_sent_letter(
        context.db,
        context.actor,
        referral_id,
        pdf,
        method,
        on=on,
        expected_version=expected_version,
    )
    context.events.referral_changed.emit(referral_id)
    return sent
