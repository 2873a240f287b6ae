"""iCalendar feeds of the published rota: one mentor's duties, or one room's openings with
who is on duty, for a phone's or a staff calendar to subscribe to.

Only published rotas are in a feed; a duty removed from the rota, or marked absent, drops
out the next time the calendar reads the feed. Each event's UID is made of the mentor (or
room), the window and the date, so building the rota again keeps the events a calendar
already holds. Times are the school's windows on that date in Europe/London, with the
time zone's definition in the feed (VTIMEZONE), so a duty after the clocks change is at
the same hour on the wall.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from peermentoring.dropin.board import kind_words
from peermentoring.dropin.models import CalendarFeed, Duty, Room
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import School

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Peer mentoring//Drop-in rota//EN"
# Duties this far back stay in the feed: last half-term's, for the mentor's own record.
DAYS_BACK = 60
# How often a calendar should read the feed again.
REFRESH = dt.timedelta(hours=1)


def _at(day: dt.date, moment: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, moment, tzinfo=LONDON)


def _calendar(name: str, description: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", "Europe/London")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def _duties(school: School, since: dt.date, **only: object) -> list[Duty]:
    return list(
        Duty.objects.for_school(school)
        .live()
        .filter(held_on__gte=since, **only)
        .select_related("room", "window", "rota", "mentor__pupil")
        .order_by("held_on", "window__start_time", "room__order", "mentor__pupil__given_name")
    )


def _opening_key(duty: Duty) -> str:
    """Room, window and date: the same whenever the rota is built again."""
    return f"{duty.room_id}-{duty.window_id}-{duty.held_on:%Y%m%d}"


def _stamp(duty: Duty) -> dt.datetime:
    changed = max(duty.changed_at, duty.rota.published_at or duty.changed_at)
    return changed.astimezone(dt.UTC)


def mentor_calendar(mentor: Mentor, today: dt.date) -> bytes:
    """A mentor's published duties from `DAYS_BACK` days ago on, as an .ics file."""
    school = mentor.school
    duties = _duties(school, today - dt.timedelta(DAYS_BACK), mentor=mentor)
    calendar = _calendar(
        f"Drop-in duties: {mentor.pupil.first_name}",
        f"{mentor.pupil.first_name}'s duties in the drop-in room at {school.name}.",
    )
    for duty in duties:
        event = Event()
        event.add("uid", f"duty-{mentor.pk}-{_opening_key(duty)}@{school.slug}.peermentoring")
        event.add("dtstamp", _stamp(duty))
        event.add("dtstart", _at(duty.held_on, duty.window.start_time))
        event.add("dtend", _at(duty.held_on, duty.window.end_time))
        event.add("summary", f"On duty: {duty.room.name} ({kind_words(duty.window)})")
        event.add("location", duty.room.where or duty.room.name)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def room_calendar(room: Room, today: dt.date) -> bytes:
    """A room's openings with a published duty from `DAYS_BACK` days ago on, each with the
    first names of the mentors on duty, as an .ics file."""
    school = room.school
    by_opening: dict[tuple[dt.date, int], list[Duty]] = defaultdict(list)
    for duty in _duties(school, today - dt.timedelta(DAYS_BACK), room=room):
        by_opening[(duty.held_on, duty.window_id)].append(duty)
    calendar = _calendar(
        f"Drop-in rota: {room.name}",
        f"Who is on duty in the {room.name} at {school.name}.",
    )
    for (day, _), duties in by_opening.items():
        window = duties[0].window
        names = ", ".join(
            f"{d.mentor.pupil.first_name} ({d.mentor.pupil.form_group})"
            if d.mentor.pupil.form_group
            else d.mentor.pupil.first_name
            for d in duties
        )
        event = Event()
        event.add("uid", f"room-{_opening_key(duties[0])}@{school.slug}.peermentoring")
        event.add("dtstamp", max(_stamp(d) for d in duties))
        event.add("dtstart", _at(day, window.start_time))
        event.add("dtend", _at(day, window.end_time))
        first_names = ", ".join(d.mentor.pupil.first_name for d in duties)
        event.add("summary", f"{room.name} ({kind_words(window)}): {first_names}")
        event.add("description", f"On duty: {names}.")
        event.add("location", room.where or room.name)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def feed_calendar(feed: CalendarFeed, today: dt.date) -> bytes:
    """The .ics file a feed serves: its mentor's duties or its room's rota."""
    if feed.mentor is not None:
        return mentor_calendar(feed.mentor, today)
    if feed.room is not None:
        return room_calendar(feed.room, today)
    raise ValueError("A feed is of a mentor or of a room.")
