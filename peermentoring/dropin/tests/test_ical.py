"""Calendar feeds: a mentor's published duties, or a room's rota, parsed back with icalendar;
times on the wall in Europe/London on both sides of the clocks changing; a stopped link 404s."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from peermentoring.core.models import AuditEntry
from peermentoring.dropin import board_services
from peermentoring.dropin.models import CalendarFeed, Duty, Room, token_digest
from peermentoring.dropin.tests.board_support import at_day, on_duty, room_of, rota, trained_mentor

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
# Friday 24 October 2025 is in British Summer Time; the clocks go back on Sunday the 26th;
# Monday 3 November is in Greenwich Mean Time. Lunch is 12:50 to 13:35 on the wall.
BEFORE, AFTER = dt.date(2025, 10, 24), dt.date(2025, 11, 3)


@pytest.fixture
def kwame(school):
    return trained_mentor(school, "Kwame", form_group="10B")


@pytest.fixture
def autumn(school):
    return rota(school, dt.date(2025, 10, 20), dt.date(2025, 11, 14))


def feed_url(school, token: str) -> str:
    return reverse("dropin:feed", args=[school.slug, token])


def parsed(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_a_mentors_feed_holds_their_duties_at_the_right_hour_after_the_clocks_change(
    school, coordinator, kwame, autumn, client, monkeypatch
):
    at_day(monkeypatch, dt.date(2025, 10, 22))
    room = room_of(school)
    room.where = "Room S12"
    room.save()
    on_duty(autumn, kwame, BEFORE, "lunch")
    on_duty(autumn, kwame, AFTER, "break")
    made = board_services.create_calendar_feed(school=school, mentor=kwame, by=None)

    calendar = parsed(client.get(feed_url(school, made.token)))

    assert str(calendar["X-WR-CALNAME"]) == "Drop-in duties: Kwame"
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("DTSTART"))
    assert [str(e["SUMMARY"]) for e in events] == [
        "On duty: Peer Mentoring room (lunch)",
        "On duty: Peer Mentoring room (break)",
    ]
    assert [str(e["LOCATION"]) for e in events] == ["Room S12", "Room S12"]
    first, second = (e.decoded("DTSTART") for e in events)
    assert first.astimezone(UTC) == dt.datetime(2025, 10, 24, 11, 50, tzinfo=UTC)  # 12:50 BST
    assert second.astimezone(UTC) == dt.datetime(2025, 11, 3, 10, 50, tzinfo=UTC)  # 10:50 GMT
    assert second.astimezone(LONDON).time() == dt.time(10, 50)
    assert events[0].decoded("DTEND").astimezone(UTC) == dt.datetime(
        2025, 10, 24, 12, 35, tzinfo=UTC
    )
    assert events[0]["DTSTART"].params["TZID"] == "Europe/London"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_the_feed_holds_only_published_duties_of_that_mentor(
    school, kwame, autumn, client, monkeypatch
):
    at_day(monkeypatch, dt.date(2025, 10, 22))
    lily = trained_mentor(school, "Lily", form_group="10C")
    draft = rota(school, dt.date(2025, 11, 17), dt.date(2025, 12, 19), published=False)
    on_duty(autumn, kwame, BEFORE)
    on_duty(autumn, lily, AFTER)
    on_duty(draft, kwame, dt.date(2025, 11, 18))
    made = board_services.create_calendar_feed(school=school, mentor=kwame, by=None)

    events = parsed(client.get(feed_url(school, made.token))).walk("VEVENT")

    assert [e.decoded("DTSTART").date() for e in events] == [BEFORE]


def test_a_removed_or_absent_duty_drops_out_of_the_feed(school, kwame, autumn, client, monkeypatch):
    at_day(monkeypatch, dt.date(2025, 10, 22))
    removed = on_duty(autumn, kwame, BEFORE)
    absent = on_duty(autumn, kwame, AFTER)
    kept = on_duty(autumn, kwame, dt.date(2025, 11, 4))
    made = board_services.create_calendar_feed(school=school, mentor=kwame, by=None)
    url = feed_url(school, made.token)
    assert len(parsed(client.get(url)).walk("VEVENT")) == 3

    removed.delete()
    Duty.objects.filter(pk=absent.pk).update(attendance=Duty.Attendance.ABSENT)

    events = parsed(client.get(url)).walk("VEVENT")
    assert [e.decoded("DTSTART").date() for e in events] == [kept.held_on]


def test_the_uid_stays_the_same_when_the_rota_is_built_again(
    school, kwame, autumn, client, monkeypatch
):
    at_day(monkeypatch, dt.date(2025, 10, 22))
    first = on_duty(autumn, kwame, BEFORE)
    made = board_services.create_calendar_feed(school=school, mentor=kwame, by=None)
    url = feed_url(school, made.token)
    uid = str(parsed(client.get(url)).walk("VEVENT")[0]["UID"])

    first.delete()
    on_duty(autumn, kwame, BEFORE)  # a new row for the same duty

    assert str(parsed(client.get(url)).walk("VEVENT")[0]["UID"]) == uid


def test_a_rooms_feed_has_one_event_an_opening_naming_who_is_on_duty(
    school, kwame, autumn, client, monkeypatch
):
    at_day(monkeypatch, dt.date(2025, 10, 22))
    lily = trained_mentor(school, "Lily", form_group="10C")
    on_duty(autumn, kwame, AFTER)
    on_duty(autumn, lily, AFTER)
    on_duty(autumn, lily, BEFORE)
    room = room_of(school)
    made = board_services.create_calendar_feed(school=school, room=room, by=None)

    calendar = parsed(client.get(feed_url(school, made.token)))

    assert str(calendar["X-WR-CALNAME"]) == "Drop-in rota: Peer Mentoring room"
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("DTSTART"))
    assert [str(e["SUMMARY"]) for e in events] == [
        "Peer Mentoring room (lunch): Lily",
        "Peer Mentoring room (lunch): Kwame, Lily",
    ]
    assert str(events[1]["DESCRIPTION"]) == "On duty: Kwame (10B), Lily (10C)."


def test_a_stopped_feed_is_404(school, coordinator, kwame, autumn, client, monkeypatch):
    at_day(monkeypatch, dt.date(2025, 10, 22))
    made = board_services.create_calendar_feed(school=school, mentor=kwame, by=coordinator)
    url = feed_url(school, made.token)
    assert client.get(url).status_code == 200

    board_services.revoke_calendar_feed(feed=made.row, by=coordinator)

    assert client.get(url).status_code == 404
    assert AuditEntry.objects.filter(action="dropin.calendar_feed_revoked").count() == 1


def test_a_new_link_stops_the_old_one(school, kwame, autumn, client, monkeypatch):
    at_day(monkeypatch, dt.date(2025, 10, 22))
    old = board_services.create_calendar_feed(school=school, mentor=kwame, by=None)

    new = board_services.create_calendar_feed(school=school, mentor=kwame, by=None)

    assert new.stopped == 1
    assert client.get(feed_url(school, old.token)).status_code == 404
    assert client.get(feed_url(school, new.token)).status_code == 200


def test_only_the_tokens_digest_is_stored(school, kwame):
    made = board_services.create_calendar_feed(school=school, mentor=kwame, by=None)

    row = CalendarFeed.objects.get()
    assert row.token_hash == token_digest(made.token)
    assert made.token not in row.token_hash
    assert len(made.token) >= 43
    entry = AuditEntry.objects.get(action="dropin.calendar_feed_made")
    assert made.token not in str(entry.changes)


def test_another_schools_token_under_this_schools_address_is_404(
    school, other_school, client, monkeypatch
):
    at_day(monkeypatch, dt.date(2025, 10, 22))
    theirs = trained_mentor(other_school, "Owen")
    made = board_services.create_calendar_feed(school=other_school, mentor=theirs, by=None)

    assert client.get(feed_url(other_school, made.token)).status_code == 200
    assert client.get(feed_url(school, made.token)).status_code == 404


def test_a_feed_for_another_schools_mentor_or_room_is_refused(school, other_school):
    from django.core.exceptions import ValidationError

    theirs = trained_mentor(other_school, "Owen")
    their_room = Room.objects.create(school=other_school, name="Library")

    with pytest.raises(ValidationError):
        board_services.create_calendar_feed(school=school, mentor=theirs, by=None)
    with pytest.raises(ValidationError):
        board_services.create_calendar_feed(school=school, room=their_room, by=None)
    assert not CalendarFeed.objects.exists()


def test_the_feed_sets_no_cookie_and_asks_for_no_referrer_and_no_index(school, kwame, client):
    made = board_services.create_calendar_feed(school=school, mentor=kwame, by=None)

    response = client.get(feed_url(school, made.token))

    assert response.status_code == 200
    assert not response.cookies
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]


def test_a_made_up_or_overlong_token_is_404(school, client):
    assert client.get(feed_url(school, "x" * 43)).status_code == 404
    assert client.get(feed_url(school, "x" * 300)).status_code == 404
