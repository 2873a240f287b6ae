"""Who may reach each page of the visits area, and what a POST to it changes.

Staff (the coordinator, the school admin, the safeguarding lead and deputies) read the Visits
page and each visit; every change is the coordinator's or the school admin's. These run on
the real clock: a visit to come is on the school's next school day at lunch, one that has
happened was yesterday.

The page a primary answers the plan on is opened by a signed link without signing in
(`PUBLIC`): its rules are tested in test_visit_public.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from peermentoring.core.models import OutboundEmail
from peermentoring.dropin.schedule import teaching_days
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.models import PrimaryVisit, VisitFollowUp
from peermentoring.schools.models import FeederPrimary
from tests.support.access import GET, GET_POST, POST, SETUP, STAFF, Access, ForeignPost, school_of
from tests.support.factories import (
    FeederPrimaryFactory,
    MentorFactory,
    PrimaryVisitFactory,
    PupilFactory,
    VisitFollowUpFactory,
    this_year,
)

PUBLIC: dict[str, str] = {"outreach:visit-plan": "outreach/tests/test_visit_public.py"}
LUNCH = (dt.time(12, 50), dt.time(13, 35))


def next_school_day(school: Any) -> dt.date:
    """The school's next school day after today, by the real clock."""
    this_year(school)
    today = timezone.localdate()
    days = teaching_days(school, today + dt.timedelta(days=1), today + dt.timedelta(days=120))
    assert days, "no school day in the next four months"
    return days[0]


def _primary(school: Any) -> FeederPrimary:
    primary, _ = FeederPrimary.objects.get_or_create(
        school=school,
        name="Meadowside Primary",
        defaults={"contact_email": "y6@meadowside.example"},
    )
    return primary


def _coming(school: Any, viewer: Any) -> dict[str, int]:
    visit = PrimaryVisitFactory(
        school=school,
        primary=_primary(school),
        visit_on=next_school_day(school),
        starts_at=LUNCH[0],
        ends_at=LUNCH[1],
    )
    return {"visit_pk": visit.pk}


def _happened(school: Any, viewer: Any) -> dict[str, int]:
    visit = PrimaryVisitFactory(
        school=school,
        primary=_primary(school),
        visit_on=timezone.localdate() - dt.timedelta(days=1),
    )
    return {"visit_pk": visit.pk}


def _follow_up(school: Any, viewer: Any) -> dict[str, int]:
    visit = PrimaryVisit.objects.get(pk=_happened(school, viewer)["visit_pk"])
    return {"follow_up_pk": VisitFollowUpFactory(visit=visit).pk}


def _plan_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {
        "primary": _primary(school).pk,
        "visit_on": next_school_day(school).isoformat(),
        "starts_at": "12:50",
        "ends_at": "13:35",
        "staff_name": "Mrs Hewitt",
        "plan": "What Year 7 is like.",
        "submission_key": str(uuid.uuid4()),
    }


def _planned(response: Any, kwargs: dict[str, int]) -> None:
    visit = PrimaryVisit.objects.get(school=school_of(response))
    assert visit.plan == "What Year 7 is like."
    assert visit.created_by == response.wsgi_request.user


def _change_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    visit = PrimaryVisit.objects.get(pk=kwargs["visit_pk"])
    return {
        "primary": visit.primary_id,
        "visit_on": visit.visit_on.isoformat(),
        "starts_at": "12:50",
        "ends_at": "13:35",
        "plan": "A quiz about the new school.",
        "version": visit.version,
    }


def _changed(response: Any, kwargs: dict[str, int]) -> None:
    assert PrimaryVisit.objects.get(pk=kwargs["visit_pk"]).plan == "A quiz about the new school."


def _version_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"version": PrimaryVisit.objects.get(pk=kwargs["visit_pk"]).version}


def _sent(response: Any, kwargs: dict[str, int]) -> None:
    visit = PrimaryVisit.objects.get(pk=kwargs["visit_pk"])
    assert visit.link_sent_at is not None
    assert OutboundEmail.objects.filter(to_address=visit.contact_email).exists()


def _cancelled(response: Any, kwargs: dict[str, int]) -> None:
    visit = PrimaryVisit.objects.get(pk=kwargs["visit_pk"])
    assert visit.status == PrimaryVisit.Status.CANCELLED


def _record_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return _version_body(school, viewer, kwargs) | {"year6_met": "30", "notes": "Went well."}


