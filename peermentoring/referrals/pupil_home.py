"""A mentee's home page while they wait for a peer mentor: registered in ReferralsConfig.ready().

Once they are paired, matching's card takes over ("Your peer mentor is …"): a referral
is then matched, so this line goes. Referrals never imports matching: the referral's
own status says whether its pupil is still waiting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peermentoring.core.registry import TodoItem
from peermentoring.referrals.models import Referral

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership

WAITING_TEMPLATE = "referrals/_todo_waiting.html"
# Matched (paired), declined, or no longer needing a mentor: nobody is looking for one.
NOT_WAITING = (Referral.Status.MATCHED, Referral.Status.DECLINED, Referral.Status.CLOSED)


def waiting_for_a_mentor(membership: Membership) -> list[TodoItem]:
    """A kind line for a mentee with no mentor yet: their referral is open, or they have none."""
    if membership.pupil is None:
        return []
    latest = (
        Referral.objects.for_school(membership.school)
        .filter(pupil=membership.pupil)
        .order_by("-referred_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    if latest in NOT_WAITING:
        return []
    return [TodoItem(label="We are finding you a peer mentor", url="", template=WAITING_TEMPLATE)]
