"""Recruitment's cards on a pupil's home page: only adverts they may answer, and no application
card once accepting the place has made them a mentor (the mentor's status card takes over)."""

from __future__ import annotations

import pytest

from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application
from peermentoring.schools.tests.views_support import text, url
from tests.support.builders import application, make_mentor, open_round_today
from tests.support.factories import pupil_member

pytestmark = pytest.mark.django_db


def home(client_for, membership, school) -> str:
    return text(client_for(membership.user).get(url("schools:home", school)))


def test_a_year_7_mentee_is_not_shown_the_year_9_advert(client_for, school):
    round_ = open_round_today(school, title="Become a peer mentor", year_group=9)
    lily = pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7)
    maya = pupil_member(school, Role.PUPIL, given_name="Maya", year_group=9)

    assert url("recruitment:apply", school, round_.pk) not in home(client_for, lily, school)
    assert url("recruitment:apply", school, round_.pk) in home(client_for, maya, school)


def test_an_accepted_place_stops_repeating_once_it_made_a_mentor(client_for, school):
    maya = pupil_member(school, Role.MENTOR, given_name="Maya", year_group=10)
    mentor = make_mentor(school, maya.pupil, trained=False, status=Mentor.Status.IN_TRAINING)
    application(school, Application.Status.ACCEPTED, pupil=maya.pupil, mentor=mentor)

    page = home(client_for, maya, school)

    assert "Your application:" not in page
    assert Application.KIND_WORDS[Application.Status.ACCEPTED] not in page
    assert "You are training to be a peer mentor" in page
