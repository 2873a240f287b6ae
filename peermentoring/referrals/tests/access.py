"""Who may reach each referral page and what a POST to it changes; merged into
schools/tests/test_access.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.matching.tests.access import _refused_on_the_form, _their_window
from peermentoring.referrals.models import PrimaryReferralLink, Referral, ReferralCategory
from peermentoring.schools.models import SchoolDayWindow
from tests.support.access import (
    GET,
    GET_POST,
    POST,
    STAFF,
    Access,
    ForeignPost,
    school_of,
)
from tests.support.factories import FeederPrimaryFactory, PupilFactory

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


# --- What an allowed POST sends and changes --------------------------------------------


def _details_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"source": "staff", "priority": "urgent", "consent": "given", "interests": "Chess"}


def _referred(response: Any, kwargs: dict[str, int]) -> None:
    referral = Referral.objects.get(pupil_id=kwargs["pupil_pk"])
    assert (referral.priority, referral.source) == (Referral.Priority.URGENT, "staff")


def _details_saved(response: Any, kwargs: dict[str, int]) -> None:
    referral = Referral.objects.get(pk=kwargs["referral_pk"])
    assert (referral.priority, referral.consent, referral.interests) == (
        Referral.Priority.URGENT,
        Referral.Consent.GIVEN,
        "Chess",
    )


def _more_info_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"decision": "more_info", "note": "Which form is Noor in?"}


def _more_info_asked(response: Any, kwargs: dict[str, int]) -> None:
    assert Referral.objects.get(pk=kwargs["referral_pk"]).status == Referral.Status.MORE_INFO


def _category_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"name": "New to the area", "is_higher_need": "on", "is_active": "on", "order": 7}


def _category_saved(response: Any, kwargs: dict[str, int]) -> None:
    category = ReferralCategory.objects.for_school(school_of(response)).get(name="New to the area")
    assert (category.is_higher_need, category.order) == (True, 7)
    if "category_pk" in kwargs:
        assert category.pk == kwargs["category_pk"]


def _link_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    primary = FeederPrimaryFactory(school=school, name="Hollybush Primary")
    return {"primary": primary.pk, "days": 14, "max_children": 20, "nonce": "once-only"}


def _link_made(response: Any, kwargs: dict[str, int]) -> None:
    link = PrimaryReferralLink.objects.get(school=school_of(response))
    assert (link.primary.name, link.max_children) == ("Hollybush Primary", 20)
    assert "/refer/" in response.text  # shown once, in this answer


def _link_revoked(response: Any, kwargs: dict[str, int]) -> None:
    assert PrimaryReferralLink.objects.get(pk=kwargs["link_pk"]).revoked_at is not None


ACCESS: dict[str, Access] = {
    "referrals:referral-list": Access(STAFF, None, GET),
    "referrals:referral-create": Access(STAFF, _pupil, GET_POST, _referred, _details_body),
    "referrals:referral-detail": Access(STAFF, _referral, GET),
    "referrals:referral-edit": Access(SETUP, _referral, GET_POST, _details_saved, _details_body),
    "referrals:referral-review": Access(SETUP, _referral, POST, _more_info_asked, _more_info_body),
    "referrals:category-list": Access(SETUP, None, GET_POST, _category_saved, _category_body),
    "referrals:category-edit": Access(SETUP, _category, GET_POST, _category_saved, _category_body),
    "referrals:link-list": Access(SETUP, None, GET_POST, _link_made, _link_body),
    "referrals:link-revoke": Access(SETUP, _link, GET_POST, _link_revoked),
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
