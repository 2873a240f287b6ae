"""People and rows for recruitment and training tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment import services
from peermentoring.recruitment.tests.slots import break_slot
from peermentoring.schools.models import AcademicYear
from tests.support import builders
from tests.support.factories import PupilFactory, pupil_member


@pytest.fixture
def year(school) -> AcademicYear:
    return builders.this_year(school)


@pytest.fixture
def round_(school, year, coordinator):
    return services.open_round(
        school=school,
        academic_year=year,
        by=coordinator,
        opens_on=timezone.localdate() - dt.timedelta(days=3),
        closes_on=timezone.localdate() + dt.timedelta(days=3),
        places=2,
    )


@pytest.fixture
def applicant(school):
    """Maya, a Year 9 pupil with an account."""
    return pupil_member(school, Role.PUPIL, given_name="Maya", year_group=9, form_group="9B").user


def another_applicant(school, name: str):
    return pupil_member(school, Role.PUPIL, given_name=name, year_group=9, form_group="9D").user


@pytest.fixture
def experienced(school, year):
    """Jordan, in Year 11, who mentored last year: may sit on panels."""
    membership = pupil_member(
        school, Role.PUPIL, given_name="Jordan", year_group=11, form_group="11A"
    )
    earlier = AcademicYear.objects.create(
        school=school,
        name="Earlier",
        starts_on=year.starts_on.replace(year=year.starts_on.year - 1),
        ends_on=year.starts_on - dt.timedelta(days=1),
    )
    Mentor.objects.create(
        school=school, pupil=membership.pupil, academic_year=earlier, status="trained"
    )
    return membership.user


@pytest.fixture
def interview_slot(year):
    """A break-time slot on the next teaching day (interviews are booked ahead)."""
    return break_slot(year)


def submit(round_, user, **overrides):
    membership = user.memberships.get()
    data = {
        "answers": ["I like helping.", "I helped my cousin.", "They let you finish."],
        "availability": ["break", "lunch"],
        "interests": "Football, drawing",
        "languages": "Polish",
        "submit": True,
    } | overrides
    return services.save_application(round=round_, membership=membership, by=user, **data)


def pupil_of(user):
    return user.memberships.get().pupil


def year9_pupil(school, name="Sam"):
    return PupilFactory(school=school, given_name=name, year_group=9)
