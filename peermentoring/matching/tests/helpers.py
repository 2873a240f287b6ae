"""Rows for matching tests: a current academic year, trained mentors and accepted referrals.

Mentors and their training are made directly (not through recruitment's or
training's services), as those apps own their workflows.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.referrals.models import Referral
from peermentoring.schools.factories import PupilFactory, pupil_member, this_year
from peermentoring.schools.models import Pupil, School
from peermentoring.training.models import ModuleCompletion, TrainingModule


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
    mentor = Mentor.objects.create(
        school=school,
        pupil=pupil,
        academic_year=this_year(school),
        status=status,
        capacity=capacity,
        interests=interests,
        languages=languages,
        is_experienced=is_experienced,
    )
    module = safeguarding_module(school)
    if trained:
        ModuleCompletion.objects.create(
            mentor=mentor,
            module=module,
            status=ModuleCompletion.Status.PRESENT,
            completed_on=timezone.localdate(),
        )
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
    return Referral.objects.create(
        school=school,
        pupil=pupil,
        source=Referral.Source.STAFF,
        status=Referral.Status.ACCEPTED,
        consent=consent,
        priority=priority,
        interests=interests,
        languages=languages,
        needs=needs,
    )
