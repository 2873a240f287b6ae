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
    membership = (
        viewer.memberships.filter(school=school, pupil__isnull=False).first() if viewer else None
    )
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


# --- The coordinator's pages (staff_views.py) ------------------------------------------

STAFF = frozenset(
    {Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.DEPUTY_SAFEGUARDING_LEAD, Role.SCHOOL_ADMIN}
)
COORDINATOR = frozenset({Role.COORDINATOR})


def _school_pairing(school: Any) -> Pairing:
    """A mentor of the school (not the viewer) trained and paired long ago."""
    return _viewers_pairing(school, None)


def _last_window(school: Any) -> tuple[dt.date, SchoolDayWindow]:
    windows = list(SchoolDayWindow.objects.for_school(school))
    day = last_school_day(school, timezone.localtime(), windows)
    return day, next(w for w in windows if w.weekday == day.weekday() and w.is_active)


def _pairing_row(school: Any, viewer: Any) -> dict[str, int]:
    return {"pairing_pk": _school_pairing(school).pk}


def _meeting_row(school: Any, viewer: Any) -> dict[str, int]:
    from peermentoring.meetings.services import log_meeting

    pairing = _school_pairing(school)
    day, window = _last_window(school)
    meeting = log_meeting(pairing=pairing, held_on=day, window=window, by=None, mood=2)
    return {"meeting_pk": meeting.pk}


def _staff_log_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    day, window = _last_window(school)
    return {"held_on": day.isoformat(), "window": window.pk, "status": "happened", "mood": 4}


def _staff_logged(response: Any, kwargs: dict[str, int]) -> None:
    meeting = Meeting.objects.get(pairing=kwargs["pairing_pk"])
    assert meeting.mood == 4
    assert meeting.logged_by == response.wsgi_request.user


def _correct_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    meeting = Meeting.objects.get(pk=kwargs["meeting_pk"])
    return {
        "held_on": meeting.held_on.isoformat(),
        "window": meeting.window_id,
        "status": "happened",
        "mood": 5,
    }


def _corrected(response: Any, kwargs: dict[str, int]) -> None:
    meeting = Meeting.objects.get(pk=kwargs["meeting_pk"])
    assert meeting.mood == 5
    assert meeting.changed_by == response.wsgi_request.user


def _windows_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"windows": [SchoolDayWindow.objects.for_school(school).filter(is_active=True)[0].pk]}


def _windows_set(response: Any, kwargs: dict[str, int]) -> None:
    from peermentoring.meetings.models import UsualWindow

    assert UsualWindow.objects.filter(pairing=kwargs["pairing_pk"]).count() == 1


def _week_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {f"count-{_school_pairing(school).pk}": 3}


def _week_counted(response: Any, kwargs: dict[str, int]) -> None:
    from peermentoring.meetings.models import WeekCount

    assert WeekCount.objects.get(school=school_of(response)).count == 3


def _topics_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    from peermentoring.meetings.services import topics_for

    body: dict[str, Any] = {}
    for n, topic in enumerate(topics_for(school)):
        body |= {f"name-{topic.pk}": topic.name, f"order-{topic.pk}": n, f"on-{topic.pk}": "on"}
    return body | {"new-1": "Revision"}


def _topics_saved(response: Any, kwargs: dict[str, int]) -> None:
    from peermentoring.meetings.models import Topic

    assert Topic.objects.for_school(school_of(response)).filter(name="Revision").exists()


ACCESS |= {
    "meetings:staff-overview": Access(STAFF, None, GET),
    "meetings:staff-pairing": Access(STAFF, _pairing_row, GET),
    "meetings:staff-pairing-windows": Access(
        COORDINATOR, _pairing_row, ("post",), _windows_set, _windows_body
    ),
    "meetings:staff-log": Access(
        COORDINATOR, _pairing_row, GET_POST, _staff_logged, _staff_log_body
    ),
    "meetings:staff-correct": Access(
        COORDINATOR, _meeting_row, GET_POST, _corrected, _correct_body
    ),
    "meetings:staff-week": Access(COORDINATOR, None, GET_POST, _week_counted, _week_body),
    "meetings:staff-topics": Access(COORDINATOR, None, GET_POST, _topics_saved, _topics_body),
}


def _other_windows_topics(other_school: Any, day: dt.date) -> tuple[SchoolDayWindow, Any]:
    from peermentoring.meetings.services import topics_for

    this_year(other_school)
    window = SchoolDayWindow.objects.for_school(other_school).get(
        weekday=day.weekday(), kind=SchoolDayWindow.Kind.LUNCH
    )
    return window, topics_for(other_school)[0]


def _foreign_staff_log(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """This school's pairing, another school's window and topic: nothing is logged."""
    pairing = _school_pairing(school)
    day, _ = _last_window(school)
    window, topic = _other_windows_topics(other_school, day)

    def unchanged(response: Any) -> None:
        assert response.status_code in (200, 404)
        assert not Meeting.objects.exists()

    body = {"held_on": day.isoformat(), "window": window.pk, "status": "happened"}
    return ForeignPost({"pairing_pk": pairing.pk}, body | {"topics": [topic.pk]}, unchanged)


def _foreign_correct(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's window and topic in a correction: the meeting stays as it was."""
    kwargs = _meeting_row(school, viewer)
    meeting = Meeting.objects.get(pk=kwargs["meeting_pk"])
    window, topic = _other_windows_topics(other_school, meeting.held_on)

    def unchanged(response: Any) -> None:
        again = Meeting.objects.get(pk=meeting.pk)
        assert (again.window_id, again.mood, again.changed_by) == (meeting.window_id, 2, None)
        assert not again.topics.exists()

    body = {
        "held_on": meeting.held_on.isoformat(),
        "window": window.pk,
        "status": "happened",
        "topics": [topic.pk],
        "mood": 5,
    }
    return ForeignPost(kwargs, body, unchanged)


def _foreign_windows(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's window as a usual window: none is set."""
    from peermentoring.meetings.models import UsualWindow

    pairing = _school_pairing(school)
    this_year(other_school)
    window = SchoolDayWindow.objects.for_school(other_school).filter(is_active=True)[0]

    def unchanged(response: Any) -> None:
        assert not UsualWindow.objects.exists()

    return ForeignPost({"pairing_pk": pairing.pk}, {"windows": [window.pk]}, unchanged)


def _foreign_week(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's pairing's box in the bulk form: no count for it."""
    from peermentoring.meetings.models import WeekCount

    theirs = _school_pairing(other_school)

    def unchanged(response: Any) -> None:
        assert not WeekCount.objects.exists()

    return ForeignPost({}, {f"count-{theirs.pk}": 4}, unchanged)


def _foreign_topics(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's topic renamed through this school's form: it keeps its name."""
    from peermentoring.meetings.models import Topic
    from peermentoring.meetings.services import topics_for

    body = _topics_body(school, viewer, {})
    del body["new-1"]
    theirs = topics_for(other_school)[0]

    def unchanged(response: Any) -> None:
        assert Topic.objects.get(pk=theirs.pk).name == theirs.name

    return ForeignPost(
        {}, body | {f"name-{theirs.pk}": "Renamed", f"order-{theirs.pk}": 9}, unchanged
    )


FOREIGN_POSTS |= {
    "meetings:staff-log": _foreign_staff_log,
    "meetings:staff-correct": _foreign_correct,
    "meetings:staff-pairing-windows": _foreign_windows,
    "meetings:staff-week": _foreign_week,
    "meetings:staff-topics": _foreign_topics,
}
