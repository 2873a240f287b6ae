"""A mentee still waiting for a peer mentor is told so, kindly, on their home page."""

from __future__ import annotations

import pytest

from peermentoring.core.roles import Role
from peermentoring.referrals.models import Referral
from peermentoring.schools.tests.views_support import text, url
from tests.support.builders import accepted_referral
from tests.support.factories import pupil_member

pytestmark = pytest.mark.django_db

WAITING = "We are finding you a peer mentor"


def home(client_for, membership, school) -> str:
    return text(client_for(membership.user).get(url("schools:home", school)))


@pytest.fixture
def lily(school):
    return pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7, form_group="7C")


@pytest.mark.parametrize(
    "status", [Referral.Status.NEW, Referral.Status.MORE_INFO, Referral.Status.ACCEPTED]
)
def test_a_mentee_whose_referral_is_open_is_told_we_are_finding_them_a_mentor(
    client_for, school, lily, status
):
    referral = accepted_referral(school, lily.pupil, needs="Worried about the bus")
    Referral.objects.filter(pk=referral.pk).update(status=status)

    page = home(client_for, lily, school)

    assert WAITING in page
    assert "Worried about the bus" not in page


def test_a_mentee_account_with_no_referral_yet_is_told_too(client_for, school, lily):
    assert WAITING in home(client_for, lily, school)


@pytest.mark.parametrize(
    "status", [Referral.Status.MATCHED, Referral.Status.DECLINED, Referral.Status.CLOSED]
)
def test_no_waiting_line_once_nobody_is_looking(client_for, school, lily, status):
    referral = accepted_referral(school, lily.pupil)
    Referral.objects.filter(pk=referral.pk).update(status=status)

    assert WAITING not in home(client_for, lily, school)


def test_a_pupil_who_was_never_told_they_are_a_mentee_is_not_told_here(client_for, school):
    # A "pupil" account with a referral: the school may not have spoken to them yet.
    sam = pupil_member(school, Role.PUPIL, given_name="Sam", year_group=7)
    accepted_referral(school, sam.pupil)

    assert WAITING not in home(client_for, sam, school)
