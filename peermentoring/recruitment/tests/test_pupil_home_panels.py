"""A pupil interviewer's home page links to their panels while an interview is undecided."""

from __future__ import annotations

import pytest

from peermentoring.core.roles import Role
from peermentoring.recruitment.models import Application
from peermentoring.schools.tests.views_support import text, url
from tests.support.builders import application, interview_with
from tests.support.factories import pupil_member

pytestmark = pytest.mark.django_db
PANELS = "Your interview panels"


def home(client_for, membership, school) -> str:
    return text(client_for(membership.user).get(url("schools:home", school)))


def test_a_pupil_on_an_undecided_panel_is_shown_the_way_to_it(client_for, school, coordinator):
    interviewer = pupil_member(school, Role.MENTOR, given_name="Kwame", year_group=10)
    interview_with(school, interviewer.user)
    bystander = pupil_member(school, Role.MENTOR, given_name="Esi", year_group=10)

    assert PANELS in home(client_for, interviewer, school)
    assert PANELS not in home(client_for, bystander, school)


def test_the_panel_goes_once_the_round_makes_an_offer(client_for, school, coordinator):
    interviewer = pupil_member(school, Role.MENTOR, given_name="Kwame", year_group=10)
    interview_with(school, interviewer.user)

    application(school, Application.Status.OFFERED)

    assert PANELS not in home(client_for, interviewer, school)


def test_the_panel_goes_once_the_applicant_is_no_longer_waiting(client_for, school, coordinator):
    interviewer = pupil_member(school, Role.MENTOR, given_name="Kwame", year_group=10)
    interview = interview_with(school, interviewer.user)

    Application.objects.filter(pk=interview.application_id).update(
        status=Application.Status.NOT_SUCCESSFUL
    )

    assert PANELS not in home(client_for, interviewer, school)


def test_another_school_s_panel_is_not_shown(client_for, school, other_school, coordinator):
    interviewer = pupil_member(school, Role.MENTOR, given_name="Kwame", year_group=10)
    interview = interview_with(other_school, coordinator)
    interview.panel_pupils.add(interviewer.pupil)

    assert PANELS not in home(client_for, interviewer, school)
