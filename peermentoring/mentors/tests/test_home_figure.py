"""The staff home's "Trained peer mentors": this year's trained mentors of the school only."""

from __future__ import annotations

import datetime as dt

import pytest

from peermentoring.core.roles import Role
from peermentoring.mentors.home import trained_mentor_count
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear
from tests.support.factories import MembershipFactory, MentorFactory, UserFactory, this_year

pytestmark = pytest.mark.django_db


def test_only_this_year_s_trained_mentors_of_the_school_are_counted(school, other_school):
    current = this_year(school)
    last = AcademicYear.objects.create(
        school=school,
        name="Last year",
        starts_on=dt.date(current.starts_on.year - 1, 9, 1),
        ends_on=current.starts_on - dt.timedelta(days=1),
    )
    following = AcademicYear.objects.create(
        school=school,
        name="Next year",
        starts_on=current.ends_on + dt.timedelta(days=1),
        ends_on=dt.date(current.ends_on.year + 1, 8, 31),
    )
    MentorFactory.create_batch(2, school=school, status=Mentor.Status.TRAINED)
    MentorFactory(school=school, status=Mentor.Status.IN_TRAINING)
    MentorFactory(school=school, status=Mentor.Status.PAUSED)
    MentorFactory(school=school, status=Mentor.Status.TRAINED, academic_year=last)
    MentorFactory(school=school, status=Mentor.Status.TRAINED, academic_year=following)
    MentorFactory(school=other_school, status=Mentor.Status.TRAINED)
    coordinator = MembershipFactory(user=UserFactory(), school=school, role=Role.COORDINATOR)

    assert trained_mentor_count(coordinator) == 2


def test_with_no_academic_year_no_mentor_is_counted(school):
    coordinator = MembershipFactory(user=UserFactory(), school=school, role=Role.COORDINATOR)

    assert trained_mentor_count(coordinator) == 0
