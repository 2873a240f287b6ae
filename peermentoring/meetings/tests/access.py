"""Who may reach each meetings page and what a POST to it changes; merged into
schools/tests/test_access.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.matching.models import Pairing
from peermentoring.meetings.models import Meeting, UsualWindow
from peermentoring.meetings.views import last_school_day
from peermentoring.schools.models import SchoolDayWindow
from tests.support.access import GET, GET_POST, Access, ForeignPost, school_of
from tests.support.builders import accepted_referral, safeguarding_module
from tests.support.factories import (
    MentorFactory,
    ModuleCompletionFactory,
    PupilFactory,
    this_year,
)

MENTOR = frozenset({Role.MENTOR})
LONG_AGO = dt.timedelta(days=400)


def _viewers_pairing(school: Any, viewer: Any) -> Pairing:
    """The viewer (a mentor) trained and paired long ago, so the last school day counts;
    for any other viewer, a pairing of a new mentor (one they must not reach)."""
    membership = viewer.memberships.filter(school=school, pupil__isnull=False).first()
    this_year(school)
    today = timezone.localdate()
    if membership is not None:
        mentor = MentorFactory(school=school, pupil=membership.pupil)
    else:
        mentor = MentorFactory(school=school, pupil=PupilFactory(school=school, year_group=10))
    ModuleCompletionFactory(
        mentor=mentor, module=safeguarding_module(school), completed_on=today - LONG_AGO
    )
    referral = accepted_referral(school)
    return Pairing.objects.create(
        school=school,
        mentor=mentor,
        mentee=referral.pupil,
        referral=referral,
        started_on=today - LONG_AGO,
    )


def _log_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    pairing = _viewers_pairing(school, viewer)
    windows = list(SchoolDayWindow.objects.for_school(school))
    day = last_school_day(school, timezone.localtime(), windows)
    window = next(w for w in windows if w.weekday == day.weekday() and w.is_active)
    return {
        "pairing": pairing.pk,
        "held_on": day.isoformat(),
        "window": window.pk,
        "status": Meeting.Status.HAPPENED,
        "mood": 4,
    }


def _logged(response: Any, kwargs: dict[str, int]) -> None:
    meeting = Meeting.objects.get(school=school_of(response))
    assert meeting.mood == 4
    assert meeting.logged_by == response.wsgi_request.user


def _own_pairing(school: Any, viewer: Any) -> dict[str, int]:
    return {"pairing_pk": _viewers_pairing(school, viewer).pk}


def _usual_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    lunch = SchoolDayWindow.objects.for_school(school).get(weekday=1, kind="lunch")
    return {"windows": [lunch.pk]}


def _usual_saved(response: Any, kwargs: dict[str, int]) -> None:
    usual = UsualWindow.objects.get(pairing=kwargs["pairing_pk"])
    assert usual.window.label == "Tuesday lunch"


ACCESS: dict[str, Access] = {
    "meetings:my-mentee": Access(MENTOR, None, GET),
    "meetings:log": Access(MENTOR, None, GET_POST, _logged, _log_body),
    "meetings:usual-windows": Access(MENTOR, _own_pairing, GET_POST, _usual_saved, _usual_body),
}


def _foreign_log(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's pairing, window and topic in the form: nothing is logged."""
    from peermentoring.meetings.services import topics_for
    from tests.support.factories import PairingFactory

    own = _log_body(school, viewer, {})
    theirs = PairingFactory(school=other_school)
    window = SchoolDayWindow.objects.for_school(other_school).get(
        weekday=dt.date.fromisoformat(own["held_on"]).weekday(), kind=SchoolDayWindow.Kind.LUNCH
    )
    topic = topics_for(other_school)[0]

    def unchanged(response: Any) -> None:
        assert response.status_code in (200, 404)
        assert not Meeting.objects.exists()

    return ForeignPost(
        {}, own | {"pairing": theirs.pk, "window": window.pk, "topics": [topic.pk]}, unchanged
    )


def _foreign_usual(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's window among the usual ones: refused, nothing saved."""
    kwargs = _own_pairing(school, viewer)
    theirs = SchoolDayWindow.objects.for_school(other_school).first()
    assert theirs is not None

    def unchanged(response: Any) -> None:
        assert response.status_code == 200
        assert not UsualWindow.objects.exists()

    return ForeignPost(kwargs, {"windows": [theirs.pk]}, unchanged)


FOREIGN_POSTS = {"meetings:log": _foreign_log, "meetings:usual-windows": _foreign_usual}
