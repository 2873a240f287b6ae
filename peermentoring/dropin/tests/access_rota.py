"""Who may reach each rota page and what a POST to it changes; merged in tests/access.py.

The rotas here are made directly (a rota and its duties), in the school's real term of
today, so no page waits on the solver but building one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.dropin.models import Duty, Rota
from peermentoring.dropin.rota_plan import duty_key
from peermentoring.dropin.schedule import periods_around, rooms_for, teaching_days
from peermentoring.schools.models import SchoolDayWindow
from tests.support.access import GET, GET_POST, POST, Access, ForeignPost, school_of
from tests.support.builders import make_mentor
from tests.support.factories import this_year

SETUP = frozenset({Role.COORDINATOR, Role.SCHOOL_ADMIN})
MENTOR = frozenset({Role.MENTOR})


def _school_days(school: Any) -> list[dt.date]:
    """Teaching days of this year's terms: from today on, else the last ones gone."""
    this_year(school)
    today = timezone.localdate()
    ahead = teaching_days(school, today, today + dt.timedelta(days=120))
    return ahead or teaching_days(school, today - dt.timedelta(days=200), today)


def _rota(school: Any, *, published: bool = False) -> Rota:
    """A rota over the next school days with two trained mentors on duty: one at the first
    day's break, one at the second day's lunch (or the first's, when there is one day)."""
    days = _school_days(school)
    rooms_for(school)
    room = school.rooms.get()
    rota = Rota.objects.create(
        school=school,
        starts_on=days[0],
        ends_on=days[min(len(days), 5) - 1],
        published_at=timezone.now() if published else None,
    )
    first, second = days[0], days[min(1, len(days) - 1)]
    for day, kind in ((first, "break"), (second, "lunch")):
        Duty.objects.create(
            school=school,
            rota=rota,
            room=room,
            window=SchoolDayWindow.objects.get(school=school, weekday=day.weekday(), kind=kind),
            held_on=day,
            mentor=make_mentor(school),
        )
    return rota


def _rota_row(school: Any, viewer: Any) -> dict[str, int]:
    return {"rota_pk": _rota(school).pk}


def _opening_row(school: Any, viewer: Any) -> dict[str, Any]:
    rota = _rota(school)
    return {"rota_pk": rota.pk, "key": duty_key(rota.duties.order_by("pk")[0])}


def _duty_row(school: Any, viewer: Any) -> dict[str, int]:
    return {"duty_pk": _rota(school).duties.order_by("pk")[0].pk}


# --- What an allowed POST sends and changes --------------------------------------------


def _build_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    days = _school_days(school)
    make_mentor(school)
    period = next(p for p in periods_around(school, days[0]) if p.first <= days[0] <= p.last)
    return {"period": "other", "first": days[0].isoformat(), "last": period.last.isoformat()}


def _built(response: Any, kwargs: dict[str, int]) -> None:
    rota = Rota.objects.get(school=school_of(response))
    assert rota.solver_status and rota.built_by == response.wsgi_request.user


def _version_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    rota = Rota.objects.get(pk=kwargs["rota_pk"]) if "rota_pk" in kwargs else None
    if rota is None:
        rota = Duty.objects.get(pk=kwargs["duty_pk"]).rota
    return {"version": rota.version}


def _rebuilt(response: Any, kwargs: dict[str, int]) -> None:
    rota = Rota.objects.get(pk=kwargs["rota_pk"])
    assert rota.version == 2 and rota.solver_status
    assert rota.built_by == response.wsgi_request.user


def _published(response: Any, kwargs: dict[str, int]) -> None:
    rota = Rota.objects.get(pk=kwargs["rota_pk"])
    assert rota.is_published and rota.published_by == response.wsgi_request.user


def _place_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    rota = Rota.objects.get(pk=kwargs["rota_pk"])
    duty = rota.duties.order_by("pk")[0]
    return {"version": rota.version, "opening": duty_key(duty), "mentor": make_mentor(school).pk}


def _placed(response: Any, kwargs: dict[str, int]) -> None:
    rota = Rota.objects.get(pk=kwargs["rota_pk"])
    assert rota.duties.filter(is_locked=True).count() == 1
    assert rota.duties.count() == 3


def _lock_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return _version_body(school, viewer, kwargs) | {"locked": "1"}


def _locked(response: Any, kwargs: dict[str, int]) -> None:
    assert Duty.objects.get(pk=kwargs["duty_pk"]).is_locked


def _absent(response: Any, kwargs: dict[str, int]) -> None:
    assert Duty.objects.get(pk=kwargs["duty_pk"]).attendance == Duty.Attendance.ABSENT


def _attendance_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    Duty.objects.filter(pk=kwargs["duty_pk"]).update(attendance=Duty.Attendance.MISSED)
    return _version_body(school, viewer, kwargs) | {"attendance": "expected"}


def _attendance_set(response: Any, kwargs: dict[str, int]) -> None:
    assert Duty.objects.get(pk=kwargs["duty_pk"]).attendance == Duty.Attendance.EXPECTED


