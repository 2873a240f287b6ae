"""A pairing after it is made: ending it, and sending the mentee back to the queue if need be."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.matching.models import Pairing
from peermentoring.referrals.models import Referral

PAIRING_ALREADY_ENDED = "This pairing has already ended."


@transaction.atomic
def end_pairing(
    *, pairing: Pairing, reason: str, note: str = "", still_needs_mentor: bool, by: User
) -> Pairing:
    """Close an active pairing; the mentee goes back to the queue if they still need a mentor."""
    pairing = Pairing.objects.select_for_update().select_related("referral").get(pk=pairing.pk)
    if not pairing.is_active:
        raise ValidationError(PAIRING_ALREADY_ENDED)
    pairing.status = Pairing.Status.ENDED
    pairing.ended_on = timezone.localdate()
    pairing.end_reason, pairing.end_note = reason, note.strip()
    pairing.full_clean()
    pairing.save(update_fields=["status", "ended_on", "end_reason", "end_note"])
    referral = pairing.referral
    referral.status = Referral.Status.ACCEPTED if still_needs_mentor else Referral.Status.CLOSED
    referral.save(update_fields=["status"])
    record(
        action="pairing.ended",
        target=pairing,
        by=by,
        changes={"reason": reason, "requeued": still_needs_mentor},
    )
    return pairing
