"""A switched-off window of the school day is no one's free time, but their choice is kept.

"None ticked" means free at any window that is on; a referral or mentor whose only
ticked window is switched off is free at none, not at all of them (issue #7, finding 5).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from peermentoring.matching.models import MatchRun, Pairing
from peermentoring.mentors.models import MentorFreeWindow
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import SchoolDayWindow
from tests.support.builders import accepted_referral, make_mentor

pytestmark = pytest.mark.django_db


def switched_off(school, weekday: int = 0, kind: str = "lunch") -> SchoolDayWindow:
    window = SchoolDayWindow.objects.get(school=school, weekday=weekday, kind=kind)
    window.is_active = False
    window.save(update_fields=["is_active"])
    return window


def proposed_reasons(client, school) -> list[str]:
    """Run matching from the page, as the coordinator does, and return the one pair's reasons."""
    response = client.post(reverse("matching:run-start", args=[school.slug]))
    assert response.status_code == 302
    (pair,) = MatchRun.objects.get().proposal["pairs"]
    return pair["reasons"]


def test_a_referral_whose_only_window_is_switched_off_is_not_free_at_every_window(
    client_for, school, coordinator
):
    referral = accepted_referral(school)
    referral.free_windows.add(switched_off(school))
    make_mentor(school)  # ticked nothing: free at any window that is on

    reasons = proposed_reasons(client_for(coordinator), school)

    assert not any(r.startswith("both free") for r in reasons)


def test_a_window_both_chose_does_not_count_once_it_is_switched_off(
    client_for, school, coordinator
):
    lunch = switched_off(school)
    referral = accepted_referral(school)
    referral.free_windows.add(lunch)
    MentorFreeWindow.objects.create(mentor=make_mentor(school), window=lunch)

    reasons = proposed_reasons(client_for(coordinator), school)

    assert not any(r.startswith("both free") for r in reasons)


def test_no_window_ticked_means_any_window_that_is_on(client_for, school, coordinator):
    lunch = switched_off(school)
    accepted_referral(school)
    mentor = make_mentor(school)
    MentorFreeWindow.objects.create(mentor=mentor, window=lunch)
    tuesday_break = SchoolDayWindow.objects.get(school=school, weekday=1, kind="break")
    MentorFreeWindow.objects.create(mentor=mentor, window=tuesday_break)

    reasons = proposed_reasons(client_for(coordinator), school)

    assert "both free Tuesday break" in reasons


def test_editing_a_referral_neither_offers_nor_drops_a_switched_off_window(
    client_for, school, coordinator
):
    lunch = switched_off(school)
    referral = accepted_referral(school)
    referral.free_windows.add(lunch)
    client = client_for(coordinator)
    edit = reverse("referrals:referral-edit", args=[school.slug, referral.pk])

    page = client.get(edit)
    offered = {w.pk for w in page.context["form"].fields["free_windows"].queryset}
    assert lunch.pk not in offered
    assert len(offered) == 14
    assert "Kept while switched off: Monday lunch." in page.text
    tuesday_break = SchoolDayWindow.objects.get(school=school, weekday=1, kind="break")
    data = {"priority": referral.priority, "consent": referral.consent}

    refused = client.post(edit, {**data, "free_windows": [lunch.pk]})
    response = client.post(edit, {**data, "free_windows": [tuesday_break.pk]})

    assert refused.status_code == 200  # a switched-off window cannot be ticked
    assert refused.context["form"].errors["free_windows"]
    assert response.status_code == 302
    chosen = set(Referral.objects.get(pk=referral.pk).free_windows.all())
    assert chosen == {tuesday_break, lunch}  # lunch kept, though it could not be ticked


def test_editing_a_mentor_keeps_their_switched_off_window(client_for, school, coordinator):
    lunch = switched_off(school)
    mentor = make_mentor(school)
    MentorFreeWindow.objects.create(mentor=mentor, window=lunch)
    client = client_for(coordinator)
    edit = reverse("matching:mentor-edit", args=[school.slug, mentor.pk])

    page = client.get(edit)
    assert lunch.pk not in {w.pk for w in page.context["form"].fields["free_windows"].queryset}
    response = client.post(edit, {"capacity": 2, "free_windows": []})

    assert response.status_code == 302
    assert MentorFreeWindow.objects.filter(mentor=mentor, window=lunch).exists()


def test_a_mentor_is_not_told_a_switched_off_window_is_free(client_for, school, mentor):
    lunch = switched_off(school)
    record = make_mentor(school, mentor.memberships.get().pupil)
    referral = accepted_referral(school, given_name="Lily")
    referral.free_windows.add(lunch)
    Pairing.objects.create(school=school, mentor=record, mentee=referral.pupil, referral=referral)

    page = client_for(mentor).get(reverse("meetings:my-mentee", args=[school.slug]))

    assert "Monday lunch" not in page.text
    assert "Tuesday lunch" not in page.text  # not "free at every window" either