def _recorded(response: Any, kwargs: dict[str, int]) -> None:
    visit = PrimaryVisit.objects.get(pk=kwargs["visit_pk"])
    assert (visit.status, visit.year6_met) == (PrimaryVisit.Status.DONE, 30)
    assert visit.recorded_by == response.wsgi_request.user


def _follow_up_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {
        "kind": VisitFollowUp.Kind.WANTS_MENTOR,
        "child_given_name": "Maisie",
        "child_family_name": "Clarke",
        "submission_key": str(uuid.uuid4()),
    }


def _follow_up_added(response: Any, kwargs: dict[str, int]) -> None:
    added = VisitFollowUp.objects.get(visit=kwargs["visit_pk"])
    assert added.child_given_name == "Maisie"


def _referred(response: Any, kwargs: dict[str, int]) -> None:
    follow_up = VisitFollowUp.objects.get(pk=kwargs["follow_up_pk"])
    assert follow_up.referral is not None
    assert follow_up.referral.school == school_of(response)


def _done_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"done": "1"}


def _ticked(response: Any, kwargs: dict[str, int]) -> None:
    assert VisitFollowUp.objects.get(pk=kwargs["follow_up_pk"]).done_at is not None


ACCESS: dict[str, Access] = {
    "outreach:visits": Access(STAFF, None, GET),
    "outreach:visit": Access(STAFF, _coming, GET),
    "outreach:visit-new": Access(SETUP, None, GET_POST, _planned, _plan_body),
    "outreach:visit-edit": Access(SETUP, _coming, GET_POST, _changed, _change_body),
    "outreach:visit-send": Access(SETUP, _coming, POST, _sent, _version_body),
    "outreach:visit-cancel": Access(SETUP, _coming, GET_POST, _cancelled, _version_body),
    "outreach:visit-record": Access(SETUP, _happened, GET_POST, _recorded, _record_body),
    "outreach:visit-follow-up-add": Access(
        SETUP, _happened, GET_POST, _follow_up_added, _follow_up_body
    ),
    "outreach:visit-follow-up-refer": Access(SETUP, _follow_up, POST, _referred),
    "outreach:visit-follow-up-done": Access(SETUP, _follow_up, POST, _ticked, _done_body),
}


# --- Another school's ids in the forms -------------------------------------------------


def _their_rows(other_school: Any) -> tuple[Any, Mentor]:
    theirs = FeederPrimaryFactory(school=other_school, name="Elm Park Primary")
    their_mentor = MentorFactory(
        school=other_school,
        pupil=PupilFactory(school=other_school, year_group=10),
        status=Mentor.Status.TRAINED,
    )
    return theirs, their_mentor


def _foreign_plan(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's primary or mentor on a new visit: refused on the form, nothing planned."""
    theirs, their_mentor = _their_rows(other_school)
    body = _plan_body(school, viewer, {}) | {"primary": theirs.pk, "mentors": [their_mentor.pk]}

    def unchanged(response: Any) -> None:
        assert response.status_code == 200
        assert "Choose one of the school&#x27;s feeder primaries." in response.text
        assert "Choose mentors from the list." in response.text
        assert not PrimaryVisit.objects.exists()

    return ForeignPost({}, body, unchanged)


def _foreign_change(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's primary or mentor on this school's visit: refused, the visit as it was."""
    kwargs = _coming(school, viewer)
    theirs, their_mentor = _their_rows(other_school)
    body = _change_body(school, viewer, kwargs) | {
        "primary": theirs.pk,
        "mentors": [their_mentor.pk],
    }

    def unchanged(response: Any) -> None:
        assert response.status_code == 200
        visit = PrimaryVisit.objects.get(pk=kwargs["visit_pk"])
        assert visit.primary.school == school
        assert not visit.mentors.exists()
        assert not PrimaryVisit.objects.filter(primary=theirs).exists()

    return ForeignPost(kwargs, body, unchanged)


FOREIGN_POSTS: dict[str, Any] = {
    "outreach:visit-new": _foreign_plan,
    "outreach:visit-edit": _foreign_change,
}
# A version, counts, words or a tick: no row of any school named in the body.
NO_ROW_FIELDS: set[str] = {
    "outreach:visit-send",
    "outreach:visit-cancel",
    "outreach:visit-record",
    "outreach:visit-follow-up-add",
    "outreach:visit-follow-up-refer",
    "outreach:visit-follow-up-done",
}
