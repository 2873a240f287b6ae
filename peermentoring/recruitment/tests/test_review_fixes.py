"""Holes found in review, each proved first by a failing test: references, ranks, the grid, drafts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peermentoring.recruitment import services
from peermentoring.recruitment.models import Application, TutorReference
from tests.support import builders
from tests.support.factories import PupilFactory


def ask(client, school, application, name, email):
    url = reverse("recruitment:reference-request", args=[school.slug, application.pk])
    return client.post(url, {"tutor_name": name, "tutor_email": email})


def test_asking_again_makes_the_first_reference_link_useless(school, coordinator, client_for):
    application = builders.application(school)
    staff = client_for(coordinator)
    ask(staff, school, application, "Mr Wrong", "wrong@example.org")
    first_token = services.reference_link(TutorReference.objects.get()).rsplit("/", 2)[-2]
    ask(staff, school, application, "Mrs Right", "right@example.org")
    staff.logout()

    page = reverse("tutor-reference", kwargs={"token": first_token})
    staff.post(page, {"text": "Written by whoever had the old link"})

    reference = TutorReference.objects.get()
    assert reference.text == "" and reference.answered_at is None
    new_token = services.reference_link(reference).rsplit("/", 2)[-2]
    assert staff.get(reverse("tutor-reference", kwargs={"token": new_token})).status_code == 200


def test_a_reference_already_given_cannot_be_asked_for_again(school, coordinator, client_for):
    application = builders.application(school)
    staff = client_for(coordinator)
    ask(staff, school, application, "Mr Adeyemi", "a@example.org")
    services.give_reference(reference=TutorReference.objects.get(), text="Kind and reliable.")

    ask(staff, school, application, "Ms Byrne", "b@example.org")

    reference = TutorReference.objects.get()
    assert (reference.tutor_name, reference.text) == ("Mr Adeyemi", "Kind and reliable.")


def test_the_training_grid_costs_the_same_queries_for_ten_trainees_as_for_two(
    school, coordinator, client_for
):
    year = builders.this_year(school)
    url = reverse("training:grid", args=[school.slug]) + f"?year={year.pk}"
    client = client_for(coordinator)
    counts = []
    for trainees in (2, 8):
        for _ in range(trainees):
            builders.mentor_in(school, pupil=PupilFactory(school=school, year_group=10))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("year", ["abc", "²", "-1"])
def test_a_cohort_that_is_not_a_number_shows_this_cohort(school, coordinator, client_for, year):
    client = client_for(coordinator)
    for name in ("training:grid", "training:badge-list"):
        assert client.get(reverse(name, args=[school.slug]) + f"?year={year}").status_code == 200


def test_a_rank_in_superscript_digits_is_ignored_not_a_crash(school, coordinator, client_for):
    application = builders.application(school, Application.Status.INTERVIEW_BOOKED)
    url = reverse("recruitment:round-rank", args=[school.slug, application.round_id])
    response = client_for(coordinator).post(url, {f"rank_{application.pk}": "²"})
    assert response.status_code == 302


def test_staff_cannot_open_a_pupils_unsubmitted_draft(school, coordinator, client_for):
    draft = builders.application(school, Application.Status.DRAFT)
    url = reverse("recruitment:application-detail", args=[school.slug, draft.pk])
    assert client_for(coordinator).get(url).status_code == 404
