"""The referral list narrowed to one urgency, as the home page's to-do items link to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.factories import PupilFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def refer(school, given_name: str, priority: str, status: str = "new"):
    pupil = PupilFactory(school=school, given_name=given_name, year_group=7, form_group="7C")
    return ReferralFactory(school=school, pupil=pupil, priority=priority, status=status)


def test_the_urgent_filter_shows_only_the_urgent_referrals_waiting(client_for, school, dsl):
    refer(school, "Amara", "urgent")
    refer(school, "Bilal", "routine")
    refer(school, "Cerys", "urgent", status="accepted")
    base = reverse("referrals:referral-list", args=[school.slug])

    page = client_for(dsl).get(f"{base}?show=review&priority=urgent").content.decode()

    assert "Waiting for review: urgent only (1)" in page
    assert "Amara" in page
    assert "Bilal" not in page and "Cerys" not in page
    assert 'href="?show=review">Show every referral waiting for review</a>' in page


def test_an_unknown_priority_shows_the_whole_list(client_for, school, coordinator):
    refer(school, "Amara", "urgent")
    refer(school, "Bilal", "routine")
    base = reverse("referrals:referral-list", args=[school.slug])

    page = client_for(coordinator).get(f"{base}?show=review&priority=whenever").content.decode()

    assert "Amara" in page and "Bilal" in page
    assert "urgent only" not in page
