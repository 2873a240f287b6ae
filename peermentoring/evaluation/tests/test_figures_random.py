"""The report's meeting figures agree with meetings/counting.py on random schools.

counting.py adds in Python, row by row; figures.py asks the database. Hypothesis makes
schools with random meetings (every status), "met N times" counts that are above,
equal to or below what was logged that week, and random spans (a first day mid-week
included), and the two must agree on the total, every week and every mentor.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peermentoring.evaluation import figures
from peermentoring.meetings import counting
from peermentoring.meetings.models import Meeting, WeekCount
from peermentoring.schools.models import School, SchoolDayWindow
from tests.support.factories import (
    AcademicYearFactory,
    MentorFactory,
    PairingFactory,
    SchoolFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db

START = dt.date(2025, 9, 1)  # a Monday
DAYS = 130
KINDS = [k for k, _ in SchoolDayWindow.Kind.choices]
STATUSES = [s for s, _ in Meeting.Status.choices]


class _Rollback(Exception):
    pass


@pytest.fixture
def schools() -> list[tuple[School, list[int]]]:
    made = []
    for _ in range(2):
        school = SchoolFactory()
        year = AcademicYearFactory(school=school, starts_on=START, ends_on=dt.date(2026, 8, 31))
        TermFactory(
            academic_year=year,
            starts_on=dt.date(2025, 9, 3),
            ends_on=dt.date(2025, 12, 19),
            half_term_starts_on=dt.date(2025, 10, 27),
            half_term_ends_on=dt.date(2025, 10, 31),
        )
        mentors = [MentorFactory(school=school) for _ in range(2)]
        pairings = [PairingFactory(school=school, mentor=mentors[i % 2]) for i in range(3)]
        made.append((school, [p.pk for p in pairings]))
    return made


meetings = st.dictionaries(
    st.tuples(
        st.integers(0, 1),  # school
        st.integers(0, 2),  # pairing
        st.integers(0, DAYS),  # day
        st.sampled_from(KINDS),
    ),
    st.sampled_from(STATUSES),
    max_size=40,
)
counts = st.dictionaries(
    st.tuples(st.integers(0, 1), st.integers(0, 2), st.integers(0, DAYS // 7)),
    st.integers(0, 15),
    max_size=15,
)
spans = st.tuples(st.integers(0, DAYS), st.integers(0, DAYS)).map(sorted)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(meetings=meetings, counts=counts, span=spans)
def test_meetings_figures_equal_counting(schools, meetings, counts, span):
    windows = {
        (w.school_id, w.weekday, w.kind): w.pk
        for w in SchoolDayWindow.objects.filter(school__in=[s for s, _ in schools])
    }
    try:
        with transaction.atomic():
            for (s, p, day, kind), status in meetings.items():
                school, pairings = schools[s]
                held_on = START + dt.timedelta(days=day)
                happened = status == Meeting.Status.HAPPENED
                Meeting.objects.create(
                    school=school,
                    pairing_id=pairings[p],
                    held_on=held_on,
                    window_id=windows[(school.pk, min(held_on.weekday(), 4), kind)],
                    status=status,
                    minutes=15 if happened else None,
                    mood=3 if happened else None,
                )
            for (s, p, week), n in counts.items():
                school, pairings = schools[s]
                WeekCount.objects.create(
                    school=school,
                    pairing_id=pairings[p],
                    week_of=START + dt.timedelta(weeks=week),
                    count=n,
                )
            first = START + dt.timedelta(days=span[0])
            last = START + dt.timedelta(days=span[1])
            the_span = figures.Span.for_dates(first, last)
            every = figures.by_school(School.objects.all(), the_span)
            for school, _ in schools:
                total = counting.total(school, first, last)
                assert figures.meetings_held(school, the_span) == total
                report = figures.report(school, the_span)
                assert report.meetings_held == total
                assert every[school.pk] == report.headline
                assert report.meetings_itemised + report.meetings_bulk_reported == total
                weekly = {r["week"]: r["held"] for r in report.by_week}
                assert weekly == counting.weekly_totals(school, first, last)
                assert sum(r["held"] for r in report.by_window) == total
                by_mentor = {r["mentor_id"]: r["held"] for r in report.by_mentor}
                expected = {
                    k: v for k, v in counting.mentor_totals(school, first, last).items() if v
                }
                assert by_mentor == expected
                missed = {r["status"]: r["count"] for r in report.did_not_happen if r["count"]}
                assert missed == counting.did_not_happen(school, first, last)
            raise _Rollback
    except _Rollback:
        pass


def test_a_count_below_the_logged_meetings_adds_nothing_and_above_adds_the_rest(schools):
    (school, pairings), _ = schools
    tuesday = START + dt.timedelta(days=1)
    window = SchoolDayWindow.objects.get(school=school, weekday=1, kind="lunch")
    for p in pairings[:2]:
        Meeting.objects.create(
            school=school, pairing_id=p, held_on=tuesday, window=window, minutes=15, mood=3
        )
    WeekCount.objects.create(school=school, pairing_id=pairings[0], week_of=START, count=0)
    WeekCount.objects.create(school=school, pairing_id=pairings[1], week_of=START, count=3)
    # A count of a week after the last day: not in the span.
    WeekCount.objects.create(
        school=school, pairing_id=pairings[2], week_of=START + dt.timedelta(weeks=1), count=5
    )
    span = figures.Span.for_dates(START, START + dt.timedelta(days=4))
    assert figures.meetings_itemised(school, span) == 2
    assert figures.meetings_bulk_reported(school, span) == 2
    assert figures.meetings_held(school, span) == 4
