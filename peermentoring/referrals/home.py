"""Referrals on the home pages: registered in ReferralsConfig.ready(), shown by schools."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peermentoring.referrals.models import Referral

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership


def referrals_waiting(membership: Membership) -> int:
    """Referrals not yet reviewed, plus accepted ones still without a mentor."""
    referrals = Referral.objects.for_school(membership.school)
    return referrals.waiting_for_review().count() + referrals.in_queue().count()
