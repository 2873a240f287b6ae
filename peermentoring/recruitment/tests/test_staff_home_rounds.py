"""The staff's next recruitment step when the year has several rounds at different stages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peermentoring.core.registry import day_words
from peermentoring.core.roles import Role
from peermentoring.recruitment.models import Application
from peermentoring.recruitment.staff_home import next_recruitment_step
from tests.support.factories import (
    ApplicationFactory,
    MembershipFactory,
    RecruitmentRoundFactory,
    UserFactory,
    this_year,
)

pytestmark = pytest.mark.django_db
Status = Application.Status


def on(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def round_with(school, year_group: int, opens: int, closes: int, statuses=()):
    round_ = RecruitmentRoundFactory(
        school=school,
        academic_year=this_year(school),
        year_group=year_group,
        opens_on=on(opens),
        closes_on=on(closes),
    )
    for status in statuses:
        ApplicationFactory(round=round_, status=status)
    return round_


def test_each_round_says_its_own_next_step_in_order_counting_its_own_applications(
    school, other_school
):
    today = timezone.localdate()
    round_with(school, 8, opens=5, closes=30)
    open_now = round_with(
        school, 9, opens=-7, closes=7, statuses=[Status.SUBMITTED, Status.SHORTLISTED, Status.DRAFT]
    )
    closed = round_with(
        school,
        10,
        opens=-30,
        closes=-3,
        statuses=[Status.SUBMITTED, Status.INTERVIEW_BOOKED, Status.NOT_SUCCESSFUL, Status.DRAFT],
    )
    # Closed with its offers made: nothing more to do, though one application is undecided.
    round_with(school, 11, opens=-40, closes=-20, statuses=[Status.SUBMITTED, Status.OFFERED])
    round_with(other_school, 9, opens=-7, closes=7, statuses=[Status.SUBMITTED] * 3)
    coordinator = MembershipFactory(user=UserFactory(), school=school, role=Role.COORDINATOR)

    assert [item.label for item in next_recruitment_step(coordinator)] == [
        f"Recruitment (Year 10) closed on {day_words(closed.closes_on, today)}: "
        "2 applications to shortlist, interview and offer places to",
        f"Recruitment (Year 9) is open until {day_words(open_now.closes_on, today)}: "
        "2 applications so far",
        f"Recruitment opens on {day_words(on(5), today)} (Year 8)",
    ]


def test_a_round_with_no_applications_yet_has_none_so_far(school):
    round_ = round_with(school, 9, opens=-1, closes=10)
    coordinator = MembershipFactory(user=UserFactory(), school=school, role=Role.COORDINATOR)

    [item] = next_recruitment_step(coordinator)

    today = timezone.localdate()
    assert item.label == (
        f"Recruitment (Year 9) is open until {day_words(round_.closes_on, today)}: "
        "0 applications so far"
    )
