"""The outcome change: first to latest check-in per mentee, averaged per cohort, honest about
small numbers; the same figures per school for the trust."""

from __future__ import annotations

import datetime as dt
import json
from statistics import mean

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peermentoring.evaluation.models import Response
from peermentoring.evaluation.outcomes_figures import (
    SMALL_WORDS,
    outcome_by_school,
    outcome_summary,
)
from peermentoring.evaluation.outcomes_services import (
    QuestionFields,
    change_question,
    questionnaire_for,
)
from peermentoring.evaluation.tests.access_outcomes import CHECK_IN, answer_with, pairing_of
from peermentoring.schools.models import School
from tests.support.factories import SchoolFactory, this_year

START, MID, END = Response.Moment.START, Response.Moment.MID, Response.Moment.END


def _span(school: School) -> tuple[dt.date, dt.date]:
    year = this_year(school)
    return year.starts_on, year.ends_on


def _day(school: School, days: int) -> dt.date:
    return this_year(school).starts_on + dt.timedelta(days=days)


def _mentee(school: School, first: list[int], latest: list[int] | None, n: int = 0) -> None:
    pairing = pairing_of(school, started_on=_day(school, 10), given_name=f"Mentee{n}")
    answer_with(pairing, START, list(first), on=_day(school, 12))
    if latest is not None:
        answer_with(pairing, END, list(latest), on=_day(school, 200))


@pytest.mark.django_db
def test_five_mentees_show_averages_per_question_and_overall_from_first_to_latest(
    school, coordinator
):
    starts = [[2, 3, 1, 2], [3, 3, 2, 2], [1, 2, 2, 3], [2, 4, 3, 3], [3, 3, 3, 1]]
    ends = [[4, 4, 3, 3], [3, 5, 3, 4], [3, 2, 4, 4], [2, 5, 3, 4], [2, 4, 3, 2]]
    for n, (first, latest) in enumerate(zip(starts, ends, strict=True)):
        _mentee(school, first, latest, n)

    summary = outcome_summary(school, *_span(school))

    assert (summary.pupils_answered, summary.pupils_compared, summary.small) == (5, 5, False)
    happy = summary.questions[0]
    assert happy.text == "I feel happy at school"
    assert happy.change.pupils == 5
    assert happy.change.first_average == pytest.approx(2.2)
    assert happy.change.latest_average == pytest.approx(2.8)
    assert (happy.change.better, happy.change.same, happy.change.worse) == (2, 2, 1)
    assert happy.change.better_percent == 40
    overall = summary.overall
    assert overall.first_average == pytest.approx(round(mean(mean(s) for s in starts), 2))
    assert overall.latest_average == pytest.approx(round(mean(mean(e) for e in ends), 2))
    assert (overall.better, overall.same, overall.worse) == (5, 0, 0)


@pytest.mark.django_db
def test_fewer_than_five_pupils_are_shown_as_counts_never_as_a_percentage_or_average(school):
    for n in range(4):
        _mentee(school, [2, 2, 2, 2], [4, 4, 4, 4], n)

    summary = outcome_summary(school, *_span(school))
    data = summary.as_dict()

    assert summary.small and data["small"] is True
    assert data["overall"]["pupils"] == 4 and data["overall"]["better"] == 4
    assert data["overall"]["better_percent"] is None
    assert data["overall"]["first_average"] is None
    assert all(
        q["better_percent"] is None and q["latest_average"] is None for q in data["questions"]
    )
    json.dumps(data)  # plain JSON
    page = render_to_string("evaluation/outcomes/_report_section.html", {"outcomes": summary})
    assert SMALL_WORDS in page
    assert "%" not in page


@pytest.mark.django_db
def test_the_fifth_pupil_brings_percentages(school):
    for n in range(5):
        _mentee(school, [2, 2, 2, 2], [4, 4, 4, 4], n)

    page = render_to_string(
        "evaluation/outcomes/_report_section.html",
        {"outcomes": outcome_summary(school, *_span(school))},
    )

    assert SMALL_WORDS not in page
    assert "100% of the 5 mentees compared" in page


@pytest.mark.django_db
def test_a_mentee_with_one_check_in_counts_as_answered_not_compared(school):
    _mentee(school, [3, 3, 3, 3], None)
    _mentee(school, [2, 2, 2, 2], [3, 3, 3, 3], 1)

    summary = outcome_summary(school, *_span(school))

    assert (summary.pupils_answered, summary.pupils_compared) == (2, 1)
    assert summary.overall.pupils == 1


@pytest.mark.django_db
def test_the_latest_check_in_is_the_latest_up_to_the_spans_last_day(school):
    pairing = pairing_of(school, started_on=_day(school, 10))
    answer_with(pairing, START, [1, 1, 1, 1], on=_day(school, 12))
    answer_with(pairing, MID, [3, 3, 3, 3], on=_day(school, 120))
    answer_with(pairing, END, [5, 5, 5, 5], on=_day(school, 300))

    spring = outcome_summary(school, _day(school, 110), _day(school, 130))
    autumn = outcome_summary(school, _day(school, 0), _day(school, 100))

    # Spring: the mid-way check-in in the span, against the start one before it.
    assert (spring.pupils_answered, spring.pupils_compared) == (1, 1)
    assert spring.questions[0].change.better == 1
    # Autumn: only the start one so far.
    assert (autumn.pupils_answered, autumn.pupils_compared) == (1, 0)


