"""The page a primary's contact answers a visit's plan on, without signing in (the access
table's PUBLIC entry): the plan in plain words, one answer per link, a link of another school
or visit, tampered, expired or used says so, no referrer to other sites, no caching, posts rate-limited, the
coordinator told, and the token kept out of the access logs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from peermentoring.core.models import Notification
from peermentoring.core.privacy import loggable_path
from peermentoring.outreach.models import PrimaryVisit
from peermentoring.outreach.tests.visit_support import (
    clock,
    plan,
    plan_email,
    token_in_email,
    trained,
)
from tests.support.factories import PrimaryVisitFactory
from tests.support.meetings import year_2025

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer(monkeypatch, school):
    clock(monkeypatch)
    year_2025(school)


@pytest.fixture
def token(school, coordinator):
    plan(school, coordinator, mentors=[trained(school)], send=True)
    return token_in_email(plan_email())


def url(token: str, slug: str = "oakbrook") -> str:
    return reverse("outreach:visit-plan", kwargs={"school_slug": slug, "token": token})


def test_the_plan_is_shown_in_plain_words_without_signing_in(client, token):
    response = client.get(url(token))

    assert response.status_code == 200
    page = response.text
    assert "A visit from Oakbrook Academy's peer mentors" in page
    assert "Tuesday 16 June 2026, 13:00 to 14:00" in page
    assert "1 peer mentor, with Mrs Hewitt" in page
    assert "What secondary school is like" in page
    assert "Kwame" not in page and "Mensah" not in page
    # Sent to no other site; not "no-referrer", under which the browser's post of the form
    # carries `Origin: null` and is refused by the CSRF check.
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_confirming_thanks_them_tells_the_coordinator_and_uses_the_link(client, token, coordinator):
    response = client.post(url(token), {"answer": "confirm"})

    assert response.status_code == 200
    assert "the visit on Tuesday 16 June 2026, 13:00 to 14:00, is confirmed" in response.text
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.CONFIRMED
    assert Notification.objects.get(recipient=coordinator).title.startswith(
        "Meadowside Primary School confirmed the visit"
    )
    again = client.get(url(token))
    assert again.status_code == 410
    assert "This link has already been used" in again.text


def test_asking_for_another_date_with_a_note(client, token):
    response = client.post(
        url(token),
        {"answer": "other_date", "suggested_date": "2026-06-23", "note": "SATs week."},
    )

    assert response.status_code == 200
    assert "you would like another date, Tuesday 23 June 2026" in response.text
    visit = PrimaryVisit.objects.get()
    assert (visit.status, visit.suggested_date, visit.answer_note) == (
        PrimaryVisit.Status.OTHER_DATE,
        dt.date(2026, 6, 23),
        "SATs week.",
    )


def test_a_double_click_gives_one_answer(client, token, coordinator):
    first = client.post(url(token), {"answer": "confirm"})
    second = client.post(url(token), {"answer": "confirm"})

    assert first.status_code == 200
    assert second.status_code == 410
    assert "already been used" in second.text
    assert Notification.objects.filter(recipient=coordinator).count() == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "Choose whether you can have the visit, or would like another date."),
        ({"answer": "other_date"}, "Give the date you would like instead."),
        ({"answer": "other_date", "suggested_date": "16/13/2026"}, "Give a real date"),
        ({"answer": "confirm", "note": "x" * 1001}, "at most 1,000 characters"),
    ],
)
def test_a_bad_answer_is_shown_in_words_and_the_link_still_works(client, token, data, words):
    response = client.post(url(token), data)

    assert response.status_code == 200
    assert words in response.text
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.PLANNED
    assert client.get(url(token)).status_code == 200


def test_a_token_under_another_schools_address_is_not_valid(client, token, other_school):
    response = client.get(url(token, other_school.slug))

    assert response.status_code == 404
    assert "This link is not valid" in response.text
    assert client.post(url(token, other_school.slug), {"answer": "confirm"}).status_code == 404
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.PLANNED


def test_a_school_that_does_not_exist_is_not_valid(client, token):
    assert client.get(url(token, "nowhere")).status_code == 404


def test_a_tampered_token_is_not_valid(client, token):
    response = client.post(url(token[:-2] + "zz"), {"answer": "confirm"})

    assert response.status_code == 404
    assert "This link is not valid" in response.text
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.PLANNED


def test_another_visits_link_does_not_answer_this_one(client, school, token, coordinator):
    from peermentoring.outreach.visit_links import visit_token

    other = PrimaryVisitFactory(school=school, link_nonce="another-nonce")
    response = client.post(url(visit_token(other, other.visit_on)), {"answer": "confirm"})

    assert response.status_code == 200
    other.refresh_from_db()
    assert other.status == PrimaryVisit.Status.CONFIRMED
    # The first visit is untouched by the other's answer.
    assert PrimaryVisit.objects.exclude(pk=other.pk).get().status == PrimaryVisit.Status.PLANNED


def test_an_expired_link_says_so(client, token, monkeypatch):
    clock(monkeypatch, dt.datetime(2026, 6, 17, 9, 0))

    response = client.get(url(token))

    assert response.status_code == 410
    assert "This link has expired" in response.text


def test_posts_are_rate_limited_per_visit_and_per_address(client, settings, token):
    settings.PUBLIC_FORM_RATE = "2/h"
    settings.PER_ADDRESS_RATE = "3/h"

    answers = [client.post(url(token), {"answer": "other_date"}).status_code for _ in range(2)]
    third = client.post(url(token), {"answer": "confirm"}, REMOTE_ADDR="203.0.113.9")

    assert answers == [200, 200]  # refused on the form: no date given
    assert third.status_code == 429
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.PLANNED
    assert client.get(url(token)).status_code == 200


def test_the_token_is_kept_out_of_the_access_logs(token):
    assert loggable_path(url(token)) == "/s/oakbrook/outreach/visit-plan/[token]/"
