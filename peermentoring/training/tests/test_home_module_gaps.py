"""The staff's to-do item for required modules, counted per module and per cohort."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear
from peermentoring.training.home import required_module_gaps
from peermentoring.training.models import ModuleCompletion, TrainingModule, TrainingSession
from tests.support.factories import (
    MembershipFactory,
    MentorFactory,
    ModuleCompletionFactory,
    PupilFactory,
    UserFactory,
    this_year,
)

pytestmark = pytest.mark.django_db


def gaps(school) -> list[tuple[str, bool]]:
    membership = MembershipFactory(user=UserFactory(), school=school, role=Role.COORDINATOR)
    return [(item.label, item.urgent) for item in required_module_gaps(membership)]


def module(school, order: int, title: str, required: bool = True) -> TrainingModule:
    return TrainingModule.objects.create(
        school=school, order=order, title=title, is_required=required
    )


def done(mentor: Mentor, module: TrainingModule, status=ModuleCompletion.Status.PRESENT) -> None:
    ModuleCompletionFactory(mentor=mentor, module=module, status=status)


def test_each_required_module_counts_the_mentors_who_have_not_completed_it(school, other_school):
    rules = module(school, 1, "Ground rules")
    listening = module(school, 2, "Listening")
    optional = module(school, 3, "Games", required=False)
    ada, ben, cal, dev = (MentorFactory(school=school) for _ in range(4))
    done(ada, rules)
    done(ada, listening)
    done(ben, rules, ModuleCompletion.Status.CAUGHT_UP)
    done(cal, rules, ModuleCompletion.Status.ABSENT)  # absent: not completed
    done(cal, optional)
    done(dev, listening)
    MentorFactory(school=school, status=Mentor.Status.PAUSED)  # not serving: not counted
    stranger = MentorFactory(school=other_school)
    done(stranger, module(other_school, 1, "Ground rules"))

    assert gaps(school) == [
        (
            "2 trainees have not completed module 1 “Ground rules”, needed before any mentoring",
            True,
        ),
        ("2 trainees have not completed module 2 “Listening”, needed before any mentoring", True),
    ]


def test_last_year_s_mentors_are_not_counted(school):
    rules = module(school, 1, "Ground rules")
    current = this_year(school)
    last = AcademicYear.objects.create(
        school=school,
        name="Last year",
        starts_on=dt.date(current.starts_on.year - 1, 9, 1),
        ends_on=current.starts_on - dt.timedelta(days=1),
    )
    MentorFactory(school=school, academic_year=last)
    done(MentorFactory(school=school), rules)

    assert gaps(school) == []


def test_next_year_s_trainees_count_once_their_session_for_the_module_is_held(school):
    rules = module(school, 1, "Ground rules")
    listening = module(school, 2, "Listening")
    current = this_year(school)
    start = current.ends_on.year
    next_year = AcademicYear.objects.create(
        school=school,
        name="Next year",
        starts_on=dt.date(start, 9, 1),
        ends_on=dt.date(start + 1, 8, 31),
    )
    for _ in range(3):
        Mentor.objects.create(
            school=school, pupil=PupilFactory(school=school, year_group=9), academic_year=next_year
        )
    MentorFactory(school=school)  # this year's, lacking both: urgent
    session = TrainingSession.objects.create(
        school=school,
        academic_year=next_year,
        title="Day one",
        held_on=timezone.localdate() - dt.timedelta(days=1),
    )
    session.modules.add(listening)
    upcoming = TrainingSession.objects.create(
        school=school, academic_year=next_year, title="Day two", held_on=timezone.localdate()
    )
    upcoming.modules.add(rules)

    assert gaps(school) == [
        ("1 trainee has not completed module 1 “Ground rules”, needed before any mentoring", True),
        ("4 trainees have not completed module 2 “Listening”, needed before any mentoring", True),
    ]
