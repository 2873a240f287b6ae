"""Who may reach each referral page; merged into schools/tests/test_access.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.core.testing import GET, GET_POST, POST, STAFF, Access, ForeignPost
from peermentoring.matching.tests.access import _refused_on_the_form, _their_window
from peermentoring.referrals.models import PrimaryReferralLink, Referral, ReferralCategory
from peermentoring.schools.factories import FeederPrimaryFactory, PupilFactory
from peermentoring.schools.models import SchoolDayWindow

SETUP = frozenset({Role.COORDINATOR, Role.SCHOOL_ADMIN})


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


ACCESS: dict[str, Access] = {
    "referrals:referral-list": Access(STAFF, None, GET),
    "referrals:referral-create": Access(STAFF, _pupil, GET_POST),
    "referrals:referral-detail": Access(STAFF, _referral, GET),
    "referrals:referral-edit": Access(SETUP, _referral, GET_POST),
    "referrals:referral-review": Access(SETUP, _referral, POST),
    "referrals:category-list": Access(SETUP, None, GET_POST),
    "referrals:category-edit": Access(SETUP, _category, GET_POST),
    "referrals:link-list": Access(SETUP, None, GET_POST),
    "referrals:link-revoke": Access(SETUP, _link, GET_POST),
}


# --- Another school's rows named in POST bodies ------------------------------------------


def _details(other_school: Any) -> tuple[dict[str, Any], ReferralCategory, SchoolDayWindow]:
    category = ReferralCategory.objects.create(school=other_school, name="Their reason")
    window = _their_window(other_school)
    data = {
        "priority": "routine",
        "consent": "given",
        "needs": "",
        "categories": [category.pk],
        "free_windows": [window.pk],
    }
    return data, category, window


def _foreign_referral_create(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    data, category, window = _details(other_school)

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        assert not Referral.objects.filter(categories=category).exists()
        assert not Referral.objects.filter(free_windows=window).exists()
        assert not Referral.objects.filter(school=school).exists()

    return ForeignPost(_pupil(school, viewer), {**data, "source": "staff"}, unchanged)


def _foreign_referral_edit(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    data, category, window = _details(other_school)
    url_kwargs = _referral(school, viewer)

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        referral = Referral.objects.get(pk=url_kwargs["referral_pk"])
        assert not referral.categories.exists()
        assert not referral.free_windows.exists()
        assert referral.consent == Referral.Consent.NOT_ASKED

    return ForeignPost(url_kwargs, data, unchanged)


def _foreign_link(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    theirs = FeederPrimaryFactory(school=other_school)

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        assert not PrimaryReferralLink.objects.filter(primary=theirs).exists()
        assert "/refer/" not in response.text

    return ForeignPost({}, {"primary": theirs.pk, "days": 14, "max_children": 30}, unchanged)


FOREIGN_POSTS = {
    "referrals:referral-create": _foreign_referral_create,
    "referrals:referral-edit": _foreign_referral_edit,
    "referrals:link-list": _foreign_link,
}
NO_ROW_FIELDS = {
    "referrals:referral-review",
    "referrals:category-list",
    "referrals:category-edit",
    "referrals:link-revoke",
}
