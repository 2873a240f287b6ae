"""The coordinator's pages and the mentor's "log a meeting" make the same number of
queries for a school of 2 pairings and one of 30 with a year of meetings (~3,000)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peermentoring.meetings import services
from peermentoring.meetings.bench import add_year_of_meetings
from tests.support.meetings import at, pairing_in, window

# Tuesday 14 July 2026, 13:00: the summer term's last week, a year of meetings behind.
LATE_IN_THE_YEAR = dt.datetime(2026, 7, 14, 13, 0)
FIRST_DAY = dt.date(2025, 9, 15)
# Measured: 10 or 11 a page (session, membership cache, the school, its rows); one spare.
BUDGET = {"staff-overview": 12, "staff-week": 12, "staff-pairing": 12, "log": 12}


def pages(school, pairing):
    slug = {"school_slug": school.slug}
    return {
        "staff-overview": reverse("meetings:staff-overview", kwargs=slug),
        "staff-week": reverse("meetings:staff-week", kwargs=slug),
        "staff-pairing": reverse(
            "meetings:staff-pairing", kwargs=slug | {"pairing_pk": pairing.pk}
        ),
        "log": reverse("meetings:log", kwargs=slug),
    }


def queries(client, address):
    client.get(address)  # the first request fills the caches every later one reuses
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured.captured_queries)


def small_school(school, mentor):
    """The mentor's pairing and one other, one meeting each (so every list has a row)."""
    own = pairing_in(school, mentor_pupil=mentor.memberships.get().pupil)
    other = pairing_in(school)
    for pairing in (own, other):
        services.log_meeting(
            pairing=pairing, held_on=dt.date(2026, 7, 7), window=window(school, 1, "lunch"), by=None
        )
    return own


def a_year_of_meetings(school):
    """28 more pairings, and a year of meetings for all 30 (~3,000), some weekly counts."""
    from peermentoring.matching.models import Pairing

    others = [pairing_in(school) for _ in range(28)]
    everyone = list(Pairing.objects.for_school(school))
    made = add_year_of_meetings(
        school, everyone, FIRST_DAY, dt.date(2026, 7, 6), random.Random(1), share=0.6
    )
    assert made >= 3000
    for pairing in others[:5]:
        services.record_week_count(pairing=pairing, week_of=dt.date(2026, 6, 29), count=2, by=None)


@pytest.fixture
def late(monkeypatch, settings):
    # Each page's work done afresh: the page cache would otherwise answer the second request.
    settings.PAGE_CACHE_SECONDS = 0
    return at(monkeypatch, LATE_IN_THE_YEAR)


def signed_in(user):
    client = Client()
    client.force_login(user, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    return client


def counts_for(school, clients, pairing):
    # One pass first: the school's membership cache, emptied by any account's change
    # (a sign-in), is filled again for both people before anything is counted.
    for name, address in pages(school, pairing).items():
        clients["mentor" if name == "log" else "coordinator"].get(address)
    return {
        name: queries(clients["mentor" if name == "log" else "coordinator"], address)
        for name, address in pages(school, pairing).items()
    }


def test_each_page_makes_as_few_queries_for_a_year_of_meetings_as_for_none(
    late, school, coordinator, mentor, django_assert_max_num_queries
):
    own = small_school(school, mentor)
    clients = {"coordinator": signed_in(coordinator), "mentor": signed_in(mentor)}
    few = counts_for(school, clients, own)

    a_year_of_meetings(school)
    many = counts_for(school, clients, own)

    assert many == few
    for name, address in pages(school, own).items():
        client = clients["mentor" if name == "log" else "coordinator"]
        with django_assert_max_num_queries(BUDGET[name]):
            assert client.get(address).status_code == 200
