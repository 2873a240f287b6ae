"""The coordinator's to-do to close the year, in the last four weeks of the summer term."""

from __future__ import annotations

import datetime as dt
import types

import pytest

from peermentoring.core.registry import todo_items
from peermentoring.evaluation import year_home
from peermentoring.evaluation.models import ClosedYear
from peermentoring.evaluation.tests.access_year import academic_year
from peermentoring.schools.models import Membership


def on(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(year_home, "timezone", types.SimpleNamespace(localdate=lambda: day))


@pytest.fixture
def membership(school, coordinator):
    return Membership.objects.select_related("school").get(user=coordinator, school=school)


def test_the_coordinator_is_asked_to_close_the_year_near_the_end_of_the_summer_term(
    monkeypatch, school, membership
):
    year = academic_year(school, 2025)  # the summer term ends on Friday 17 July 2026
    on(monkeypatch, dt.date(2026, 7, 1))

    items = year_home.close_year_items(membership)

    assert [i.label for i in items] == [
        "Close the year 2025–26: end its pairings and keep its annual report"
    ]
    assert items[0].url == f"/s/{school.slug}/evaluation/year/{year.pk}/close/"
    assert items[0].label in [i.label for i in todo_items(membership)]


@pytest.mark.parametrize("day", [dt.date(2026, 6, 19), dt.date(2026, 11, 2)])
def test_not_before_the_last_four_weeks(monkeypatch, school, membership, day):
    academic_year(school, 2025)
    on(monkeypatch, day)

    assert year_home.close_year_items(membership) == []


def test_not_once_the_year_is_closed(monkeypatch, school, membership):
    year = academic_year(school, 2025)
    ClosedYear.objects.create(
        school=school, academic_year=year, next_year=academic_year(school, 2026)
    )
    on(monkeypatch, dt.date(2026, 7, 1))

    assert year_home.close_year_items(membership) == []


def test_outside_june_and_july_it_costs_the_home_page_no_query(
    monkeypatch, school, membership, django_assert_num_queries
):
    on(monkeypatch, dt.date(2026, 11, 2))

    with django_assert_num_queries(0):
        year_home.close_year_items(membership)
