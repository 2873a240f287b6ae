"""Who may reach each matching page; merged into schools/tests/test_access.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.core.testing import GET, GET_POST, POST, STAFF, Access, ForeignPost
from peermentoring.matching.models import (
    DoNotPair,
    MatchRun,
    Pairing,
    PrimaryReferralLink,
    Referral,
    ReferralCategory,
)
from peermentoring.matching.tests.helpers import accepted_referral, make_mentor
from peermentoring.mentors.models import MentorFreeWindow
from peermentoring.schools.factories import FeederPrimaryFactory, PupilFactory
from peermentoring.schools.models import SchoolDayWindow

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
    """A proposal with one pair, so its confirmation page has something to confirm."""
    referral, mentor = accepted_referral(school), make_mentor(school)
    pair = {
        "referral": referral.pk,
        "mentee": referral.child_name,
        "form_group": referral.pupil.form_group,
        "mentor_id": mentor.pk,
        "mentor": str(mentor),
        "score": 1.0,
        "reasons": [],
        "locked": False,
    }
    run = MatchRun.objects.create(
        school=school, proposal={"pairs": [pair], "unmatched": [], "total_score": 1.0}
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
    "matching:link-revoke": Access(SETUP, _link, GET_POST),
    "matching:settings": Access(SETUP, None, GET_POST),
    "matching:mentor-list": Access(SETUP, None, GET),
    "matching:mentor-edit": Access(SETUP, _mentor, GET_POST),
    "matching:do-not-pair": Access(SETUP, None, GET_POST),
    "matching:do-not-pair-remove": Access(SETUP, _do_not_pair, POST),
    "matching:run-start": Access(SETUP, None, POST),
    "matching:run-detail": Access(SETUP, _run, GET),
    "matching:run-adjust": Access(SETUP, _run, POST),
    "matching:run-confirm": Access(SETUP, _run, GET_POST),
    "matching:pairing-list": Access(STAFF, None, GET),
    "matching:pairing-end": Access(SETUP, _pairing, GET_POST),
    "matching:my-mentee": Access(MENTOR, None, GET),
}


# --- Another school's rows named in POST bodies ------------------------------------------


def _their_window(school: Any) -> SchoolDayWindow:
    window, _ = SchoolDayWindow.objects.get_or_create(
        school=school,
        weekday=SchoolDayWindow.Weekday.TUESDAY,
        kind=SchoolDayWindow.Kind.LUNCH,
        defaults={"start_time": dt.time(12, 30), "end_time": dt.time(13, 15)},
    )
    return window


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


def _refused_on_the_form(response: Any) -> None:
    assert response.status_code == 200, response.status_code
    assert "Select a valid choice" in response.text


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


def _foreign_mentor_windows(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    window = _their_window(other_school)
    url_kwargs = _mentor(school, viewer)

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        assert not MentorFreeWindow.objects.filter(window=window).exists()
        assert not MentorFreeWindow.objects.filter(mentor_id=url_kwargs["mentor_pk"]).exists()

    return ForeignPost(url_kwargs, {"capacity": 2, "free_windows": [window.pk]}, unchanged)


def _foreign_do_not_pair(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    pupil, other = PupilFactory(school=other_school), PupilFactory(school=other_school)
    PupilFactory(school=school)

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        assert not DoNotPair.objects.exists()

    data = {"pupil": pupil.pk, "other": other.pk, "kind": "conflict", "note": ""}
    return ForeignPost({}, data, unchanged)


def _foreign_adjust(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    url_kwargs = _run(school, viewer)
    referral, mentor = accepted_referral(other_school), make_mentor(other_school)

    def unchanged(response: Any) -> None:
        assert response.status_code == 302, response.status_code
        run = MatchRun.objects.get(pk=url_kwargs["run_pk"])
        assert (run.locked, run.forbidden) == ([], [])

    data = {"action": "forbid", "referral": referral.pk, "mentor": mentor.pk}
    return ForeignPost(url_kwargs, data, unchanged)


FOREIGN_POSTS = {
    "matching:referral-create": _foreign_referral_create,
    "matching:referral-edit": _foreign_referral_edit,
    "matching:link-list": _foreign_link,
    "matching:mentor-edit": _foreign_mentor_windows,
    "matching:do-not-pair": _foreign_do_not_pair,
    "matching:run-adjust": _foreign_adjust,
}
NO_ROW_FIELDS = {
    "matching:referral-review",
    "matching:category-list",
    "matching:category-edit",
    "matching:link-revoke",
    "matching:settings",
    "matching:do-not-pair-remove",
    "matching:run-start",
    "matching:run-confirm",
    "matching:pairing-end",
}