def _swap_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    duty = Duty.objects.get(pk=kwargs["duty_pk"])
    other = duty.rota.duties.exclude(pk=duty.pk).get()
    return _version_body(school, viewer, kwargs) | {"other": other.pk}


def _swapped(response: Any, kwargs: dict[str, int]) -> None:
    duty = Duty.objects.get(pk=kwargs["duty_pk"])
    other = duty.rota.duties.exclude(pk=duty.pk).get()
    assert duty.mentor_id > other.mentor_id  # made in order, now exchanged
    assert duty.is_locked and other.is_locked


def _removed(response: Any, kwargs: dict[str, int]) -> None:
    assert not Duty.objects.filter(pk=kwargs["duty_pk"]).exists()


ACCESS: dict[str, Access] = {
    "dropin:rotas": Access(SETUP, None, GET_POST, _built, _build_body),
    "dropin:rota": Access(SETUP, _rota_row, GET),
    "dropin:rota-build": Access(SETUP, _rota_row, GET_POST, _rebuilt, _version_body),
    "dropin:rota-publish": Access(SETUP, _rota_row, GET_POST, _published, _version_body),
    "dropin:rota-opening": Access(SETUP, _opening_row, GET),
    "dropin:rota-place": Access(SETUP, _rota_row, POST, _placed, _place_body),
    "dropin:duty-lock": Access(SETUP, _duty_row, POST, _locked, _lock_body),
    "dropin:duty-absent": Access(SETUP, _duty_row, POST, _absent, _version_body),
    "dropin:duty-attendance": Access(SETUP, _duty_row, POST, _attendance_set, _attendance_body),
    "dropin:duty-swap": Access(SETUP, _duty_row, POST, _swapped, _swap_body),
    "dropin:duty-remove": Access(SETUP, _duty_row, GET_POST, _removed, _version_body),
    "dropin:my-duties": Access(MENTOR, None, GET),
}


# --- Another school's ids in a POST ---------------------------------------------------------


def _theirs_unchanged(other_school: Any) -> tuple[Rota, Any]:
    """Another school's published rota, and a check that nothing of it changed."""
    theirs = _rota(other_school, published=True)
    duties = list(
        theirs.duties.order_by("pk").values_list("pk", "mentor", "attendance", "is_locked")
    )

    def unchanged(response: Any) -> None:
        assert response.status_code in (200, 302, 404)
        again = Rota.objects.get(pk=theirs.pk)
        assert (again.version, again.published_at) == (theirs.version, theirs.published_at)
        now = list(
            again.duties.order_by("pk").values_list("pk", "mentor", "attendance", "is_locked")
        )
        assert now == duties

    return theirs, unchanged


def _with_their_ids(name: str) -> Any:
    """A POST naming the other school's rota and duty beside this school's own: refused or
    ignored, never acted on."""

    def build(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
        theirs, unchanged = _theirs_unchanged(other_school)
        kwargs: dict[str, int] = {}
        if ACCESS[name].rows is not None:
            kwargs = ACCESS[name].rows(school, viewer)  # type: ignore[misc]
        body = ACCESS[name].body(school, viewer, kwargs) if ACCESS[name].body else {}
        their_duty = theirs.duties.order_by("pk")[0]
        body |= {"rota": theirs.pk, "duty": their_duty.pk, "version": theirs.version}
        return ForeignPost(kwargs, body, unchanged)

    return build


def _foreign_place(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Their mentor, then their opening, put on duty on this school's rota: a 404 each."""
    theirs, unchanged = _theirs_unchanged(other_school)
    kwargs = _rota_row(school, viewer)
    their_duty = theirs.duties.order_by("pk")[0]

    def nothing_placed(response: Any) -> None:
        unchanged(response)
        assert response.status_code == 404
        assert Rota.objects.get(pk=kwargs["rota_pk"]).duties.count() == 2

    body = _place_body(school, viewer, kwargs) | {"mentor": their_duty.mentor_id}
    return ForeignPost(kwargs, body, nothing_placed)


def _foreign_swap(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """This school's duty swapped with theirs: a 404, both keep their mentors."""
    theirs, unchanged = _theirs_unchanged(other_school)
    kwargs = _duty_row(school, viewer)
    mine = Duty.objects.get(pk=kwargs["duty_pk"])

    def nothing_swapped(response: Any) -> None:
        unchanged(response)
        assert response.status_code == 404
        assert Duty.objects.get(pk=mine.pk).mentor_id == mine.mentor_id

    body = {"version": mine.rota.version, "other": theirs.duties.order_by("pk")[0].pk}
    return ForeignPost(kwargs, body, nothing_swapped)


FOREIGN_POSTS: dict[str, Any] = {
    name: _with_their_ids(name)
    for name, access in ACCESS.items()
    if "post" in access.methods and name not in ("dropin:rota-place", "dropin:duty-swap")
} | {"dropin:rota-place": _foreign_place, "dropin:duty-swap": _foreign_swap}
