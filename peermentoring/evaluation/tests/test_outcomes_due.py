"""When each check-in and the reflection are asked: one rule for the pupils' pages, their home
cards and the coordinator's list."""

from __future__ import annotations

import datetime as dt

import pytest

from peermentoring.evaluation.models import Response
from peermentoring.evaluation.outcomes_due import (
    check_in_dates,
    due_check_ins,
    end_window_opens,
    reflection_due_on,
    reflection_opens,
)
from peermentoring.evaluation.tests.access_outcomes import answer_with, pairing_of
from peermentoring.matching.models import Pairing
from peermentoring.schools.calendar import default_term_dates
from peermentoring.schools.models import AcademicYear, Term

START, MID, END = Response.Moment.START, Response.Moment.MID, Response.Moment.END
# 2025-26 on the usual calendar: the summer term ends on Friday 17 July 2026.
LAST_DAY = dt.date(2026, 7, 17)
YEAR_ENDS = dt.date(2026, 8, 31)


def _september() -> object:
    return check_in_dates(
        started_on=dt.date(2025, 9, 17), ended_on=None, last_day=LAST_DAY, year_ends_on=YEAR_ENDS
    )


def test_the_end_check_in_opens_on_the_monday_of_the_summer_terms_last_three_weeks():
    assert end_window_opens(LAST_DAY) == dt.date(2026, 6, 29)


def test_a_september_pairing_is_asked_at_the_start_mid_way_in_february_and_at_the_end():
    dates = _september()

    assert dates.due_on(START, dt.date(2025, 9, 17))
    assert not dates.due_on(MID, dt.date(2025, 9, 17))
    assert dates.mid_from == dt.date(2026, 2, 15)
    assert dates.due_on(MID, dt.date(2026, 2, 16)) and dates.due_on(START, dt.date(2026, 2, 16))
    assert not dates.due_on(END, dt.date(2026, 6, 28))
    assert dates.due_on(END, dt.date(2026, 6, 29))
    # Once the end one is asked, the start and mid-way ones are not.
    assert not dates.due_on(START, dt.date(2026, 6, 29))
    assert not dates.due_on(MID, dt.date(2026, 6, 29))
    assert dates.due_on(END, YEAR_ENDS) and not dates.due_on(END, YEAR_ENDS + dt.timedelta(1))


def test_a_pairing_that_ends_early_is_asked_its_end_check_in_from_that_day():
    dates = check_in_dates(
        started_on=dt.date(2025, 9, 17),
        ended_on=dt.date(2025, 12, 5),
        last_day=LAST_DAY,
        year_ends_on=YEAR_ENDS,
    )

    assert dates.due_on(END, dt.date(2025, 12, 5))
    assert not dates.due_on(START, dt.date(2025, 12, 5))
    # Mid-way had not come: a paper one cannot be typed in for it either.
    assert not dates.opened(MID, dt.date(2025, 12, 10))


def test_a_pairing_made_in_the_summer_term_is_asked_at_its_start_then_at_the_end():
    dates = check_in_dates(
        started_on=dt.date(2026, 7, 6), ended_on=None, last_day=LAST_DAY, year_ends_on=YEAR_ENDS
    )

    assert dates.due_on(END, dt.date(2026, 7, 6))
    assert dates.end_from == dt.date(2026, 7, 6)
    assert not dates.due_on(MID, dt.date(2026, 7, 10))


def test_the_reflection_opens_after_the_summer_half_term():
    summer = next(t for t in default_term_dates(2025) if t.name == Term.Name.SUMMER)
    term = Term(
        name=Term.Name.SUMMER,
        starts_on=summer.starts_on,
        ends_on=summer.ends_on,
        half_term_starts_on=summer.half_term_starts_on,
        half_term_ends_on=summer.half_term_ends_on,
    )
    year = AcademicYear(starts_on=dt.date(2025, 9, 1), ends_on=YEAR_ENDS)

    opens = reflection_opens(term)

    assert opens == summer.half_term_ends_on + dt.timedelta(days=1)
    assert not reflection_due_on(term, year, opens - dt.timedelta(days=1))
    assert reflection_due_on(term, year, opens) and reflection_due_on(term, year, YEAR_ENDS)
    assert not reflection_due_on(None, year, opens)


@pytest.mark.django_db
def test_due_check_ins_leaves_out_the_answered_ones_in_one_query(school, django_assert_num_queries):
    answered = pairing_of(school, given_name="Amara")
    waiting = pairing_of(school, given_name="Isla")
    answer_with(answered, START, [3, 3, 3, 3])
    today = answered.started_on

    with django_assert_num_queries(1):
        due = due_check_ins(Pairing.objects.for_school(school), today)

    assert [(d.pairing.pk, d.moment) for d in due] == [(waiting.pk, START)]
