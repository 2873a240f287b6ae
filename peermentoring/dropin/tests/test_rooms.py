"""The drop-in room's settings: rooms (names, where, open or not) and when each is open,
with how many mentors on duty."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peermentoring.core.models import AuditEntry
from peermentoring.dropin.models import Room, RoomOpening
from peermentoring.dropin.schedule import rooms_for
from peermentoring.dropin.visit_services import (
    NewRoom,
    OpeningChoice,
    RoomChange,
    save_openings,
    save_rooms,
)
from peermentoring.schools.models import SchoolDayWindow


@pytest.fixture
def room(school):
    return rooms_for(school)[0]


def change(room, **fields):
    values = {
        "room_id": room.pk,
        "name": room.name,
        "where": room.where,
        "is_open": room.is_active,
        "order": room.order,
    }
    return RoomChange(**(values | fields))


def lunch(school, weekday=0):
    return SchoolDayWindow.objects.get(school=school, weekday=weekday, kind="lunch")


def test_a_school_starts_with_one_room_open_at_break_and_lunch_every_day(school, room):
    kinds = sorted(
        {(o.window.weekday, o.window.kind) for o in RoomOpening.objects.filter(room=room)}
    )

    assert room.name == "Peer Mentoring room"
    assert kinds == [(d, k) for d in range(5) for k in ("break", "lunch")]
    assert all(
        (o.min_on_duty, o.max_on_duty) == (2, 3) for o in RoomOpening.objects.filter(room=room)
    )


# --- Rooms -------------------------------------------------------------------------------


def test_the_coordinator_renames_says_where_and_adds_a_room(school, room, coordinator):
    saved = save_rooms(
        school=school,
        changes=[change(room, name="The Hub", where="Room S12")],
        new=[NewRoom("Library corner", "By the library")],
        by=coordinator,
    )

    assert [(r.name, r.where, r.is_active) for r in saved] == [
        ("The Hub", "Room S12", True),
        ("Library corner", "By the library", True),
    ]
    assert not RoomOpening.objects.filter(room__name="Library corner").exists()
    assert AuditEntry.objects.filter(action="dropin.rooms_saved").count() == 1


def test_two_rooms_can_swap_names(school, room, coordinator):
    other = Room.objects.create(school=school, name="Library corner", order=1)

    save_rooms(
        school=school,
        changes=[change(room, name="Library corner"), change(other, name="Peer Mentoring room")],
        new=[],
        by=coordinator,
    )

    room.refresh_from_db()
    other.refresh_from_db()
    assert (room.name, other.name) == ("Library corner", "Peer Mentoring room")


@pytest.mark.parametrize(
    ("name", "new", "message"),
    [
        ("  ", [], "Give each room a name."),
        ("R" * 81, [], "Keep a room's name to 80 characters."),
        (
            "The Hub",
            [NewRoom("the hub")],
            "“the hub” is in the list twice: give each room its own name.",
        ),
    ],
)
def test_room_names_are_needed_short_and_unique(school, room, coordinator, name, new, message):
    with pytest.raises(ValidationError) as error:
        save_rooms(school=school, changes=[change(room, name=name)], new=new, by=coordinator)

    assert error.value.messages == [message]
    room.refresh_from_db()
    assert room.name == "Peer Mentoring room"
    assert Room.objects.for_school(school).count() == 1


def test_where_a_room_is_stays_short(school, room, coordinator):
    with pytest.raises(ValidationError, match="Keep where a room is to 120 characters."):
        save_rooms(school=school, changes=[change(room, where="x" * 121)], new=[], by=coordinator)


def test_the_last_open_room_cannot_be_closed_while_the_drop_in_has_times(school, room, coordinator):
    with pytest.raises(ValidationError) as error:
        save_rooms(school=school, changes=[change(room, is_open=False)], new=[], by=coordinator)

    assert error.value.messages == [
        "Keep at least one room open: the drop-in has opening times. "
        "To close the drop-in, untick its times first."
    ]
    RoomOpening.objects.filter(room=room).delete()
    save_rooms(school=school, changes=[change(room, is_open=False)], new=[], by=coordinator)
    room.refresh_from_db()
    assert not room.is_active


def test_one_room_may_close_while_another_stays_open(school, room, coordinator):
    other = Room.objects.create(school=school, name="Library corner", order=1)

    save_rooms(school=school, changes=[change(room, is_open=False)], new=[], by=coordinator)

    room.refresh_from_db()
    other.refresh_from_db()
    assert (room.is_active, other.is_active) == (False, True)


def test_another_schools_room_is_refused(school, other_school, room, coordinator):
    theirs = rooms_for(other_school)[0]

    with pytest.raises(ValidationError, match="That room is not one of your school's."):
        save_rooms(school=school, changes=[change(theirs, name="Mine now")], new=[], by=coordinator)

    theirs.refresh_from_db()
    assert theirs.name == "Peer Mentoring room"


# --- When a room is open ----------------------------------------------------------------------


def test_the_coordinator_chooses_when_a_room_is_open_and_how_many_on_duty(
    school, room, coordinator
):
    saved = save_openings(
        room=room,
        openings=[OpeningChoice(lunch(school).pk, 1, 4), OpeningChoice(lunch(school, 2).pk)],
        by=coordinator,
    )

    assert sorted((o.window.label, o.min_on_duty, o.max_on_duty) for o in saved) == [
        ("Monday lunch", 1, 4),
        ("Wednesday lunch", 2, 3),
    ]
    assert RoomOpening.objects.filter(room=room).count() == 2
    assert AuditEntry.objects.filter(action="dropin.openings_saved").exists()


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        (3, 2, "Monday lunch: the fewest on duty (3) is more than the most (2)."),
        (2, 9, "Monday lunch: at most 8 mentors can be on duty at once."),
        (0, 2, "Monday lunch: at least 1 mentor must be on duty."),
        (2, 10**30, "Monday lunch: at most 8 mentors can be on duty at once."),
    ],
)
def test_on_duty_numbers_keep_to_1_at_least_and_8_at_most(
    school, room, coordinator, low, high, message
):
    before = set(RoomOpening.objects.filter(room=room).values_list("pk", "max_on_duty"))

    with pytest.raises(ValidationError) as error:
        save_openings(room=room, openings=[OpeningChoice(lunch(school).pk, low, high)], by=None)

    assert error.value.messages == [message]
    assert set(RoomOpening.objects.filter(room=room).values_list("pk", "max_on_duty")) == before


def test_another_schools_window_or_a_switched_off_one_is_refused(school, other_school, room):
    theirs = lunch(other_school)
    off = lunch(school, 4)
    SchoolDayWindow.objects.filter(pk=off.pk).update(is_active=False)

    with pytest.raises(ValidationError, match="Choose from your school's"):
        save_openings(room=room, openings=[OpeningChoice(theirs.pk)], by=None)
    with pytest.raises(ValidationError, match="The school day no longer has Friday lunch"):
        save_openings(room=room, openings=[OpeningChoice(off.pk)], by=None)

    assert not RoomOpening.objects.filter(window=theirs).exists()


# --- The page ----------------------------------------------------------------------------------


def url(school):
    return reverse("dropin:rooms", args=[school.slug])


def test_the_page_shows_the_default_room_and_its_times(client_for, school, coordinator):
    page = client_for(coordinator).get(url(school))

    assert page.status_code == 200
    assert "Peer Mentoring room" in page.text
    assert "When Peer Mentoring room is open" in page.text
    assert 'value="Peer Mentoring room"' in page.text


def test_the_page_saves_rooms(client_for, school, room, coordinator):
    response = client_for(coordinator).post(
        url(school),
        {
            "action": "rooms",
            f"name-{room.pk}": "The Hub",
            f"where-{room.pk}": "Room S12",
            f"open-{room.pk}": "on",
            f"order-{room.pk}": "1",
            "new-name": "Library corner",
            "new-where": "",
        },
    )

    assert response.status_code == 302
    assert list(Room.objects.for_school(school).values_list("name", "where")) == [
        ("The Hub", "Room S12"),
        ("Library corner", ""),
    ]


def test_the_page_saves_a_rooms_times(client_for, school, room, coordinator):
    monday = lunch(school)
    prefix = f"room{room.pk}"

    response = client_for(coordinator).post(
        url(school),
        {
            "action": "openings",
            "room": room.pk,
            f"{prefix}-on-{monday.pk}": "on",
            f"{prefix}-min-{monday.pk}": "1",
            f"{prefix}-max-{monday.pk}": "2",
        },
    )

    assert response.status_code == 302
    assert list(RoomOpening.objects.filter(room=room).values_list("window", "max_on_duty")) == [
        (monday.pk, 2)
    ]


def test_the_page_says_what_is_wrong_and_changes_nothing(client_for, school, room, coordinator):
    monday = lunch(school)
    prefix = f"room{room.pk}"

    response = client_for(coordinator).post(
        url(school),
        {
            "action": "openings",
            "room": room.pk,
            f"{prefix}-on-{monday.pk}": "on",
            f"{prefix}-min-{monday.pk}": "5",
            f"{prefix}-max-{monday.pk}": "3",
        },
    )

    assert response.status_code == 200
    assert "Monday lunch: the fewest on duty (5) is more than the most (3)." in response.text
    assert RoomOpening.objects.filter(room=room).count() == 10


@pytest.mark.parametrize("raw", ["999999999999999999999999999999", "abc", ""])
def test_a_room_id_that_is_not_a_row_is_a_404(client_for, school, room, coordinator, raw):
    response = client_for(coordinator).post(url(school), {"action": "openings", "room": raw})

    assert response.status_code == 404
