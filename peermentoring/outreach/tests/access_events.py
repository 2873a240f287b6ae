"""Who may reach each page of the events area, and what a POST to it changes.

Staff see the events and the mentors' contributions; the coordinator and the school admin
add, change and delete events, print certificates and download the list; a mentor sees
only their own record. These run on the real clock: "this year" is the year holding today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.models import Event
from tests.support.access import (
    GET,
    GET_POST,
    SETUP,
    STAFF,
    Access,
    ForeignPost,
    school_of,
    viewer_of,
)
from tests.support.factories import EventFactory, MentorFactory, PupilFactory, this_year

MENTOR = frozenset({Role.MENTOR})


def _mentor(school: Any, given_name: str = "Kwame") -> Mentor:
    mentor: Mentor = MentorFactory(
        school=school,
        pupil=PupilFactory(school=school, given_name=given_name, year_group=10),
        academic_year=this_year(school),
        status=Mentor.Status.TRAINED,
    )
    return mentor


def _event(school: Any) -> Event:
    event: Event = EventFactory(school=school, academic_year=this_year(school))
    return event


def _event_row(school: Any, viewer: Any) -> dict[str, int]:
    return {"event_pk": _event(school).pk}


def _mentor_row(school: Any, viewer: Any) -> dict[str, int]:
    return {"mentor_pk": _mentor(school).pk}


def _own_mentor_row(school: Any, viewer: Any) -> dict[str, int]:
    """The viewer's own mentor record if they are a pupil of the school, else someone's."""
    membership = viewer.memberships.filter(school=school, pupil__isnull=False).first()
    if membership is None:
        return _mentor_row(school, viewer)
    mentor = MentorFactory(
        school=school, pupil=membership.pupil, academic_year=this_year(school), status="trained"
    )
    return {"mentor_pk": mentor.pk}


def _a_day(school: Any) -> dt.date:
    return this_year(school).starts_on + dt.timedelta(days=40)


def _add_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    day = _a_day(school)
    return {
        "kind": Event.Kind.OPEN_EVENING,
        "name": "Year 6 open evening",
        "starts_on": day.isoformat(),
        "ends_on": day.isoformat(),
        "audience": "Year 6 and their parents",
        "reach": "240",
        "mentors": [_mentor(school).pk],
    }


def _added(response: Any, kwargs: dict[str, int]) -> None:
    event = Event.objects.for_school(school_of(response)).get(name="Year 6 open evening")
    assert event.reach == 240 and event.created_by == viewer_of(response)
    assert event.mentors.count() == 1


def _change_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    event = Event.objects.get(pk=kwargs["event_pk"])
    return {
        "kind": event.kind,
        "name": "Year 7 assembly on friendship",
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "reach": "190",
        "version": str(event.version),
    }


def _changed(response: Any, kwargs: dict[str, int]) -> None:
    event = Event.objects.get(pk=kwargs["event_pk"])
    assert (event.name, event.reach, event.version) == ("Year 7 assembly on friendship", 190, 2)


def _deleted(response: Any, kwargs: dict[str, int]) -> None:
    assert not Event.objects.filter(pk=kwargs["event_pk"]).exists()


ACCESS: dict[str, Access] = {
    "outreach:events": Access(STAFF, None, GET),
    "outreach:event": Access(STAFF, _event_row, GET),
    "outreach:event-add": Access(SETUP, None, GET_POST, _added, _add_body),
    "outreach:event-edit": Access(SETUP, _event_row, GET_POST, _changed, _change_body),
    "outreach:event-delete": Access(SETUP, _event_row, GET_POST, _deleted),
    "outreach:contributions": Access(STAFF, None, GET),
    "outreach:contributions-download": Access(SETUP, None, GET),
    "outreach:certificates": Access(SETUP, None, GET),
    "outreach:contribution": Access(STAFF, _mentor_row, GET),
    "outreach:certificate": Access(SETUP, _mentor_row, GET),
    "outreach:my-contribution": Access(MENTOR, None, GET),
    "outreach:my-contribution-year": Access(MENTOR, _own_mentor_row, GET),
}


def _foreign_add(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's mentor named in this school's new event: refused, nothing made."""
    theirs = _mentor(other_school, "Owen")
    body = _add_body(school, viewer, {}) | {"mentors": [theirs.pk]}

    def unchanged(response: Any) -> None:
        assert response.status_code == 400
        assert not Event.objects.filter(mentors=theirs).exists()
        assert not Event.objects.for_school(school).exists()

    return ForeignPost({}, body, unchanged)


def _foreign_edit(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's mentor added to this school's event: refused, the event unchanged."""
    kwargs = _event_row(school, viewer)
    theirs = _mentor(other_school, "Owen")
    body = _change_body(school, viewer, kwargs) | {"mentors": [theirs.pk]}

    def unchanged(response: Any) -> None:
        assert response.status_code == 400
        event = Event.objects.get(pk=kwargs["event_pk"])
        assert event.version == 1 and not event.mentors.exists()

    return ForeignPost(kwargs, body, unchanged)


def _foreign_delete(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's event named in the body of a delete: only the address's is deleted."""
    kwargs = _event_row(school, viewer)
    theirs = _event(other_school)

    def unchanged(response: Any) -> None:
        assert Event.objects.filter(pk=theirs.pk).exists()

    return ForeignPost(kwargs, {"event": theirs.pk, "event_pk": theirs.pk}, unchanged)


FOREIGN_POSTS: dict[str, Any] = {
    "outreach:event-add": _foreign_add,
    "outreach:event-edit": _foreign_edit,
    "outreach:event-delete": _foreign_delete,
}
