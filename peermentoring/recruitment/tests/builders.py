"""Rows for recruitment and training tests, made directly so any viewer can be placed in them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.roles import STAFF_ROLES
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application, Interview, RecruitmentRound
from peermentoring.schools.factories import PupilFactory, this_year
from peermentoring.schools.models import Membership, School
from peermentoring.training.models import TrainingModule, TrainingSession


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
    return Mentor.objects.create(
        school=school, pupil=pupil, academic_year=this_year(school), **fields
    )


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
