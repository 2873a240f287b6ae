"""A property: whatever date, window and clock it is given, no path stores a meeting
outside a free window of a teaching day, or a weekly count for a week with no school day.

The paths: the service (every view, the coordinator's corrections and the demo's check
go through it), the mentor's form, a correction of a meeting, and the weekly count.
The check below is written again from the calendar, not taken from rules.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peermentoring.core.roles import Role
from peermentoring.meetings import services
from peermentoring.meetings.models import Meeting, WeekCount
from peermentoring.schools.models import SchoolDayWindow, Term
from tests.support.factories import pupil_member
from tests.support.meetings import at, pairing_in

# Any day of the year, often one at an edge: half-terms, the first and last days of
# terms, weekends, the days around the pairing's start and the mentor's training.
EDGES = [
    dt.date(2025, 9, 3),
    dt.date(2025, 9, 10),
    dt.date(2025, 9, 12),
    dt.date(2025, 9, 15),
    dt.date(2025, 10, 24),
    dt.date(2025, 10, 27),
    dt.date(2025, 10, 29),
    dt.date(2025, 10, 31),
    dt.date(2025, 11, 3),
    dt.date(2025, 11, 15),
    dt.date(2025, 12, 19),
    dt.date(2025, 12, 22),
    dt.date(2026, 1, 2),
    dt.date(2026, 1, 5),
    dt.date(2026, 2, 16),
    dt.date(2026, 2, 18),
    dt.date(2026, 2, 23),
    dt.date(2026, 4, 3),
    dt.date(2026, 4, 14),
    dt.date(2026, 5, 26),
]
DAYS = st.one_of(
    st.dates(min_value=dt.date(2025, 8, 1), max_value=dt.date(2026, 8, 31)),
    st.sampled_from(EDGES),
)
CLOCK = st.datetimes(min_value=dt.datetime(2025, 9, 1), max_value=dt.datetime(2026, 7, 31))
TIMES = st.times(min_value=dt.time(7, 0), max_value=dt.time(17, 0))


def inside_a_teaching_window(meeting: Meeting, now: dt.datetime) -> bool:
    day, window = meeting.held_on, meeting.window
    terms = Term.objects.filter(
        academic_year__school=meeting.school_id, starts_on__lte=day, ends_on__gte=day
    )
    in_half_term = any(
        t.half_term_starts_on and t.half_term_starts_on <= day <= t.half_term_ends_on for t in terms
    )
    return (
        terms.exists()
        and not in_half_term
        and day.weekday() < 5
        and window.weekday == day.weekday()
        and window.is_active
        and window.school_id == meeting.school_id
        and (day < now.date() or (day == now.date() and window.start_time <= now.time()))
    )


@pytest.fixture
def setting(school, monkeypatch):
    at(monkeypatch)
    member = pupil_member(school, Role.MENTOR, given_name="Kofi", year_group=10)
    pairing = pairing_in(school, member.pupil)
    off = SchoolDayWindow.objects.get(school=school, weekday=3, kind="am_registration")
    off.is_active = False
    off.save()
    return pairing, member.user, list(SchoolDayWindow.objects.for_school(school))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=DAYS,
    pick=st.integers(0, 14),
    clock=CLOCK,
    path=st.sampled_from(["service", "form", "change"]),
)
def test_no_path_stores_a_meeting_outside_a_teaching_days_window(
    setting, client, monkeypatch, day, pick, clock, path
):
    pairing, user, windows = setting
    now = at(monkeypatch, clock)
    window = windows[pick]
    if path == "service":
        with contextlib.suppress(ValidationError):
            services.log_meeting(pairing=pairing, held_on=day, window=window, by=None)
    elif path == "form":
        client.force_login(user)
        client.post(
            reverse("meetings:log", args=[pairing.school.slug]),
            {
                "pairing": pairing.pk,
                "submission_key": str(uuid.uuid4()),
                "held_on": day.isoformat(),
                "window": window.pk,
                "status": "happened",
            },
        )
    else:
        # A correction moves a good meeting to the drawn date and window.
        good = Meeting.objects.filter(pairing=pairing).first()
        if good is None:
            anchor = dt.date(2025, 9, 16)
            good = services.log_meeting(
                pairing=pairing,
                held_on=anchor,
                window=next(w for w in windows if w.weekday == anchor.weekday()),
                by=None,
                now=dt.datetime(2025, 9, 16, 15, 0, tzinfo=now.tzinfo),
            )
        with contextlib.suppress(ValidationError):
            services.change_meeting(
                meeting=good, by=None, held_on=day, window=window, status="happened"
            )
    for meeting in Meeting.objects.select_related("window"):
        if meeting.held_on == dt.date(2025, 9, 16) and path == "change":
            continue  # the anchor, logged with its own clock
        assert inside_a_teaching_window(meeting, now), (meeting.held_on, meeting.window.label)
    # Each example stands alone: what was right on its clock is checked on that clock only.
    Meeting.objects.all().delete()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=DAYS, count=st.integers(-3, 30), clock=CLOCK)
def test_no_weekly_count_for_a_week_without_school_days_or_out_of_bounds(
    setting, monkeypatch, day, count, clock
):
    pairing, _, _ = setting
    now = at(monkeypatch, clock)
    with contextlib.suppress(ValidationError):
        services.record_week_count(pairing=pairing, week_of=day, count=count, by=None)
    for entry in WeekCount.objects.all():
        week = [entry.week_of + dt.timedelta(days=n) for n in range(5)]
        terms = list(Term.objects.filter(academic_year__school=pairing.school_id))
        assert any(t.is_teaching_day(d) for t in terms for d in week)
        assert 0 <= entry.count <= 15
        assert entry.week_of <= now.date()
        assert entry.week_of.weekday() == 0
    WeekCount.objects.all().delete()
