"""The drop-in room on pupils' home pages: where it is, when it is open this week, and who is
on duty today (first names only, from a published rota)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peermentoring.core.roles import Role
from peermentoring.dropin.models import Room, RoomOpening
from peermentoring.dropin.tests.visits_support import (
    WEDNESDAY,
    duty,
    mentor_member,
    room_of,
    rota,
    window,
)
from peermentoring.dropin.visit_home import dropin_card
from peermentoring.schools.models import Membership
from tests.support.factories import pupil_member
from tests.support.meetings import at


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return at(monkeypatch)  # Wednesday 19 November 2025, 13:00


@pytest.fixture
def room(school):
    room = room_of(school)
    room.where = "Room S12"
    room.save()
    return room


@pytest.fixture
def lily(school):
    return pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7, form_group="7C")


def card(client, school) -> str:
    """The drop-in card of the pupil's home page ("" when there is none)."""
    page = client.get(reverse("schools:home", args=[school.slug])).text
    found = re.search(
        r'<section class="card" aria-labelledby="dropin-room">.*?</section>', page, re.S
    )
    return found.group(0) if found else ""


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_mentee_reads_where_the_room_is_and_when_it_is_open_this_week(
    client_for, school, room, lily
):
    shown = text(card(client_for(lily.user), school))

    assert "Peer Mentoring room (Room S12) is open to every Year 7 pupil" in shown
    assert "Open this week:" in shown
    # From today to Friday; days alike in a row are one line.
    assert "Today to Friday : break (10:50 to 11:10) and lunch (12:50 to 13:35)" in shown
    assert "Tuesday" not in shown


def test_who_is_on_duty_today_shows_first_names_only_from_a_published_rota(
    client_for, school, room, lily
):
    _, kwame = mentor_member(school, "Kwame")
    _, sara = mentor_member(school, "Sara")
    _, tom = mentor_member(school, "Tom")
    published = rota(school)
    duty(school, kwame, WEDNESDAY, "lunch", rota=published)
    duty(school, sara, WEDNESDAY, "break", rota=published)
    duty(school, tom, WEDNESDAY, "lunch", rota=rota(school, published=False))  # a draft
    duty(school, kwame, dt.date(2025, 11, 20), "break", rota=published)  # tomorrow

    shown = text(card(client_for(lily.user), school))

    assert "On duty today: Break : Sara Lunch : Kwame" in shown
    assert "Tom" not in shown
    assert kwame.pupil.family_name not in shown


def test_a_year_7_pupil_with_no_mentor_sees_the_card_and_an_older_pupil_does_not(
    client_for, school, room
):
    year7 = pupil_member(school, Role.PUPIL, given_name="Ava", year_group=7)
    year9 = pupil_member(school, Role.PUPIL, given_name="Zara", year_group=9)
    mentor, _ = mentor_member(school)

    assert "The drop-in room" in card(client_for(year7.user), school)
    assert card(client_for(year9.user), school) == ""
    assert card(client_for(mentor.user), school) == ""


def test_at_the_weekend_the_card_gives_next_weeks_times(
    client_for, school, room, lily, monkeypatch
):
    at(monkeypatch, dt.datetime(2025, 11, 22, 10, 0))  # Saturday

    shown = text(card(client_for(lily.user), school))

    assert "Open next week:" in shown
    assert "Monday to Friday : break" in shown
    assert "Today" not in shown


def test_in_the_holidays_the_card_gives_the_usual_times(
    client_for, school, room, lily, monkeypatch
):
    at(monkeypatch, dt.datetime(2025, 12, 23, 10, 0))

    shown = text(card(client_for(lily.user), school))

    assert "It is closed in the holidays. In term time it is open:" in shown
    assert "Monday to Friday : break" in shown


def test_only_the_times_and_rooms_that_are_open_are_shown(client_for, school, room, lily):
    RoomOpening.objects.filter(room=room).exclude(window__kind="lunch").delete()
    library = Room.objects.create(school=school, name="Library corner", order=1)
    RoomOpening.objects.create(room=library, window=window(school, WEDNESDAY, "break"))
    Room.objects.create(school=school, name="Old room", is_active=False, order=2)

    shown = text(card(client_for(lily.user), school))

    assert "Today to Friday : lunch" in shown
    assert "Today : break (10:50 to 11:10)" in shown  # the library corner, Wednesday only
    assert "Library corner" in shown
    assert "Old room" not in shown


def test_the_card_makes_three_queries_however_many_rooms_and_duties(school, room, lily):
    published = rota(school)
    for n in range(8):
        _, mentor = mentor_member(school, f"Mentor{n}")
        duty(school, mentor, WEDNESDAY, "lunch" if n % 2 else "break", rota=published)
    second = Room.objects.create(school=school, name="Library corner", order=1)
    for kind in ("break", "lunch"):
        RoomOpening.objects.create(room=second, window=window(school, WEDNESDAY, kind))
    membership = Membership.objects.select_related("school", "pupil").get(pk=lily.pk)

    with CaptureQueriesContext(connection) as captured:
        items = dropin_card(membership)

    assert len(captured) == 3  # the rooms' times, the week's school days, today's duties
    assert [len(o.names) for o in items[0].detail.on_duty] == [4, 4]


def test_the_mentee_home_page_makes_as_many_queries_with_a_busy_rota(
    client_for, school, room, lily, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(lily.user)
    home = reverse("schools:home", args=[school.slug])
    client.get(home)
    with CaptureQueriesContext(connection) as captured:
        client.get(home)
    quiet = len(captured)
    published = rota(school)
    for n in range(8):
        _, mentor = mentor_member(school, f"Mentor{n}")
        duty(school, mentor, WEDNESDAY, "lunch", rota=published)
    client.get(home)

    with django_assert_max_num_queries(quiet):
        client.get(home)


def test_days_are_one_line_only_when_alike_and_in_a_row(
    client_for, school, room, lily, monkeypatch
):
    at(monkeypatch, dt.datetime(2025, 11, 22, 10, 0))  # Saturday: next week's times
    RoomOpening.objects.filter(room=room, window__weekday=2, window__kind="break").delete()

    shown = text(card(client_for(lily.user), school))

    assert "Monday to Tuesday : break (10:50 to 11:10) and lunch" in shown
    assert "Wednesday : lunch (12:50 to 13:35)" in shown
    assert "Thursday to Friday : break" in shown
