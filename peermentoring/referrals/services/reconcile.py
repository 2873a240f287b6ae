"""Year 6 referrals made before the child was on roll, linked to the Year 7 pupil they became."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import Pupil, School


def _reconcile_one(referral: Referral) -> Pupil | None:
    """The Year 7 pupil on roll this child now is, if exactly one fits."""
    pupils = Pupil.objects.for_school(referral.school_id).on_roll().in_year(7)
    if referral.child_upn:
        found = list(pupils.filter(upn__iexact=referral.child_upn)[:2])
        if len(found) == 1:
            return found[0]
    candidates = pupils.filter(
        Q(given_name__iexact=referral.child_given_name)
        | Q(preferred_name__iexact=referral.child_given_name),
        family_name__iexact=referral.child_family_name,
    )
    if referral.child_date_of_birth:
        candidates = candidates.filter(date_of_birth=referral.child_date_of_birth)
    elif referral.feeder_primary_id:
        candidates = candidates.filter(feeder_primary_id=referral.feeder_primary_id)
    found = list(candidates[:2])
    return found[0] if len(found) == 1 else None


@transaction.atomic
def reconcile_referrals(*, school: School, by: User | None) -> int:
    """Link Year 6 referrals to the Year 7 pupils they became; returns how many were linked."""
    linked = 0
    for referral in Referral.objects.for_school(school).filter(pupil__isnull=True):
        pupil = _reconcile_one(referral)
        if pupil is None:
            continue
        referral.pupil = pupil
        referral.save(update_fields=["pupil"])
        record(action="referral.reconciled", target=referral, by=by, changes={"pupil": str(pupil)})
        linked += 1
    return linked
