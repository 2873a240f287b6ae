"""Issue #7, findings 4 and 8 in recruitment: bounded text, plausible dates, bounded numbers,
a rate limit on the tutor's reference page, and a paginated applications list."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peermentoring.recruitment import forms, services, views
from peermentoring.recruitment.models import Application, InterviewScore, TutorReference
from peermentoring.recruitment.tests.conftest import pupil_of, submit
from tests.support import builders
from tests.support.factories import PupilFactory

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"
HUGE = "9" * 30


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def url(name, school, *args):
    return reverse(name, args=[school.slug, *args])


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


# --- Free text has a sensible maximum ---------------------------------------------------


def test_a_two_megabyte_answer_is_refused_and_nothing_saved(school, round_, applicant):
    response = signed_in(applicant).post(
        url("recruitment:apply", school, round_.pk),
        {
            "answer_0": "x" * 2_000_000,
            "answer_1": "I helped my cousin.",
            "answer_2": "Lets you finish.",
            "availability": ["break"],
            "submit": "1",
        },
    )

    assert response.status_code == 200
    assert "at most 3,000 characters" in text(response)
    assert "Up to 3,000 characters" in text(response)  # the limit shown beforehand
    assert not Application.objects.exists()


def tutor_link(round_, applicant, coordinator) -> tuple[TutorReference, str]:
    reference = services.request_reference(
        application=submit(round_, applicant),
        tutor_name="Mr Hewitt",
        tutor_email="hewitt@example.org",
        by=coordinator,
    )
    path = services.reference_link(reference)
    return reference, path[path.index("/reference/") :]


def test_a_two_megabyte_reference_is_refused(client, round_, applicant, coordinator):
    reference, path = tutor_link(round_, applicant, coordinator)

    response = client.post(path, {"text": "x" * 2_000_000})

    assert response.status_code == 200
    assert "at most 5,000 characters" in text(response)
    reference.refresh_from_db()
    assert reference.answered_at is None and reference.text == ""


def test_a_decline_reason_longer_than_a_thousand_characters_is_refused(
    school, round_, applicant, coordinator
):
    application = submit(round_, applicant)

    signed_in(coordinator).post(
        url("recruitment:application-decline", school, application.pk), {"reason": "x" * 1001}
    )

    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_an_interview_comment_longer_than_a_thousand_characters_is_refused(school, coordinator):
    interview = builders.interview_with(school, coordinator)
    scores = {f"score_{i}": "3" for i in range(4)}

    response = signed_in(coordinator).post(
        url("recruitment:interview-score", school, interview.pk), scores | {"comment": "x" * 1001}
    )

    assert response.status_code == 200 and "at most 1,000 characters" in text(response)
    assert not InterviewScore.objects.exists()


def test_a_round_with_a_hundred_questions_is_refused(school, year, coordinator):
    response = signed_in(coordinator).post(
        url("recruitment:round-create", school),
        {
            "academic_year": year.pk,
            "title": "Peer mentors wanted",
            "advert": "Join us",
            "year_group": 9,
            "opens_on": f"{year.starts_on.year + 1}-01-05",
            "closes_on": f"{year.starts_on.year + 1}-02-12",
            "places": 15,
            "reference_question": "Is she kind?",
            "questions_text": "\n".join(f"Question {n}?" for n in range(100)),
            "criteria_text": "Listening",
        },
    )

    assert response.status_code == 200
    assert forms.TOO_MANY_LINES.format(most=forms.MAX_QUESTIONS) in text(response)
    assert not school.recruitment_rounds.exists()


# --- Dates in a plausible range -----------------------------------------------------------


def test_a_round_opening_outside_its_academic_year_is_refused(school, year, coordinator):
    response = signed_in(coordinator).post(
        url("recruitment:round-create", school),
        {
            "academic_year": year.pk,
            "title": "Peer mentors wanted",
            "year_group": 9,
            "opens_on": "2999-01-05",
            "closes_on": "2999-02-12",
            "places": 15,
            "questions_text": "Why?",
            "criteria_text": "Listening",
        },
    )

    assert response.status_code == 200
    assert not school.recruitment_rounds.exists()


def test_an_interview_outside_the_rounds_academic_year_is_refused(
    school, round_, applicant, coordinator, experienced, year
):
    application = services.shortlist(application=submit(round_, applicant), by=coordinator)
    day = year.ends_on + dt.timedelta(days=400)
    while day.weekday() != 1:
        day += dt.timedelta(days=1)

    response = signed_in(coordinator).post(
        url("recruitment:interview-book", school, application.pk),
        {
            "day": day.isoformat(),
            "starts": "10:52",
            "ends": "11:07",
            "location": "Room 12",
            "staff_member": coordinator.pk,
            "panel_pupils": [pupil_of(experienced).pk],
        },
    )

    assert response.status_code == 200
    assert services.INTERVIEW_OUTSIDE_YEAR.format(year=year.name) in text(response)
    assert not hasattr(Application.objects.get(), "interview")


def test_consent_dated_in_the_future_is_refused(school, coordinator):
    application = builders.application(school, Application.Status.ACCEPTED)

    signed_in(coordinator).post(
        url("recruitment:consent-record", school, application.pk),
        {"on": (timezone.localdate() + dt.timedelta(days=30)).isoformat()},
    )

    application.refresh_from_db()
    assert application.parental_consent_on is None


# --- Numbers are bounded ----------------------------------------------------------------------


def test_a_thirty_digit_rank_key_is_ignored_not_a_crash(school, coordinator):
    application = builders.application(school, Application.Status.INTERVIEW_BOOKED)

    response = signed_in(coordinator).post(
        url("recruitment:round-rank", school, application.round_id),
        {f"rank_{HUGE}": "1", f"rank_{application.pk}": "2"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.rank == 2


def test_a_thirty_digit_rank_is_refused_with_a_message(school, coordinator):
    application = builders.application(school, Application.Status.INTERVIEW_BOOKED, rank=3)

    response = signed_in(coordinator).post(
        url("recruitment:round-rank", school, application.round_id),
        {f"rank_{application.pk}": HUGE},
        follow=True,
    )

    assert response.status_code == 200
    assert views.RANK_OUT_OF_RANGE.format(pupil=application.pupil) in text(response)
    application.refresh_from_db()
    assert application.rank == 3


def test_a_rank_naming_another_schools_application_changes_nothing(
    school, other_school, coordinator
):
    ours = builders.application(school, Application.Status.INTERVIEW_BOOKED)
    theirs = builders.application(other_school, Application.Status.INTERVIEW_BOOKED, rank=5)

    signed_in(coordinator).post(
        url("recruitment:round-rank", school, ours.round_id), {f"rank_{theirs.pk}": "1"}
    )

    theirs.refresh_from_db()
    assert theirs.rank == 5


@pytest.mark.parametrize(
    "query", [{"page": HUGE}, {"status": HUGE}, {"sort": HUGE}, {"form_group": "x" * 5000}]
)
def test_thirty_digit_query_parameters_on_the_applications_list_are_not_a_crash(
    school, coordinator, query
):
    application = builders.application(school)

    response = signed_in(coordinator).get(
        url("recruitment:round-detail", school, application.round_id), query
    )

    assert response.status_code == 200


def test_the_applications_list_is_paginated(school, coordinator):
    round_ = builders.open_round_today(school)
    for _ in range(views.APPLICATIONS_PER_PAGE + 5):
        builders.application(school, pupil=PupilFactory(school=school, year_group=9))

    client = signed_in(coordinator)
    first = client.get(url("recruitment:round-detail", school, round_.pk))
    second = client.get(url("recruitment:round-detail", school, round_.pk), {"page": 2})

    assert len(first.context["page"].object_list) == views.APPLICATIONS_PER_PAGE
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 of 2" in text(first)


# --- The tutor's reference page is rate limited ----------------------------------------------


def test_the_reference_page_refuses_too_many_posts_on_one_link(
    client, settings, round_, applicant, coordinator
):
    settings.PUBLIC_FORM_RATE = "2/h"
    _, path = tutor_link(round_, applicant, coordinator)

    answers = [
        client.post(path, {"text": ""}, REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(3)
    ]

    assert answers == [200, 200, 429]


def test_the_reference_page_refuses_too_many_posts_from_one_address(
    client, settings, school, round_, applicant, coordinator
):
    settings.PUBLIC_FORM_RATE = "2/h"
    settings.PER_ADDRESS_RATE = "2/h"
    paths = []
    for name in ("Ava", "Ben", "Cal"):
        pupil = PupilFactory(school=school, given_name=name, year_group=9)
        application = builders.application(school, pupil=pupil)
        reference = services.request_reference(
            application=application,
            tutor_name="Ms Rowe",
            tutor_email="r@example.org",
            by=coordinator,
        )
        link = services.reference_link(reference)
        paths.append(link[link.index("/reference/") :])

    answers = [client.post(path, {"text": ""}).status_code for path in paths]

    assert answers == [200, 200, 429]


def test_reading_the_reference_page_is_not_rate_limited(
    client, settings, round_, applicant, coordinator
):
    settings.PUBLIC_FORM_RATE = "1/h"
    _, path = tutor_link(round_, applicant, coordinator)

    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 200]


def test_thirty_digit_panel_ids_are_refused_not_a_crash(
    school, round_, applicant, coordinator, experienced, interview_slot
):
    application = services.shortlist(application=submit(round_, applicant), by=coordinator)

    response = signed_in(coordinator).post(
        url("recruitment:interview-book", school, application.pk),
        {
            "day": timezone.localtime(interview_slot[0]).date().isoformat(),
            "starts": "10:52",
            "ends": "11:07",
            "location": "Room 12",
            "staff_member": HUGE,
            "panel_pupils": [HUGE, pupil_of(experienced).pk],
        },
    )

    assert response.status_code == 200
    assert not hasattr(Application.objects.get(), "interview")
