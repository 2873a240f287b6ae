"""Rows the tests of several apps build: rounds and applications, mentors and their training,
accepted referrals. Made directly, so any viewer can be placed in them.

Mentors and their training are made directly (not through recruitment's or
training's services), as those apps own their workflows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.roles import STAFF_ROLES, Role
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application, Interview, RecruitmentRound
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import Membership, Pupil, School
from peermentoring.training.models import TrainingModule, TrainingSession
from tests.support.factories import (
    MentorFactory,
    ModuleCompletionFactory,
    PupilFactory,
    ReferralFactory,
    pupil_member,
    this_year,
)


def year_6_birthday() -> dt.date:
    """3 February in the year group of the children a primary refers today (they start Year 7
    next September), so dates in tests keep fitting the referral form's check as years pass."""
    from peermentoring.referrals.services import september_starting_year_7

    return dt.date(september_starting_year_7() - 11, 2, 3)


def safeguarding_module(school: School) -> TrainingModule:
    module, _ = TrainingModule.objects.get_or_create(
        school=school,
        order=5,
        defaults={"title": "Ground rules and safeguarding", "is_required": True},
    )
    return module


def make_mentor(
    school: School,
    pupil: Pupil | None = None,
    *,
    trained: bool = True,
    status: str = Mentor.Status.TRAINED,
    capacity: int = 1,
    interests: str = "",
    languages: str = "",
    is_experienced: bool = False,
    **pupil_fields: object,
) -> Mentor:
    """A Year 10 mentor for this year, trained in the required module unless told otherwise."""
    if pupil is None:
        fields = {"year_group": 10, "form_group": "10B", **pupil_fields}
        pupil = PupilFactory(school=school, **fields)
    mentor: Mentor = MentorFactory(
        school=school,
        pupil=pupil,
        status=status,
        capacity=capacity,
        interests=interests,
        languages=languages,
        is_experienced=is_experienced,
    )
    module = safeguarding_module(school)
    if trained:
        ModuleCompletionFactory(mentor=mentor, module=module)
    return mentor


def mentor_with_account(school: School, **kwargs: object) -> tuple[Mentor, object]:
    membership = pupil_member(
        school, Role.MENTOR, year_group=10, form_group="10C", given_name="Kofi"
    )
    return make_mentor(school, membership.pupil, **kwargs), membership.user


def accepted_referral(
    school: School,
    pupil: Pupil | None = None,
    *,
    consent: str = Referral.Consent.GIVEN,
    priority: str = Referral.Priority.ROUTINE,
    interests: str = "",
    languages: str = "",
    needs: str = "",
    **pupil_fields: object,
) -> Referral:
    """A Year 7 pupil's referral, accepted into the matching queue."""
    if pupil is None:
        fields = {"year_group": 7, "form_group": "7C", **pupil_fields}
        pupil = PupilFactory(school=school, **fields)
    referral: Referral = ReferralFactory(
        school=school,
        pupil=pupil,
        consent=consent,
        priority=priority,
        interests=interests,
        languages=languages,
        needs=needs,
    )
    return referral


# --- Recruitment and training rows -----------------------------------------------


def open_round_today(school: School, **fields: Any) -> RecruitmentRound:
    """A round for Year 9 taking applications today (the school's existing one if there is)."""
    existing = RecruitmentRound.objects.for_school(school).first()
    if existing and not fields:
        return existing
    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "opens_on": today - dt.timedelta(days=7),
        "closes_on": today + dt.timedelta(days=7),
    }
    return RecruitmentRound.objects.create(
        school=school, academic_year=this_year(school), **(defaults | fields)
    )


def application(
    school: School, status: str = Application.Status.SUBMITTED, **fields: Any
) -> Application:
    round_ = RecruitmentRound.objects.for_school(school).first() or open_round_today(school)
    pupil = fields.pop("pupil", None) or PupilFactory(
        school=school, given_name="Noor", year_group=9, form_group="9C"
    )
    return Application.objects.create(
        round=round_,
        pupil=pupil,
        status=status,
        submitted_at=None if status == Application.Status.DRAFT else timezone.now(),
        answers=[{"question": q, "answer": "Because I like helping."} for q in round_.questions],
        availability=["break"],
        **fields,
    )


def interview_with(school: School, viewer: Any) -> Interview:
    """An interview whose panel includes the viewer (as staff, or as a pupil interviewer)."""
    app = application(school, Application.Status.INTERVIEW_BOOKED)
    start = timezone.now()
    membership = Membership.objects.filter(user=viewer).first()
    is_staff = membership is None or membership.role in STAFF_ROLES or membership.pupil is None
    interview = Interview.objects.create(
        application=app,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=15),
        staff_member=viewer
        if is_staff
        else viewer.__class__.objects.exclude(pk=viewer.pk).first() or viewer,
    )
    if not is_staff:
        interview.panel_pupils.add(membership.pupil)
    return interview


def mentor_in(school: School, **fields: Any) -> Mentor:
    pupil = fields.pop("pupil", None) or PupilFactory(
        school=school, given_name="Ayo", year_group=10, form_group="10A"
    )
    mentor: Mentor = MentorFactory(school=school, pupil=pupil, **fields)
    return mentor


def module_in(school: School) -> TrainingModule:
    order = TrainingModule.objects.for_school(school).count() + 1
    return TrainingModule.objects.create(
        school=school, order=order, title="Ground rules and safeguarding", is_required=True
    )


def session_in(school: School) -> TrainingSession:
    session = TrainingSession.objects.create(
        school=school,
        academic_year=this_year(school),
        title="Training day 1",
        held_on=timezone.localdate(),
    )
    session.modules.add(module_in(school))
    return session