@pytest.mark.django_db
def test_a_reworded_question_is_not_compared_with_the_old_words(school, coordinator):
    pairing = pairing_of(school, started_on=_day(school, 10))
    answer_with(pairing, START, [1, 1, 1, 1], on=_day(school, 12))
    happy = questionnaire_for(school, CHECK_IN).questions.current().first()
    change_question(
        question=happy,
        fields=QuestionFields(text="I like coming to school", answer_type="scale", order=1),
        by=coordinator,
    )
    answer_with(pairing, END, [5, 5, 5, 5], on=_day(school, 200))

    summary = outcome_summary(school, *_span(school))
    by_text = {q.text: q.change for q in summary.questions}

    assert by_text["I feel happy at school"].pupils == 0
    assert by_text["I like coming to school"].pupils == 0
    assert by_text["I feel confident"].pupils == 1


@pytest.mark.django_db
def test_another_schools_check_ins_never_count(school, other_school):
    for n in range(5):
        _mentee(other_school, [1, 1, 1, 1], [5, 5, 5, 5], n)

    summary = outcome_summary(school, *_span(school))

    assert (summary.pupils_answered, summary.pupils_compared) == (0, 0)


@pytest.mark.django_db
def test_the_summary_takes_the_same_queries_however_many_mentees(school):
    _mentee(school, [2, 2, 2, 2], [3, 3, 3, 3])
    first, last = _span(school)
    with CaptureQueriesContext(connection) as few:
        outcome_summary(school, first, last)
    for n in range(1, 8):
        _mentee(school, [2, 2, 2, 2], [3, 3, 3, 3], n)
    with CaptureQueriesContext(connection) as many:
        outcome_summary(school, first, last)

    assert len(many) == len(few) == 3


@pytest.mark.django_db
def test_by_school_gives_each_school_its_overall_change_in_one_query(school, other_school):
    for n in range(5):
        _mentee(school, [2, 2, 2, 2], [4, 4, 4, 4], n)
    _mentee(other_school, [3, 3, 3, 3], [2, 2, 2, 2])
    empty = SchoolFactory()
    first, last = _span(school)
    schools = School.objects.filter(pk__in=[school.pk, other_school.pk, empty.pk])

    with CaptureQueriesContext(connection) as queries:
        figures = outcome_by_school(schools, first, last)

    assert len(queries) <= 2
    ours = figures[school.pk]
    assert ours["outcome_pupils_compared"] == 5 and ours["outcome_better_percent"] == 100
    assert ours["outcome_first_average"] == 2.0 and ours["outcome_latest_average"] == 4.0
    theirs = figures[other_school.pk]
    assert theirs["outcome_worse"] == 1 and theirs["outcome_small"] is True
    assert theirs["outcome_better_percent"] is None and theirs["outcome_first_average"] is None
    assert figures[empty.pk]["outcome_pupils_answered"] == 0
    # The same numbers as the school's own summary.
    overall = outcome_summary(school, first, last).overall
    assert ours["outcome_better"] == overall.better
    assert ours["outcome_latest_average"] == overall.latest_average


scores = st.lists(st.integers(min_value=1, max_value=5), min_size=4, max_size=4)


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pupils=st.lists(st.tuples(scores, scores), min_size=1, max_size=9))
def test_the_database_agrees_with_the_arithmetic(db, pupils):
    school = SchoolFactory()
    for n, (first, latest) in enumerate(pupils):
        _mentee(school, first, latest, n)

    summary = outcome_summary(school, *_span(school))

    count = len(pupils)
    assert summary.pupils_compared == count
    for index, question in enumerate(summary.questions):
        befores = [p[0][index] for p in pupils]
        afters = [p[1][index] for p in pupils]
        change = question.change
        assert change.pupils == count
        assert change.better == sum(a > b for b, a in zip(befores, afters, strict=True))
        assert change.worse == sum(a < b for b, a in zip(befores, afters, strict=True))
        if count >= 5:
            assert change.first_average == pytest.approx(round(mean(befores), 2))
            assert change.latest_average == pytest.approx(round(mean(afters), 2))
            assert change.better_percent == round(100 * change.better / count)
        else:
            assert change.first_average is None and change.better_percent is None
    means = [(mean(p[0]), mean(p[1])) for p in pupils]
    assert summary.overall.better == sum(a > b for b, a in means)
    assert summary.overall.same == sum(a == b for b, a in means)


@pytest.mark.django_db
def test_the_download_is_the_pages_table_with_no_average_under_five_pupils(
    school, coordinator, client_for
):
    year = this_year(school)
    for n in range(3):
        # Answered by today: the download runs to today.
        pairing = pairing_of(school, started_on=year.starts_on, given_name=f"Mentee{n}")
        answer_with(pairing, START, [2, 2, 2, 2], on=year.starts_on)
        answer_with(pairing, MID, [4, 4, 4, 4], on=timezone.localdate())
    url = reverse("evaluation:outcomes-download", args=[school.slug])
    client = client_for(coordinator)

    response = client.get(f"{url}?year={year.pk}")
    other = client.get(f"{url}?year={'9' * 30}")

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith('Question,Pupils compared,"First (average, 1-5)"')
    assert lines[1] == "I feel happy at school,3,,,3,0,0,"
    assert lines[-1] == "All the 1-5 questions (each pupil's mean),3,,,3,0,0,"
    assert "Mentee0" not in response.content.decode("utf-8-sig")
    assert other.status_code == 404
    assert client.get(f"{url}?format=xlsx").content[:2] == b"PK"
