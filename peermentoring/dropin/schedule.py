"""When the room is open: the school's rooms and weekly openings, and the dated openings
of a period (every teaching day of a term, never a holiday or half-term).

`rooms_for` makes the default the first time it is asked: one "Peer Mentoring room",
open at break and lunch every day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from peermentoring.dropin.models import DEFAULT_ROOM, Room, RoomOpening
from peermentoring.schools.models import School, SchoolDayWindow, Term

DEFAULT_KINDS = (SchoolDayWindow.Kind.BREAK, SchoolDayWindow.Kind.LUNCH)


@dataclass(frozen=True)
class DatedOpening:
    """A room open at one window on one date."""

    opening: RoomOpening
    day: dt.date

    @property
    def key(self) -> str:
        """Stable across rebuilds: room, window and date ("12-40-2026-11-30")."""
        return f"{self.opening.room_id}-{self.opening.window_id}-{self.day.isoformat()}"

    @property
    def room(self) -> Room:
        return self.opening.room

    @property
    def window(self) -> SchoolDayWindow:
        return self.opening.window


def rooms_for(school: School) -> list[Room]:
    """The school's open rooms; the default room and its openings the first time."""
    rooms = list(Room.objects.for_school(school).in_use())
    if not rooms and not Room.objects.for_school(school).exists():
        with transaction.atomic():
            room, _ = Room.objects.get_or_create(school=school, name=DEFAULT_ROOM)
            windows = SchoolDayWindow.objects.for_school(school).filter(kind__in=DEFAULT_KINDS)
            RoomOpening.objects.bulk_create(
                [RoomOpening(room=room, window=w) for w in windows], ignore_conflicts=True
            )
        rooms = list(Room.objects.for_school(school).in_use())
    return rooms


def weekly_openings(school: School) -> list[RoomOpening]:
    """The open rooms' openings at switched-on windows, Monday first."""
    rooms_for(school)
    return list(
        RoomOpening.objects.for_school(school)
        .filter(room__is_active=True, window__is_active=True)
        .select_related("room", "window")
    )


def teaching_days(school: School | int, first: dt.date, last: dt.date) -> list[dt.date]:
    """Every teaching day from `first` to `last`: weekdays of a term outside half-term."""
    terms = list(Term.objects.for_school(school).filter(starts_on__lte=last, ends_on__gte=first))
    # Counted, not stepped past `last`: 31 December 9999 has no next day.
    every = (first + dt.timedelta(days=n) for n in range(max(0, (last - first).days + 1)))
    return [day for day in every if any(t.is_teaching_day(day) for t in terms)]


def openings_between(school: School, first: dt.date, last: dt.date) -> list[DatedOpening]:
    """The room's openings on every teaching day from `first` to `last`, in time order."""
    weekly = weekly_openings(school)
    by_weekday: dict[int, list[RoomOpening]] = {}
    for opening in weekly:
        by_weekday.setdefault(opening.window.weekday, []).append(opening)
    return [
        DatedOpening(opening=o, day=day)
        for day in teaching_days(school, first, last)
        for o in by_weekday.get(day.weekday(), [])
    ]


@dataclass(frozen=True)
class Period:
    """A half-term or a term a rota may cover."""

    label: str
    first: dt.date
    last: dt.date
    whole_term: bool = False


def periods_around(school: School, today: dt.date) -> list[Period]:
    """The half-terms and terms not yet over, this one first: what a rota may be built for.

    A term with a half-term break has two halves ("Autumn 1", "Autumn 2"); the whole
    term is offered too.
    """
    periods: list[Period] = []
    for term in Term.objects.for_school(school).filter(ends_on__gte=today).order_by("starts_on"):
        name = term.get_name_display()
        year = term.starts_on.year
        if term.half_term_starts_on and term.half_term_ends_on:
            halves = [
                (f"{name} 1, {year}", term.starts_on, term.half_term_starts_on - dt.timedelta(1)),
                (f"{name} 2, {year}", term.half_term_ends_on + dt.timedelta(1), term.ends_on),
            ]
            periods += [Period(label, a, b) for label, a, b in halves if b >= today and a <= b]
        periods.append(Period(f"{name} term {year}", term.starts_on, term.ends_on, whole_term=True))
    return periods
