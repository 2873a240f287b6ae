"""Two people editing one grid at once: the rooms, a room's times (fewest and most on duty),
the coordinator's availability grid and a mentor's own times. Each form carries a
fingerprint of the rows it showed (`seen`); the second to save is told, and nothing of
theirs overwrites the first's."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from peermentoring.dropin.availability import TIMES_CHANGED, set_availability
from peermentoring.dropin.availability_views import YOUR_TIMES_CHANGED
from peermentoring.dropin.models import DutyAvailability, Room, RoomOpening, rows_digest
from peermentoring.dropin.tests.visits_support import WEDNESDAY, mentor_member, room_of, window
from peermentoring.dropin.visit_forms import SeenForm
from peermentoring.dropin.visit_services import (
    OPENINGS_CHANGED,
    ROOMS_CHANGED,
    ChangedMeanwhile,
    NewRoom,
    OpeningChoice,
    RoomChange,
    save_openings,
    save_rooms,
)
from peermentoring.schools.models import SchoolDayWindow
from tests.support.meetings import at


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return at(monkeypatch)  # Wednesday 19 November 2025


@pytest.fixture
def room(school):
    return room_of(school)


def seen_in(html: str, name: str = "seen") -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([0-9a-f]{{64}})"', html)
    assert found, f"no {name} on the page"
    return found.group(1)


def test_the_fingerprint_is_of_the_values_not_their_order():
    assert rows_digest([(1, "a"), (2, "b")]) == rows_digest([(2, "b"), (1, "a")])
    assert rows_digest([(1, "a")]) != rows_digest([(1, "b")])
    assert rows_digest([(1, "a b")]) != rows_digest([(1, "a", "b")])
    assert re.fullmatch(r"[0-9a-f]{64}", rows_digest([]))


# --- The rooms -------------------------------------------------------------------------------


def rooms_url(school):
    return reverse("dropin:rooms", args=[school.slug])


def rooms_post(room, seen, name):
    return {
        "action": "rooms",
        "seen": seen,
        f"name-{room.pk}": name,
        f"where-{room.pk}": "",
        f"open-{room.pk}": "on",
        f"order-{room.pk}": "1",
        "new-name": "",
        "new-where": "",
    }


def rename(school, room, name, by=None):
    """Someone else renames the room on their own page."""
    change = RoomChange(room.pk, name, room.where, room.is_active, room.order)
    save_rooms(school=school, changes=[change], new=[], by=by)


def test_the_rooms_save_when_nobody_else_changed_them(client_for, school, room, coordinator):
    client = client_for(coordinator)
    seen = seen_in(client.get(rooms_url(school)).text)

    response = client.post(rooms_url(school), rooms_post(room, seen, "The Hub"))

    assert response.status_code == 302
    assert Room.objects.get(pk=room.pk).name == "The Hub"


@pytest.mark.parametrize("meanwhile", ["renamed", "added"])
def test_rooms_changed_by_someone_else_meanwhile_are_not_overwritten(
    client_for, school, room, coordinator, school_admin, meanwhile
):
    client = client_for(coordinator)
    seen = seen_in(client.get(rooms_url(school)).text)
    if meanwhile == "renamed":
        rename(school, room, "The Hub", by=school_admin)
    else:
        save_rooms(school=school, changes=[], new=[NewRoom("Library corner")], by=school_admin)
    wanted = "Peer Mentoring room" if meanwhile == "renamed" else "Quiet room"

    response = client.post(rooms_url(school), rooms_post(room, seen, wanted), follow=True)

    assert escape(ROOMS_CHANGED) in response.text
    names = list(Room.objects.for_school(school).values_list("name", flat=True))
    if meanwhile == "renamed":
        assert names == ["The Hub"]
        assert 'value="The Hub"' in response.text  # as they are now
    else:
        assert names == ["Peer Mentoring room", "Library corner"]
    assert seen_in(response.text) != seen


# --- A room's times: open or not, fewest and most on duty ------------------------------------


def times_post(school, room, seen, most):
    monday = SchoolDayWindow.objects.get(school=school, weekday=0, kind="lunch")
    prefix = f"room{room.pk}"
    return {
        "action": "openings",
        "room": room.pk,
        f"{prefix}-seen": seen,
        f"{prefix}-on-{monday.pk}": "on",
        f"{prefix}-min-{monday.pk}": "1",
        f"{prefix}-max-{monday.pk}": str(most),
    }


def test_a_rooms_times_save_when_nobody_else_changed_them(client_for, school, room, coordinator):
    client = client_for(coordinator)
    seen = seen_in(client.get(rooms_url(school)).text, f"room{room.pk}-seen")

    response = client.post(rooms_url(school), times_post(school, room, seen, most=2))

    assert response.status_code == 302
    assert list(RoomOpening.objects.filter(room=room).values_list("max_on_duty", flat=True)) == [2]


def test_a_rooms_times_changed_by_someone_else_meanwhile_are_not_overwritten(
    client_for, school, room, coordinator, school_admin
):
    client = client_for(coordinator)
    seen = seen_in(client.get(rooms_url(school)).text, f"room{room.pk}-seen")
    tuesday = SchoolDayWindow.objects.get(school=school, weekday=1, kind="lunch")
    save_openings(room=room, openings=[OpeningChoice(tuesday.pk, 3, 5)], by=school_admin)

    response = client.post(rooms_url(school), times_post(school, room, seen, most=2), follow=True)

    assert escape(OPENINGS_CHANGED.format(room=room.name)) in response.text
    assert list(
        RoomOpening.objects.filter(room=room).values_list("window", "min_on_duty", "max_on_duty")
    ) == [(tuesday.pk, 3, 5)]
    assert seen_in(response.text, f"room{room.pk}-seen") != seen


@pytest.mark.parametrize("form", ["rooms", "times"])
def test_a_save_landing_after_the_pages_first_look_is_still_refused(
    client_for, school, room, coordinator, monkeypatch, form
):
    """The other person's save comes after the page compared fingerprints, but before this
    one is saved: the service, holding its lock, finds the change."""
    client = client_for(coordinator)
    page = client.get(rooms_url(school)).text
    monkeypatch.setattr(SeenForm, "sent_stale", lambda self: False)
    if form == "rooms":
        seen = seen_in(page)
        rename(school, room, "The Hub")
        data, message = rooms_post(room, seen, "Quiet room"), ROOMS_CHANGED
    else:
        seen = seen_in(page, f"room{room.pk}-seen")
        tuesday = SchoolDayWindow.objects.get(school=school, weekday=1, kind="lunch")
        save_openings(room=room, openings=[OpeningChoice(tuesday.pk, 3, 5)], by=None)
        data = times_post(school, room, seen, most=2)
        message = OPENINGS_CHANGED.format(room=room.name)

    response = client.post(rooms_url(school), data, follow=True)

    assert escape(message) in response.text
    if form == "rooms":
        assert Room.objects.get(pk=room.pk).name == "The Hub"
    else:
        assert list(RoomOpening.objects.filter(room=room).values_list("window", "max_on_duty")) == [
            (tuesday.pk, 5)
        ]


def test_the_services_refuse_a_stale_fingerprint_and_save_nothing(school, room):
    tuesday = SchoolDayWindow.objects.get(school=school, weekday=1, kind="lunch")
    before = list(RoomOpening.objects.filter(room=room).values_list("pk", flat=True))

    with pytest.raises(ChangedMeanwhile):
        save_openings(room=room, openings=[OpeningChoice(tuesday.pk)], by=None, seen="0" * 64)
    with pytest.raises(ChangedMeanwhile):
        save_rooms(school=school, changes=[], new=[NewRoom("Den")], by=None, seen="0" * 64)

    assert list(RoomOpening.objects.filter(room=room).values_list("pk", flat=True)) == before
    assert list(Room.objects.for_school(school)) == [room]


# --- The coordinator's availability grid --------------------------------------------------------


def grid_url(school):
    return reverse("dropin:availability", args=[school.slug])


def row_of(html, mentor):
    found = re.search(rf'<tr id="mentor-{mentor.pk}">.*?</tr>', html, re.S)
    assert found is not None
    return found.group(0)


def recorded(mentor):
    return set(DutyAvailability.objects.filter(mentor=mentor).values_list("window", flat=True))


def test_a_mentors_row_saves_when_nobody_else_changed_it(client_for, school, room, coordinator):
    _, kwame = mentor_member(school, "Kwame")
    client = client_for(coordinator)
    seen = seen_in(row_of(client.get(grid_url(school)).text, kwame))
    lunch = window(school, WEDNESDAY, "lunch")

    response = client.post(
        grid_url(school), {"mentor": kwame.pk, "seen": seen, "windows": [lunch.pk]}
    )

    assert response.status_code == 302
    assert recorded(kwame) == {lunch.pk}


def test_a_mentors_times_saved_by_them_meanwhile_are_not_overwritten(
    client_for, school, room, coordinator
):
    _, kwame = mentor_member(school, "Kwame")
    _, sara = mentor_member(school, "Sara")
    client = client_for(coordinator)
    page = client.get(grid_url(school)).text
    seen, sara_seen = seen_in(row_of(page, kwame)), seen_in(row_of(page, sara))
    brk, lunch = window(school, WEDNESDAY, "break"), window(school, WEDNESDAY, "lunch")
    set_availability(mentor=kwame, windows=[brk], by=None)  # Kwame, on his own page

    response = client.post(
        grid_url(school), {"mentor": kwame.pk, "seen": seen, "windows": [lunch.pk]}, follow=True
    )
    saved_sara = client.post(
        grid_url(school), {"mentor": sara.pk, "seen": sara_seen, "windows": [lunch.pk]}
    )

    assert escape(TIMES_CHANGED.format(name=kwame.pupil.full_name)) in response.text
    assert recorded(kwame) == {brk.pk}
    assert seen_in(row_of(response.text, kwame)) != seen
    # Another mentor's row was not changed, so it saves.
    assert saved_sara.status_code == 302
    assert recorded(sara) == {lunch.pk}


# --- A mentor's own times ------------------------------------------------------------------------


def mine_url(school):
    return reverse("dropin:my-availability", args=[school.slug])


def test_a_mentors_own_times_save_when_nobody_else_changed_them(client_for, school, room):
    membership, kwame = mentor_member(school, "Kwame")
    client = client_for(membership.user)
    seen = seen_in(client.get(mine_url(school)).text)
    lunch = window(school, WEDNESDAY, "lunch")

    response = client.post(mine_url(school), {"seen": seen, "windows": [lunch.pk]})

    assert response.status_code == 302
    assert recorded(kwame) == {lunch.pk}


def test_a_mentors_own_times_changed_by_the_coordinator_meanwhile_are_not_overwritten(
    client_for, school, room, coordinator
):
    membership, kwame = mentor_member(school, "Kwame")
    client = client_for(membership.user)
    seen = seen_in(client.get(mine_url(school)).text)
    brk, lunch = window(school, WEDNESDAY, "break"), window(school, WEDNESDAY, "lunch")
    set_availability(mentor=kwame, windows=[brk], by=coordinator)

    response = client.post(mine_url(school), {"seen": seen, "windows": [lunch.pk]}, follow=True)

    assert escape(YOUR_TIMES_CHANGED) in response.text
    assert recorded(kwame) == {brk.pk}
    assert f'value="{brk.pk}" id="w-{brk.pk}" checked' in response.text
    assert seen_in(response.text) != seen


def test_a_made_up_fingerprint_is_told_as_a_change_not_a_silent_failure(client_for, school, room):
    membership, kwame = mentor_member(school, "Kwame")
    lunch = window(school, WEDNESDAY, "lunch")

    response = client_for(membership.user).post(
        mine_url(school), {"seen": "x" * 500, "windows": [lunch.pk]}, follow=True
    )

    assert escape(YOUR_TIMES_CHANGED) in response.text
    assert recorded(kwame) == set()
