"""Times to book an interview in tests: a break on a teaching day still to come.

Interviews are booked only for a time ahead, so a test cannot use a fixed day of the
year: it takes the next teaching day after today in the academic year instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from peermentoring.schools.models import AcademicYear

BREAK_STARTS = dt.time(10, 52)  # inside the default break, 10:50–11:10
# Three fifteen-minute slots a day: one at break, two at lunch (12:50–13:35).
DAILY_STARTS = (BREAK_STARTS, dt.time(12, 52), dt.time(13, 10))


def teaching_days_ahead(year: AcademicYear) -> Iterator[dt.date]:
    """The teaching days after today in the year, in order."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for term in year.terms.order_by("starts_on"):
        day = max(term.starts_on, tomorrow)
        while day <= term.ends_on:
            if term.is_teaching_day(day):
                yield day
            day += dt.timedelta(days=1)


def next_teaching_day(year: AcademicYear) -> dt.date:
    """The first teaching day after today in the year (skips the test if none is left)."""
    day = next(teaching_days_ahead(year), None)
    if day is None:
        pytest.skip(f"No teaching day is left in {year.name} to book an interview on.")
    return day


def interview_slots(year: AcademicYear, count: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """`count` slots that do not overlap, at break and lunch on the teaching days ahead."""
    slots = []
    for day in teaching_days_ahead(year):
        for starts_at in DAILY_STARTS:
            starts = timezone.make_aware(dt.datetime.combine(day, starts_at))
            slots.append((starts, starts + dt.timedelta(minutes=15)))
            if len(slots) == count:
                return slots
    pytest.skip(f"Too few teaching days are left in {year.name} for {count} interviews.")


def break_slot(year: AcademicYear, minutes: int = 15) -> tuple[dt.datetime, dt.datetime]:
    """A slot at break on the next teaching day: (starts_at, ends_at)."""
    day = next_teaching_day(year)
    starts = timezone.make_aware(dt.datetime.combine(day, BREAK_STARTS))
    return starts, starts + dt.timedelta(minutes=minutes)
