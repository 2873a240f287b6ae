"""One live link per owner: a mentor's calendar, a room's calendar, a school's screen (by
name, any case). Two requests making one at once (a double click, two tabs) leave one live
link, and the one that loses is told in words; the migration stops the duplicates left
from before."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.dropin import board_services
from peermentoring.dropin.models import (
    LINK_MADE_TWICE,
    CalendarFeed,
    Room,
    ScreenLink,
    token_digest,
)
from peermentoring.dropin.tests.board_support import room_of, trained_mentor
from tests.support.factories import MentorFactory, pupil_member
from tests.support.meetings import year_2025

RULES = {
    CalendarFeed: ["dropin_feed_one_live_per_mentor", "dropin_feed_one_live_per_room"],
    ScreenLink: ["dropin_screen_one_live_per_label"],
}
KINDS = ["mentor", "room", "screen"]


@pytest.fixture
def kwame(school):
    return trained_mentor(school, "Kwame")


@pytest.fixture
def room(school):
    return room_of(school)


def make(kind, school, kwame, room):
    """A new link through the service, as the pages make one."""
    if kind == "screen":
        return board_services.create_screen_link(school=school, label="Year 7 corridor", by=None)
    if kind == "mentor":
        return board_services.create_calendar_feed(school=school, mentor=kwame, by=None)
    return board_services.create_calendar_feed(school=school, room=room, by=None)


def written_straight(kind, school, kwame, room, n=0, **fields):
    """A live link for the same owner written to the table, as another request would."""
    token = token_digest(f"another request {n} {kind}")
    if kind == "screen":
        return ScreenLink.objects.create(
            school=school, label="YEAR 7 CORRIDOR", token_hash=token, **fields
        )
    return CalendarFeed.objects.create(
        school=school,
        mentor=kwame if kind == "mentor" else None,
        room=room if kind == "room" else None,
        token_hash=token,
        **fields,
    )


def live(kind):
    model = ScreenLink if kind == "screen" else CalendarFeed
    return list(model.objects.live())


def without_the_rule():
    """Drop the partial unique indexes for this test only (its transaction puts them back):
    the rows a school had before the migration."""
    with connection.cursor() as cursor:
        for names in RULES.values():
            for name in names:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def test_the_database_holds_one_live_link_per_owner(db):
    with connection.cursor() as cursor:
        for model, names in RULES.items():
            in_db = connection.introspection.get_constraints(cursor, model._meta.db_table)
            on_model = {c.name for c in model._meta.constraints}
            for name in names:
                assert name in on_model
                assert in_db[name]["unique"], name


@pytest.mark.parametrize("kind", KINDS)
def test_a_new_link_stops_the_old_and_a_second_live_one_is_refused_by_the_database(
    kind, school, kwame, room
):
    first = make(kind, school, kwame, room)
    second = make(kind, school, kwame, room)

    assert second.stopped == 1
    assert [row.pk for row in live(kind)] == [second.row.pk]
    with pytest.raises(IntegrityError), transaction.atomic():
        written_straight(kind, school, kwame, room)
    # A stopped link of the same owner, and another owner's live link, are allowed.
    written_straight(kind, school, kwame, room, n=1, revoked_at=timezone.now())
    first.row.refresh_from_db()
    assert first.row.revoked_at is not None


def test_another_owner_may_have_its_own_live_link(school, kwame, room):
    board_services.create_calendar_feed(school=school, mentor=kwame, by=None)
    board_services.create_calendar_feed(school=school, room=room, by=None)
    board_services.create_calendar_feed(
        school=school, mentor=trained_mentor(school, "Sara"), by=None
    )
    board_services.create_calendar_feed(
        school=school, room=Room.objects.create(school=school, name="Library corner"), by=None
    )
    board_services.create_screen_link(school=school, label="Year 7 corridor", by=None)
    board_services.create_screen_link(school=school, label="Hall", by=None)

    assert CalendarFeed.objects.live().count() == 4
    assert ScreenLink.objects.live().count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreenLink.objects.create(school=school, label="hall", token_hash=token_digest("x"))


def another_request_meanwhile(monkeypatch, kind, school, kwame, room) -> list[str]:
    """While this request makes its link, another one for the same owner is saved first.

    Returns the tokens this request made. (Here the other link shares the test's
    transaction, so it goes when this request's is rolled back: only ours is checked.)"""
    real, ours = board_services.new_token, []

    def token():
        written_straight(kind, school, kwame, room, n=9)
        ours.append(real())
        return ours[-1]

    monkeypatch.setattr(board_services, "new_token", token)
    return ours


def stored(tokens):
    digests = [token_digest(t) for t in tokens]
    return [
        *CalendarFeed.objects.filter(token_hash__in=digests),
        *ScreenLink.objects.filter(token_hash__in=digests),
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_a_link_made_by_another_request_meanwhile_is_refused_in_words(
    kind, school, kwame, room, monkeypatch
):
    ours = another_request_meanwhile(monkeypatch, kind, school, kwame, room)

    with pytest.raises(ValidationError) as refused:
        make(kind, school, kwame, room)

    assert refused.value.messages == [LINK_MADE_TWICE]
    assert len(ours) == 1
    assert stored(ours) == []


@pytest.fixture
def kwame_signed_in(school, client_for):
    membership = pupil_member(school, Role.MENTOR, given_name="Kwame", year_group=10)
    mentor = MentorFactory(
        school=school, pupil=membership.pupil, academic_year=year_2025(school), status="trained"
    )
    return mentor, client_for(membership.user)


def test_a_mentor_making_their_link_twice_at_once_is_told_not_shown_an_error(
    school, room, kwame_signed_in, monkeypatch
):
    mentor, client = kwame_signed_in
    ours = another_request_meanwhile(monkeypatch, "mentor", school, mentor, room)

    response = client.post(
        reverse("dropin:my-calendar", args=[school.slug]), {"action": "make"}, follow=True
    )

    assert response.status_code == 200
    assert LINK_MADE_TWICE in response.text
    assert len(ours) == 1
    assert stored(ours) == []


def test_staff_making_a_rooms_link_or_a_screens_twice_at_once_are_told(
    school, kwame, room, coordinator, client_for, monkeypatch
):
    client = client_for(coordinator)
    url = reverse("dropin:screens", args=[school.slug])
    ours = another_request_meanwhile(monkeypatch, "room", school, kwame, room)
    for_room = client.post(url, {"action": "make-room-feed", "room": room.pk}, follow=True)
    ours += another_request_meanwhile(monkeypatch, "screen", school, kwame, room)
    for_screen = client.post(url, {"action": "make-screen", "label": "Year 7 corridor"})

    assert for_room.status_code == 200
    assert LINK_MADE_TWICE in for_room.text
    assert for_screen.status_code == 400
    assert LINK_MADE_TWICE in for_screen.text
    assert len(ours) == 2
    assert stored(ours) == []


def test_stopping_a_calendar_link_stops_every_live_one_of_that_owner(school, room, kwame_signed_in):
    mentor, client = kwame_signed_in
    without_the_rule()
    for n in range(2):
        written_straight("mentor", school, mentor, room, n=n)
        written_straight("room", school, mentor, room, n=n)

    client.post(
        reverse("dropin:my-calendar", args=[school.slug]), {"action": "stop", "confirmed": "yes"}
    )

    assert not CalendarFeed.objects.live().filter(mentor=mentor).exists()
    assert board_services.revoke_calendar_feeds(school=school, room=room, by=None) == 2
    assert not CalendarFeed.objects.live().exists()


def test_the_migration_stops_all_but_the_newest_live_link_of_each_owner(
    school, other_school, kwame, room
):
    without_the_rule()
    start = timezone.now() - dt.timedelta(days=30)
    made: dict[str, ScreenLink | CalendarFeed] = {}

    def feed(name, days, revoked=False, **owner):
        made[name] = CalendarFeed.objects.create(
            school=owner.pop("school", school),
            token_hash=token_digest(name),
            created_at=start + dt.timedelta(days=days),
            revoked_at=start if revoked else None,
            **owner,
        )

    def screen(name, label, days, of=school):
        made[name] = ScreenLink.objects.create(
            school=of,
            label=label,
            token_hash=token_digest(name),
            created_at=start + dt.timedelta(days=days),
        )

    sara = trained_mentor(school, "Sara")
    feed("kwame old", 1, mentor=kwame)
    feed("kwame new", 5, mentor=kwame)
    feed("kwame middle", 3, mentor=kwame)
    feed("kwame stopped later", 9, revoked=True, mentor=kwame)
    feed("room old", 1, room=room)
    feed("room new", 2, room=room)
    feed("sara only", 1, mentor=sara)
    screen("hall old", "Hall", 1)
    screen("hall new", "HALL", 4)
    screen("library", "Library", 1)
    screen("their hall", "Hall", 1, of=other_school)

    migration = importlib.import_module(
        "peermentoring.dropin.migrations.0002_one_live_link_per_owner"
    )
    migration.revoke_live_duplicates(apps, None)

    still_live = {
        name
        for name, row in made.items()
        if type(row).objects.filter(pk=row.pk, revoked_at__isnull=True).exists()
    }
    assert still_live == {"kwame new", "room new", "sara only", "hall new", "library", "their hall"}
    made["kwame stopped later"].refresh_from_db()
    assert made["kwame stopped later"].revoked_at == start
