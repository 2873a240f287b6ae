"""manage.py term_report: text, CSV and JSON of the same report as the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from peermentoring.evaluation import figures
from peermentoring.evaluation.outcomes_figures import outcome_summary
from peermentoring.meetings.models import Meeting
from peermentoring.schools.models import SchoolDayWindow
from tests.support.factories import (
    AcademicYearFactory,
    MeetingFactory,
    PairingFactory,
    TermFactory,
    WeekCountFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def autumn(school):
    year = AcademicYearFactory(
        school=school, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 8, 31)
    )
    term = TermFactory(
        academic_year=year, starts_on=dt.date(2025, 9, 3), ends_on=dt.date(2025, 12, 19)
    )
    pairing = PairingFactory(school=school)
    lunch = SchoolDayWindow.objects.get(school=school, weekday=1, kind="lunch")
    for week in range(3):
        MeetingFactory(
            school=school,
            pairing=pairing,
            window=lunch,
            held_on=dt.date(2025, 9, 9) + dt.timedelta(weeks=week),
        )
    MeetingFactory(
        school=school,
        pairing=pairing,
        window=lunch,
        held_on=dt.date(2025, 10, 7),
        status=Meeting.Status.MENTEE_ABSENT,
        minutes=None,
        mood=None,
    )
    # "Met 3 times" in a week with one logged: two more.
    WeekCountFactory(school=school, pairing=pairing, week_of=dt.date(2025, 9, 8), count=3)
    return term


def _run(*args: str) -> str:
    out = StringIO()
    call_command("term_report", *args, stdout=out)
    return out.getvalue()


def test_json_prints_one_object_with_meetings_held_at_the_top(school, autumn):
    data = json.loads(_run("--school", school.slug, "--term", "autumn-2025", "--format", "json"))
    assert data["meetings_held"] == 5
    assert data["meetings_itemised"] == 3 and data["meetings_bulk_reported"] == 2
    assert data["meetings_did_not_happen"] == 1
    assert data["span"] == {
        "first": "2025-09-03",
        "last": "2025-12-19",
        "label": "Autumn term 2025–26",
        "key": "autumn-2025",
    }
    assert data["sentence"] == (
        "From September to December there were 5 meetings between our peer mentors and "
        "their mentees."
    )
    assert data["by_week"][0] == {
        "week": "2025-09-01",
        "itemised": 0,
        "bulk": 0,
        "held": 0,
        "dropin": 0,
    }
    span = figures.Span.for_term(autumn)
    outcomes = data.pop("outcomes")
    assert data == json.loads(json.dumps(figures.report(school, span).as_dict()))
    assert outcomes == json.loads(
        json.dumps(outcome_summary(school, span.first, span.last).as_dict())
    )


def test_text_and_csv_say_the_same(school, autumn):
    text = _run("--school", school.slug, "--term", "autumn-2025")
    assert "Autumn term 2025–26" in text
    assert "From September to December there were 5 meetings" in text
    line = next(x for x in text.splitlines() if x.startswith("One-to-one meetings that happened"))
    assert line.split()[-1] == "5"
    rows = list(
        csv.reader(
            io.StringIO(_run("--school", school.slug, "--term", "autumn-2025", "--format", "csv"))
        )
    )
    assert ["One-to-one meetings that happened", "5"] in rows
    assert ["Meetings by time of day"] in rows
    assert ["Lunch", "3"] in rows and ["Reported as a count (no window)", "2"] in rows
    # The year and any dates give the same meetings here.
    year = json.loads(_run("--school", school.slug, "--year", "2025-26", "--format", "json"))
    dates = json.loads(
        _run(
            "--school",
            school.slug,
            "--from",
            "2025-09-01",
            "--to",
            "2025-12-31",
            "--format",
            "json",
        )
    )
    assert year["meetings_held"] == dates["meetings_held"] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--school", "nowhere", "--term", "autumn-2025"], "No school with the slug 'nowhere'"),
        (["--term", "winter-2025"], "is not a term"),
        (["--term", "spring-2025"], "has no spring term starting in 2025"),
        (["--term", "autumn-" + "9" * 30], "is not a term"),
        (["--year", "1999-00"], "has no academic year"),
        (["--from", "2025-12-01", "--to", "2025-09-01"], "The last day must be on or after"),
        (["--from", "2025-13-01", "--to", "2025-12-01"], "is not a date"),
        (["--from", "2025-09-01"], "Give both --from and --to."),
        ([], "Give one of --term, --year"),
        (["--term", "autumn-2025", "--year", "2025-26"], "Give one of --term, --year"),
    ],
)
def test_unknown_school_or_term_is_a_clear_error(school, autumn, args, message):
    if "--school" not in args:
        args = ["--school", school.slug, *args]
    with pytest.raises(CommandError, match=message):
        _run(*args)
