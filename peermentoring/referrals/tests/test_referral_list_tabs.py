"""The referral list's tabs count every referral of the school once, and each row links to it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.support.factories import PupilFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def refer(school, given_name: str, status: str, priority: str = "routine"):
    pupil = PupilFactory(school=school, given_name=given_name, family_name="Lee", year_group=7)
    return ReferralFactory(school=school, pupil=pupil, priority=priority, status=status)


def test_the_tabs_count_each_list_and_the_rows_link_to_their_referrals(
    client_for, school, other_school, coordinator
):
    statuses = ["new", "new", "more_info", "accepted", "matched", "declined", "closed", "closed"]
    made = [refer(school, f"Child{i}", status) for i, status in enumerate(statuses)]
    refer(other_school, "Stranger", "new")
    base = reverse("referrals:referral-list", args=[school.slug])
    client = client_for(coordinator)

    pages = {
        show: client.get(f"{base}?show={show}").content.decode()
        for show in ("review", "queue", "done")
    }

    for show, page in pages.items():
        tabs = re.findall(r">([^<>]+) \((\d+)\)<", page)
        assert ("Waiting for review", "3") in tabs, show
        assert ("Matching queue", "1") in tabs, show
        assert ("Matched, declined or closed", "4") in tabs, show
    for show, wanted in [("review", made[:3]), ("queue", made[3:4]), ("done", made[4:])]:
        links = set(re.findall(r'<a href="([^"]+)">Child\d Lee</a>', pages[show]))
        assert links == {
            reverse("referrals:referral-detail", args=[school.slug, r.pk]) for r in wanted
        }, show
