"""The school calendar: academic years, terms and the free windows of the school day.

Mentoring happens only at AM registration, break or lunch, on a teaching day.
`window_at()` and `is_free_time()` are the one check every later app calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from peermentoring.schools.models import School, SchoolDayWindow, Term

# A typical English secondary school day; every school edits its own.
DEFAULT_WINDOWS: dict[str, tuple[dt.time, dt.time]] = {
    SchoolDayWindow.Kind.AM_REGISTRATION: (dt.time(8, 40), dt.time(9, 0)),
    SchoolDayWindow.Kind.BREAK: (dt.time(10, 50), dt.time(11, 10)),
    SchoolDayWindow.Kind.LUNCH: (dt.time(12, 50), dt.time(13, 35)),
}


@dataclass(frozen=True)
class TermDates:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    half_term_starts_on: dt.date | None = None
    half_term_ends_on: dt.date | None = None


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _school_day_on_or_after(day: dt.date) -> dt.date:
    return day if day.weekday() < 5 else _weekday_on_or_after(day, 0)


def _weekday_on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def academic_year_name(start_year: int) -> str:
    """ "2026–27" for the year that starts in September 2026."""
    return f"{start_year}–{(start_year + 1) % 100:02d}"


def academic_year_start(day: dt.date) -> int:
    """The calendar year in which the academic year holding `day` began (August starts a new one)."""
    return day.year if day.month >= 8 else day.year - 1


def default_term_dates(start_year: int) -> list[TermDates]:
    """Usual English term dates for the academic year starting in September of `start_year`."""
    monday, friday = 0, 4
    autumn_start = _school_day_on_or_after(dt.date(start_year, 9, 3))
    autumn_end = _weekday_on_or_before(dt.date(start_year, 12, 19), friday)
    october_ht = _weekday_on_or_before(dt.date(start_year, 10, 31), monday)
    spring_start = _weekday_on_or_after(dt.date(start_year + 1, 1, 5), monday)
    spring_end = _weekday_on_or_before(dt.date(start_year + 1, 3, 31), friday)
    february_ht = _weekday_on_or_before(dt.date(start_year + 1, 2, 19), monday)
    summer_start = _weekday_on_or_after(dt.date(start_year + 1, 4, 14), monday)
    summer_end = _weekday_on_or_before(dt.date(start_year + 1, 7, 21), friday)
    may_ht = _weekday_on_or_before(dt.date(start_year + 1, 5, 31), monday)
    four_days = dt.timedelta(days=4)
    return [
        TermDates(Term.Name.AUTUMN, autumn_start, autumn_end, october_ht, october_ht + four_days),
        TermDates(Term.Name.SPRING, spring_start, spring_end, february_ht, february_ht + four_days),
        TermDates(Term.Name.SUMMER, summer_start, summer_end, may_ht, may_ht + four_days),
    ]


def local(moment: dt.datetime) -> dt.datetime:
    """The moment on the school's clock (Europe/London); naive times are taken as local."""
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return timezone.localtime(moment)


def term_on(school: School, day: dt.date) -> Term | None:
    """The term a date falls in, half-term included; None in the holidays."""
    return Term.objects.for_school(school).containing(day).select_related("academic_year").first()


def window_at(school: School, when: dt.datetime) -> SchoolDayWindow | None:
    """The free window (AM registration, break, lunch) a moment falls in, on a teaching day.

    A switched-off window is not free time.
    """
    moment = local(when)
    term = term_on(school, moment.date())
    if term is None or not term.is_teaching_day(moment.date()):
        return None
    windows = SchoolDayWindow.objects.for_school(school).active().on_weekday(moment.weekday())
    for window in windows:
        if window.contains(moment.time()):
            return window
    return None


def is_free_time(
    school: School, starts_at: dt.datetime, ends_at: dt.datetime | None = None
) -> bool:
    """True when the whole span lies inside one free window of a teaching day."""
    window = window_at(school, starts_at)
    if window is None:
        return False
    if ends_at is None:
        return True
    start, end = local(starts_at), local(ends_at)
    return end.date() == start.date() and start < end and end.time() <= window.end_time
