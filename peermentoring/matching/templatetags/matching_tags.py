"""Matching figures on the staff home page, without the schools app knowing about matching."""

from __future__ import annotations

from typing import Any

from django import template

from peermentoring.matching.models import Pairing
from peermentoring.referrals.models import Referral

register = template.Library()


@register.simple_tag(takes_context=True)
def mentees_with_a_mentor(context: dict[str, Any]) -> int:
    """Pupils with an active pairing in the school being viewed."""
    return Pairing.objects.for_school(context["current_school"]).active().count()


@register.simple_tag(takes_context=True)
def referrals_waiting(context: dict[str, Any]) -> int:
    """Referrals not yet reviewed, plus accepted ones still without a mentor."""
    referrals = Referral.objects.for_school(context["current_school"])
    return referrals.waiting_for_review().count() + referrals.in_queue().count()
