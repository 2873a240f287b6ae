"""Who may reach each visits page and what a POST to it changes; merged in tests/access.py.

These run on the real clock: a visit is recorded for the last opening of the room that
has begun (yesterday's lunch at a weekend, say), a mentor on duty there in a published
rota."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.dropin.models import Duty, DutyAvailability, Room, RoomOpening, Rota, Visit
from peermentoring.dropin.schedule import openings_between, rooms_for
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import Membership, SchoolDayWindow
from tests.support.access import GET, GET_POST, SETUP, STAFF, Access, ForeignPost, school_of
from tests.support.factories import MentorFactory, PupilFactory, this_year

MENTOR = frozenset({Role.MENTOR})
COORDINATOR = frozenset({Role.COORDINATOR})
RECORDERS = frozenset({Role.MENTOR, Role.COORDINATOR, Role.SCHOOL_ADMIN})
LOOK_BACK = 120


def _last_opening(school: Any) -> tuple[dt.date, SchoolDayWindow]:
    """The latest opening of the room that has begun, by the real clock."""
    this_year(school)
    rooms_for(school)
    moment = timezone.localtime()
    day = moment.date()
    for _ in range(LOOK_BACK):
        begun = [
            o.window
            for o in openings_between(school, day, day)
            if day < moment.date() or o.window.start_time <= moment.time()
        ]
        if begun:
            return day, begun[-1]
        day -= dt.timedelta(days=1)
    raise AssertionError("No opening of the room in the last four months")


def _mentor_of(school: Any, viewer: Any) -> Mentor | None:
    """The viewer's mentor record this year, made if they are a pupil without one."""
    membership = viewer.memberships.filter(school=school, pupil__isnull=False).first()
    if membership is None:
        return None
    mentor: Mentor = Mentor.objects.filter(school=school, pupil=membership.pupil).first() or (
        MentorFactory(school=school, pupil=membership.pupil, status=Mentor.Status.TRAINED)
    )
    return mentor


def _visit_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    """The last opening, with the viewer (a mentor) on duty there in a published rota."""
    day, window = _last_opening(school)
    room = rooms_for(school)[0]
    mentor = _mentor_of(school, viewer)
    if mentor is not None:
        rota = Rota.objects.create(
            school=school, starts_on=day, ends_on=day, published_at=timezone.now()
        )
        Duty.objects.create(
            school=school, rota=rota, room=room, window=window, held_on=day, mentor=mentor
        )
    return {"room": room.pk, "window": window.pk, "on": day.isoformat(), "year7": "3"}


def _recorded(response: Any, kwargs: dict[str, int]) -> None:
    visit = Visit.objects.get(school=school_of(response))
    assert visit.year7 == 3
    assert visit.recorded_by == response.wsgi_request.user


def _rooms_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    room = rooms_for(school)[0]
    return {
        "action": "rooms",
        f"name-{room.pk}": "The Hub",
        f"where-{room.pk}": "Room S12",
        f"open-{room.pk}": "on",
        f"order-{room.pk}": "1",
    }


def _rooms_saved(response: Any, kwargs: dict[str, int]) -> None:
    room = Room.objects.for_school(school_of(response)).get()
    assert (room.name, room.where) == ("The Hub", "Room S12")


def _a_break(school: Any) -> SchoolDayWindow:
    rooms_for(school)
    return SchoolDayWindow.objects.get(school=school, weekday=2, kind="break")


def _grid_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    mentor = MentorFactory(
        school=school, pupil=PupilFactory(school=school, year_group=10, given_name="Ayo")
    )
    return {"mentor": mentor.pk, "windows": [_a_break(school).pk]}


def _grid_saved(response: Any, kwargs: dict[str, int]) -> None:
    saved = DutyAvailability.objects.get(mentor__school=school_of(response))
    assert saved.window.label == "Wednesday break"
    assert saved.mentor.pupil.given_name == "Ayo"


def _mine_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    _mentor_of(school, viewer)
    return {"windows": [_a_break(school).pk]}


def _mine_saved(response: Any, kwargs: dict[str, int]) -> None:
    saved = DutyAvailability.objects.get()
    assert Membership.objects.get(pupil=saved.mentor.pupil).user == response.wsgi_request.user
    assert saved.window.label == "Wednesday break"


ACCESS: dict[str, Access] = {
    "dropin:overview": Access(STAFF, None, GET),
    "dropin:visits": Access(STAFF, None, GET),
    "dropin:visit": Access(RECORDERS, None, GET_POST, _recorded, _visit_body),
    "dropin:rooms": Access(SETUP, None, GET_POST, _rooms_saved, _rooms_body),
    "dropin:availability": Access(COORDINATOR, None, GET_POST, _grid_saved, _grid_body),
    "dropin:my-availability": Access(MENTOR, None, GET_POST, _mine_saved, _mine_body),
}


# --- Another school's ids in the forms -------------------------------------------------------


def _foreign_visit(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's room and window: a 404, and no visit anywhere."""
    own = _visit_body(school, viewer, {})
    day, theirs = _last_opening(other_school)
    their_room = rooms_for(other_school)[0]

    def unchanged(response: Any) -> None:
        assert response.status_code == 404
        assert not Visit.objects.exists()

    return ForeignPost({}, own | {"room": their_room.pk, "window": theirs.pk}, unchanged)


def _foreign_rooms(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's room's times: a 404; theirs stay as they were."""
    rooms_for(school)
    theirs = rooms_for(other_school)[0]
    before = set(RoomOpening.objects.filter(room=theirs).values_list("window_id", flat=True))

    def unchanged(response: Any) -> None:
        assert response.status_code == 404
        assert (
            set(RoomOpening.objects.filter(room=theirs).values_list("window_id", flat=True))
            == before
        )

    return ForeignPost({}, {"action": "openings", "room": theirs.pk}, unchanged)


def _foreign_grid(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's mentor and window: a 404, nothing saved."""
    theirs = MentorFactory(school=other_school)

    def unchanged(response: Any) -> None:
        assert response.status_code == 404
        assert not DutyAvailability.objects.exists()

    return ForeignPost({}, {"mentor": theirs.pk, "windows": [_a_break(other_school).pk]}, unchanged)


def _foreign_mine(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's window among the mentor's own: refused, nothing saved."""
    _mentor_of(school, viewer)
    theirs = _a_break(other_school)

    def unchanged(response: Any) -> None:
        assert response.status_code in (200, 302)
        assert not DutyAvailability.objects.exists()

    return ForeignPost({}, {"windows": [theirs.pk]}, unchanged)


FOREIGN_POSTS: dict[str, Any] = {
    "dropin:visit": _foreign_visit,
    "dropin:rooms": _foreign_rooms,
    "dropin:availability": _foreign_grid,
    "dropin:my-availability": _foreign_mine,
}
