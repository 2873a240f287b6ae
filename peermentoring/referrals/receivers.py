"""Referrals' answers to what the foundation announces."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from peermentoring.referrals.services import reconcile_referrals
from peermentoring.schools.signals import pupils_imported


@receiver(pupils_imported, dispatch_uid="referrals.reconcile_referrals")
def reconcile_year_6_referrals(sender: Any, *, school: Any, by: Any, **_: Any) -> None:
    reconcile_referrals(school=school, by=by)
