"""The school calendar: mentoring only in free windows on teaching days."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from peermentoring.schools import services
from peermentoring.schools.calendar import (
    TermDates,
    academic_year_name,
    academic_year_start,
    default_term_dates,
    is_free_time,
    window_at,
)
from peermentoring.schools.models import SchoolDayWindow, Term

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def year_2026(school, school_admin):
    return services.set_up_academic_year(
        school=school,
        name="2026–27",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 8, 31),
        terms=default_term_dates(2026),
        by=school_admin,
    )


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


# Tuesday 10 November 2026 is a teaching day in the autumn term.
TUESDAY = dt.date(2026, 11, 10)


def test_default_terms_run_autumn_spring_summer_with_half_terms_inside():
    terms = default_term_dates(2026)
    assert [t.name for t in terms] == ["autumn", "spring", "summer"]
    for term in terms:
        assert term.starts_on < term.half_term_starts_on <= term.half_term_ends_on < term.ends_on
        assert term.starts_on.weekday() < 5 and term.ends_on.weekday() == 4
    assert terms[0].starts_on == dt.date(2026, 9, 3)
    assert terms[0].half_term_starts_on == dt.date(2026, 10, 26)


def test_academic_year_names_and_starts_follow_september():
    assert academic_year_name(2026) == "2026–27"
    assert academic_year_name(2099) == "2099–00"
    assert academic_year_start(dt.date(2026, 11, 22)) == 2026
    assert academic_year_start(dt.date(2027, 3, 1)) == 2026
    assert academic_year_start(dt.date(2027, 8, 15)) == 2027


def test_break_on_a_teaching_day_is_free_time(school, year_2026):
    window = window_at(school, at(TUESDAY, 10, 55))
    assert window is not None
    assert window.kind == SchoolDayWindow.Kind.BREAK
    assert is_free_time(school, at(TUESDAY, 10, 50), at(TUESDAY, 11, 10))


def test_lesson_time_is_not_free_time(school, year_2026):
    assert window_at(school, at(TUESDAY, 9, 30)) is None
    assert not is_free_time(school, at(TUESDAY, 14, 0))


def test_a_window_ends_at_its_end_time(school, year_2026):
    assert window_at(school, at(TUESDAY, 11, 9)) is not None
    assert window_at(school, at(TUESDAY, 11, 10)) is None


def test_a_meeting_running_past_the_window_is_refused(school, year_2026):
    assert not is_free_time(school, at(TUESDAY, 11, 0), at(TUESDAY, 11, 20))


def test_weekends_half_term_and_holidays_are_never_free_time(school, year_2026):
    assert window_at(school, at(dt.date(2026, 11, 14), 10, 55)) is None  # Saturday
    assert window_at(school, at(dt.date(2026, 10, 27), 10, 55)) is None  # half-term
    assert window_at(school, at(dt.date(2026, 12, 29), 10, 55)) is None  # Christmas


def test_utc_times_are_read_on_the_school_clock(school, year_2026):
    # 12 June 2027 is British Summer Time: 11:55 UTC is 12:55 in London, lunch.
    june = dt.date(2027, 6, 8)
    utc_moment = dt.datetime.combine(june, dt.time(11, 55), tzinfo=dt.UTC)
    window = window_at(school, utc_moment)
    assert window is not None and window.kind == SchoolDayWindow.Kind.LUNCH


def test_a_removed_window_is_no_longer_free_time(school, school_admin, year_2026):
    services.set_windows(
        school=school,
        chosen={(TUESDAY.weekday(), SchoolDayWindow.Kind.BREAK): None},
        by=school_admin,
    )
    assert window_at(school, at(TUESDAY, 10, 55)) is None
    assert window_at(school, at(TUESDAY, 13, 0)) is not None


def test_another_schools_windows_do_not_count(school, other_school, year_2026):
    SchoolDayWindow.objects.filter(school=other_school, kind="break").update(
        start_time=dt.time(9, 30)
    )
    assert window_at(school, at(TUESDAY, 9, 45)) is None
    assert window_at(other_school, at(TUESDAY, 9, 45)) is None  # no term set up there


def test_terms_out_of_order_are_refused(school, school_admin):
    terms = default_term_dates(2026)
    with pytest.raises(ValidationError) as error:
        services.set_up_academic_year(
            school=school,
            name="2026–27",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 8, 31),
            terms=[terms[1], terms[0], terms[2]],
            by=school_admin,
        )
    assert services.TERMS_OUT_OF_ORDER in error.value.messages
    assert not Term.objects.exists()


def test_an_overlapping_academic_year_is_refused(school, school_admin, year_2026):
    with pytest.raises(ValidationError) as error:
        services.set_up_academic_year(
            school=school,
            name="2026–27 again",
            starts_on=dt.date(2027, 6, 1),
            ends_on=dt.date(2028, 8, 31),
            terms=default_term_dates(2027),
            by=school_admin,
        )
    assert error.value.messages == [services.YEAR_OVERLAPS.format(name="2026–27")]


def test_a_term_outside_its_year_is_refused(school, school_admin):
    terms = default_term_dates(2026)
    late = TermDates("summer", terms[2].starts_on, dt.date(2027, 9, 10))
    with pytest.raises(ValidationError) as error:
        services.set_up_academic_year(
            school=school,
            name="2026–27",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 8, 31),
            terms=[terms[0], terms[1], late],
            by=school_admin,
        )
    assert services.TERM_OUTSIDE_YEAR in error.value.messages


def test_editing_a_term_writes_its_before_and_after(school, school_admin, year_2026):
    from peermentoring.core.models import AuditEntry

    autumn = year_2026.terms.get(name="autumn")
    services.update_term(
        term=autumn,
        starts_on=dt.date(2026, 9, 2),
        ends_on=autumn.ends_on,
        half_term_starts_on=autumn.half_term_starts_on,
        half_term_ends_on=autumn.half_term_ends_on,
        by=school_admin,
    )
    entry = AuditEntry.objects.get(action="term.updated")
    assert entry.changes == {"starts_on": ["2026-09-03", "2026-09-02"]}
    assert entry.actor == school_admin and entry.school == school
