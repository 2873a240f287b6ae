"""Who may reach each matching page; merged into schools/tests/test_access.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.factories import FeederPrimaryFactory, PupilFactory
from peermentoring.core.roles import Role
from peermentoring.core.testing import GET, GET_POST, POST, STAFF, Access
from peermentoring.matching.models import (
    DoNotPair,
    MatchRun,
    Pairing,
    PrimaryReferralLink,
    Referral,
    ReferralCategory,
)
from peermentoring.matching.tests.helpers import accepted_referral, make_mentor

SETUP = frozenset({Role.COORDINATOR, Role.SCHOOL_ADMIN})
MENTOR = frozenset({Role.MENTOR, Role.SCHOOL_ADMIN})


def _pupil(school: Any, viewer: Any) -> dict[str, int]:
    return {"pupil_pk": PupilFactory(school=school, given_name="Rowan").pk}


def _referral(school: Any, viewer: Any) -> dict[str, int]:
    referral = Referral.objects.create(
        school=school,
        child_given_name="Noor",
        child_family_name="Haddad",
        source=Referral.Source.PRIMARY,
    )
    return {"referral_pk": referral.pk}


def _category(school: Any, viewer: Any) -> dict[str, int]:
    return {"category_pk": ReferralCategory.objects.create(school=school, name="Confidence").pk}


def _link(school: Any, viewer: Any) -> dict[str, int]:
    now = timezone.now()
    link = PrimaryReferralLink.objects.create(
        school=school,
        primary=FeederPrimaryFactory(school=school),
        created_at=now,
        expires_at=now + dt.timedelta(days=7),
    )
    return {"link_pk": link.pk}


def _mentor(school: Any, viewer: Any) -> dict[str, int]:
    return {"mentor_pk": make_mentor(school).pk}


def _do_not_pair(school: Any, viewer: Any) -> dict[str, int]:
    entry = DoNotPair.objects.create(
        school=school, pupil=PupilFactory(school=school), other=PupilFactory(school=school)
    )
    return {"entry_pk": entry.pk}


def _run(school: Any, viewer: Any) -> dict[str, int]:
    run = MatchRun.objects.create(
        school=school, proposal={"pairs": [], "unmatched": [], "total_score": 0}
    )
    return {"run_pk": run.pk}


def _pairing(school: Any, viewer: Any) -> dict[str, int]:
    referral = accepted_referral(school)
    pairing = Pairing.objects.create(
        school=school, mentor=make_mentor(school), mentee=referral.pupil, referral=referral
    )
    return {"pairing_pk": pairing.pk}


ACCESS: dict[str, Access] = {
    "matching:home": Access(SETUP, None, GET),
    "matching:referral-list": Access(STAFF, None, GET),
    "matching:referral-create": Access(STAFF, _pupil, GET_POST),
    "matching:referral-detail": Access(STAFF, _referral, GET),
    "matching:referral-edit": Access(SETUP, _referral, GET_POST),
    "matching:referral-review": Access(SETUP, _referral, POST),
    "matching:category-list": Access(SETUP, None, GET_POST),
    "matching:category-edit": Access(SETUP, _category, GET_POST),
    "matching:link-list": Access(SETUP, None, GET_POST),
    "matching:link-revoke": Access(SETUP, _link, POST),
    "matching:settings": Access(SETUP, None, GET_POST),
    "matching:mentor-list": Access(SETUP, None, GET),
    "matching:mentor-edit": Access(SETUP, _mentor, GET_POST),
    "matching:do-not-pair": Access(SETUP, None, GET_POST),
    "matching:do-not-pair-remove": Access(SETUP, _do_not_pair, POST),
    "matching:run-start": Access(SETUP, None, POST),
    "matching:run-detail": Access(SETUP, _run, GET),
    "matching:run-adjust": Access(SETUP, _run, POST),
    "matching:run-confirm": Access(SETUP, _run, POST),
    "matching:pairing-list": Access(STAFF, None, GET),
    "matching:pairing-end": Access(SETUP, _pairing, GET_POST),
    "matching:my-mentee": Access(MENTOR, None, GET),
}
