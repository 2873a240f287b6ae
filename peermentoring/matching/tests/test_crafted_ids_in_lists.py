"""Issue #7 finding 8, the multi-choice case: a 30-digit id among ticked boxes is a form error.

A single id is bounded by Django itself; a list of ids goes to the database in an
IN (...) clause, which SQLite cannot hold past 2**63-1 and answered with a 500.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from peermentoring.mentors.models import MentorFreeWindow
from peermentoring.referrals.models import Referral
from tests.support.builders import accepted_referral, make_mentor

pytestmark = pytest.mark.django_db
HUGE = "9" * 30


def test_a_30_digit_window_on_a_mentors_free_times_is_refused(client_for, school, coordinator):
    mentor = make_mentor(school)
    url = reverse("matching:mentor-edit", args=[school.slug, mentor.pk])

    response = client_for(coordinator).post(url, {"capacity": "1", "free_windows": [HUGE]})

    assert response.status_code == 200
    assert "not one of the available choices" in response.text
    assert not MentorFreeWindow.objects.filter(mentor=mentor).exists()


@pytest.mark.parametrize("field", ["free_windows", "categories"])
def test_a_30_digit_id_in_a_referrals_ticked_boxes_is_refused(
    field, client_for, school, coordinator
):
    referral = accepted_referral(school)
    url = reverse("referrals:referral-edit", args=[school.slug, referral.pk])

    response = client_for(coordinator).post(
        url, {field: [HUGE], "priority": "routine", "consent": "given"}
    )

    assert response.status_code == 200
    assert "not one of the available choices" in response.text
    assert Referral.objects.get(pk=referral.pk).priority == referral.priority
