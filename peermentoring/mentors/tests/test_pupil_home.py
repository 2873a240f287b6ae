"""A pupil's home page shows one status as a mentor, following the real state:
applied → offered → in training → trained → mentoring → experienced."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application
from peermentoring.schools.models import AcademicYear
from peermentoring.schools.tests.views_support import text, url
from tests.support.builders import accepted_referral, application, make_mentor, this_year
from tests.support.factories import pupil_member

pytestmark = pytest.mark.django_db

# Every heading a status card may carry: the page must show exactly one of them.
STATUS_HEADINGS = (
    "Your application:",
    "Welcome to the peer mentoring team!",
    "You are training to be",
    "You are a peer mentor</h2>",
    "You are an experienced peer mentor</h2>",
    "Your peer mentoring is paused",
    "Thank you for being a peer mentor",
)


def home(client_for, user, school) -> str:
    return text(client_for(user).get(url("schools:home", school)))


def statuses(page: str) -> list[str]:
    return [heading for heading in STATUS_HEADINGS if heading in page]


def year_before(year: AcademicYear) -> AcademicYear:
    return AcademicYear.objects.create(
        school=year.school,
        name="Last year",
        starts_on=year.starts_on.replace(year=year.starts_on.year - 1),
        ends_on=year.starts_on - dt.timedelta(days=1),
    )


def year_after(year: AcademicYear) -> AcademicYear:
    return AcademicYear.objects.create(
        school=year.school,
        name="Next year",
        starts_on=year.ends_on + dt.timedelta(days=1),
        ends_on=year.ends_on.replace(year=year.ends_on.year + 1),
    )


@pytest.fixture
def maya(school):
    """Maya, in Year 10 (form 10A), with a pupil's account."""
    return pupil_member(school, Role.PUPIL, given_name="Maya", year_group=10, form_group="10A")


def test_the_status_follows_maya_from_applying_to_mentoring(client_for, school, maya):
    """One pupil through the year: at each step the page shows one status, today's."""
    year = this_year(school)
    applied = application(school, Application.Status.SUBMITTED, pupil=maya.pupil)
    page = home(client_for, maya.user, school)
    assert statuses(page) == ["Your application:"]
    assert Application.KIND_WORDS[Application.Status.SUBMITTED] in page

    Application.objects.filter(pk=applied.pk).update(status=Application.Status.OFFERED)
    page = home(client_for, maya.user, school)
    assert statuses(page) == ["Your application:"]
    assert "Answer your offer" in page

    mentor = make_mentor(school, maya.pupil, trained=False, status=Mentor.Status.IN_TRAINING)
    Application.objects.filter(pk=applied.pk).update(
        status=Application.Status.ACCEPTED, mentor=mentor
    )
    page = home(client_for, maya.user, school)
    assert statuses(page) == ["You are training to be"]
    assert "training comes next" not in page  # the application's words are history now

    Mentor.objects.filter(pk=mentor.pk).update(status=Mentor.Status.TRAINED)
    page = home(client_for, maya.user, school)
    assert statuses(page) == ["You are a peer mentor</h2>"]
    assert "We will match you with a Year 7 pupil soon" in page

    lily = accepted_referral(school, given_name="Lily", form_group="7C")
    Pairing.objects.create(school=school, mentor=mentor, mentee=lily.pupil, referral=lily)
    page = home(client_for, maya.user, school)
    assert statuses(page) == ["You are a peer mentor</h2>"]
    assert "You are mentoring <strong>Lily</strong> (form 7C)." in page
    assert "We will match you" not in page

    # A year on: last year's mentor, now in Year 11, is an experienced peer mentor.
    Mentor.objects.filter(pk=mentor.pk).update(academic_year=year_before(year))
    Pairing.objects.update(status="ended", ended_on=timezone.localdate(), end_reason="completed")
    page = home(client_for, maya.user, school)
    assert statuses(page) == ["You are an experienced peer mentor</h2>"]


def test_a_trained_mentor_with_two_mentees_is_not_welcomed_as_if_just_accepted(
    client_for, school, maya
):
    """The issue's case: an accepted application from this year's round, a trained mentor,
    two mentees; the page read "Welcome to the team! … training comes next"."""
    mentor = make_mentor(school, maya.pupil, capacity=2)
    application(school, Application.Status.ACCEPTED, pupil=maya.pupil, mentor=mentor)
    for name in ("Lily", "Arjun"):
        referral = accepted_referral(school, given_name=name)
        Pairing.objects.create(
            school=school, mentor=mentor, mentee=referral.pupil, referral=referral
        )

    page = home(client_for, maya.user, school)

    assert "Welcome to the team" not in page and "training comes next" not in page
    assert statuses(page) == ["You are a peer mentor</h2>"]
    assert "<strong>Lily</strong>" in page and "<strong>Arjun</strong>" in page


def test_a_place_accepted_for_next_year_says_when_mentoring_starts(client_for, school, maya):
    year = this_year(school)
    Mentor.objects.create(
        school=school, pupil=maya.pupil, academic_year=year_after(year), status="in_training"
    )

    page = home(client_for, maya.user, school)

    assert statuses(page) == ["Welcome to the peer mentoring team!"]
    assert f"You start mentoring in September {year.ends_on.year}." in page


def test_a_paused_mentor_is_told_so(client_for, school, maya):
    make_mentor(school, maya.pupil, status=Mentor.Status.PAUSED)

    page = home(client_for, maya.user, school)

    assert statuses(page) == ["Your peer mentoring is paused"]


def test_a_mentor_who_stepped_down_is_thanked(client_for, school, maya):
    make_mentor(school, maya.pupil, status=Mentor.Status.STEPPED_DOWN)

    page = home(client_for, maya.user, school)

    assert statuses(page) == ["Thank you for being a peer mentor"]


@pytest.mark.parametrize("role", [Role.PUPIL, Role.MENTOR])
def test_a_year_11_experienced_mentor_is_not_labelled_a_pupil(client_for, school, role):
    jordan = pupil_member(school, role, given_name="Jordan", year_group=11, form_group="11A")
    Mentor.objects.create(
        school=school,
        pupil=jordan.pupil,
        academic_year=year_before(this_year(school)),
        status="trained",
    )

    page = home(client_for, jordan.user, school)

    assert statuses(page) == ["You are an experienced peer mentor</h2>"]
    assert "as a <strong>" not in page  # no bare role ("as a pupil") on a pupil's page
    assert "You are in form 11A." in page


def test_a_pupil_who_never_mentored_has_no_mentor_status(client_for, school, maya):
    page = home(client_for, maya.user, school)

    assert statuses(page) == []


def test_another_schools_mentor_record_is_not_this_schools_status(
    client_for, school, other_school, maya
):
    Mentor.objects.create(
        school=other_school, pupil=maya.pupil, academic_year=this_year(other_school)
    )

    page = home(client_for, maya.user, school)

    assert statuses(page) == []
