"""When a concern not acknowledged in time is escalated: its deadline counts only the
school day's minutes (teaching days of the school's calendar, from its first window of the
day to the end of the school day), so a concern raised on Friday at 4pm is due at 9.10am
on Monday, not at 4.30pm on Friday."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peermentoring.schools.calendar import local, term_on
from peermentoring.schools.models import School, SchoolDayWindow

DEFAULT_DAY_STARTS = dt.time(8, 30)
# A school with no calendar yet: count plain minutes (better early than never).
SEARCH_DAYS = 60


def school_day_deadline(
    school: School, start: dt.datetime, minutes: int, day_ends_at: dt.time
) -> dt.datetime:
    """The moment `minutes` of school day have passed since `start`."""
    remaining = dt.timedelta(minutes=minutes)
    moment = local(start)
    zone = timezone.get_current_timezone()
    starts = _first_window_starts(school)
    for _ in range(SEARCH_DAYS):
        day = moment.date()
        term = term_on(school, day)
        if term is not None and term.is_teaching_day(day):
            day_start = dt.datetime.combine(
                day, starts.get(day.weekday(), DEFAULT_DAY_STARTS), tzinfo=zone
            )
            day_end = dt.datetime.combine(day, day_ends_at, tzinfo=zone)
            moment = max(moment, day_start)
            if moment < day_end:
                if day_end - moment >= remaining:
                    return moment + remaining
                remaining -= day_end - moment
        moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start + dt.timedelta(minutes=minutes)


def _first_window_starts(school: School) -> dict[int, dt.time]:
    starts: dict[int, dt.time] = {}
    for window in SchoolDayWindow.objects.for_school(school).active():
        if window.weekday not in starts or window.start_time < starts[window.weekday]:
            starts[window.weekday] = window.start_time
    return starts
