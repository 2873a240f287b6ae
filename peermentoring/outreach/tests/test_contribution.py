"""A mentor's contribution across the year (contribution.py): each figure counted as its own
app counts it, the year's list in a few queries, and the certificate's words."""

from __future__ import annotations

import datetime as dt

import pytest

from peermentoring.dropin.models import Duty
from peermentoring.meetings.models import Meeting
from peermentoring.outreach.contribution import (
    Contribution,
    certificate_lines,
    contributions_for_year,
    number_in_words,
    record_for,
)
from peermentoring.outreach.tests.outreach_support import (
    duty,
    event,
    meeting,
    mentee_of,
    primary_visit,
    trained_mentor,
    week_count,
    year_2024,
    year_2025,
)
from tests.support.factories import MentorFactory, PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kwame(school):
    """A mentor of 2025-26 with a bit of everything, counted and not."""
    mentor = trained_mentor(school, "Kwame")
    pairing = mentee_of(mentor, "Lily")
    meeting(pairing, dt.date(2025, 10, 7))  # Tuesday
    meeting(pairing, dt.date(2025, 10, 14))
    meeting(pairing, dt.date(2025, 10, 16), status=Meeting.Status.MENTEE_ABSENT)
    meeting(pairing, dt.date(2025, 11, 4))
    # "Met 3 times" in the week of 3 November, one of them logged: 3, not 4.
    week_count(pairing, dt.date(2025, 11, 3), 3)
    duty(mentor, dt.date(2025, 11, 5))
    duty(mentor, dt.date(2025, 11, 12))
    duty(mentor, dt.date(2025, 11, 19), attendance=Duty.Attendance.MISSED)
    duty(mentor, dt.date(2025, 11, 26), attendance=Duty.Attendance.ABSENT)
    duty(mentor, dt.date(2025, 12, 3), attendance=Duty.Attendance.EXPECTED)
    primary_visit([mentor], dt.date(2026, 6, 16), status="done")
    primary_visit([mentor], dt.date(2026, 6, 23), status="planned")
    event(school, [mentor], name="Anti-Bullying Week 2025", kind="anti_bullying_week")
    event(school, [mentor], name="Open evening", kind="open_evening")
    event(school, [], name="Celebration")
    return mentor


def test_a_mentors_record_counts_held_meetings_done_duties_done_visits_and_their_events(kwame):
    record = record_for(kwame)

    assert (record.meetings, record.duties, record.visits, record.events) == (5, 2, 1, 2)
    assert [m.held_on.day for m in record.meeting_rows] == [7, 14, 4]
    assert record.meetings_from_counts == 2
    assert {m.pairing.mentee.first_name for m in record.meeting_rows} == {"Lily"}
    assert [d.held_on for d in record.duty_rows] == [dt.date(2025, 11, 5), dt.date(2025, 11, 12)]
    assert [v.visit_on for v in record.visit_rows] == [dt.date(2026, 6, 16)]
    assert [e.name for e in record.event_rows] == ["Anti-Bullying Week 2025", "Open evening"]


def test_a_record_is_of_its_own_academic_year(school, kwame):
    last_year = MentorFactory(
        school=school, pupil=kwame.pupil, academic_year=year_2024(school), status="trained"
    )
    event(school, [last_year], name="Celebration 2025", year=year_2024(school))

    assert record_for(last_year).events == 1
    assert record_for(last_year).meetings == 0
    assert record_for(kwame).events == 2


def test_the_years_list_gives_each_mentor_the_same_figures_as_their_record(school, kwame):
    lily = trained_mentor(school, "Ama")
    duty(lily, dt.date(2025, 11, 6))
    MentorFactory(
        school=school,
        pupil=PupilFactory(school=school, given_name="Ines", year_group=11),
        academic_year=year_2024(school),
    )

    rows = {c.mentor.pupil.given_name: c for c in contributions_for_year(school, year_2025(school))}

    assert set(rows) == {"Kwame", "Ama"}
    record = record_for(kwame)
    k = rows["Kwame"]
    assert (k.meetings, k.duties, k.visits, k.events) == (
        record.meetings,
        record.duties,
        record.visits,
        record.events,
    )
    assert (rows["Ama"].duties, rows["Ama"].meetings) == (1, 0)


def test_another_schools_rows_count_for_nobody_here(school, other_school, kwame):
    owen = trained_mentor(other_school, "Owen")
    duty(owen, dt.date(2025, 11, 5))
    event(other_school, [owen])

    rows = contributions_for_year(school, year_2025(school))

    assert [c.mentor.pupil.given_name for c in rows] == ["Kwame"]
    assert rows[0].duties == 2


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "no"),
        (1, "one"),
        (13, "thirteen"),
        (20, "twenty"),
        (21, "twenty-one"),
        (99, "ninety-nine"),
        (100, "one hundred"),
        (105, "one hundred and five"),
        (342, "three hundred and forty-two"),
        (1000, "one thousand"),
        (2040, "two thousand and forty"),
        (1234, "one thousand two hundred and thirty-four"),
        (1_000_000, "1,000,000"),
    ],
)
def test_numbers_in_words_in_british_english(n, words):
    assert number_in_words(n) == words


def test_the_certificate_says_each_figure_in_words_and_leaves_out_noughts(school):
    mentor = MentorFactory(school=school)
    lines = certificate_lines(
        Contribution(mentor=mentor, meetings=23, duties=1, visits=0, events=2)
    )

    assert lines == [
        "held twenty-three meetings with the pupils they mentored",
        "did one duty in the drop-in room",
        "took part in two events",
    ]
