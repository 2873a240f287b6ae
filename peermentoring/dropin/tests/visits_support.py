"""A school in the 2025-26 autumn term with its drop-in room, trained mentors and a
published rota, for the visits tests. The clock is set by `tests.support.meetings.at`
(Wednesday 19 November 2025, 13:00: lunch has begun); duties are made with the models
directly, as a published rota would hold them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.dropin.models import Duty, Room, Rota
from peermentoring.dropin.schedule import rooms_for
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import Membership, School, SchoolDayWindow
from tests.support.factories import MentorFactory, pupil_member
from tests.support.meetings import year_2025

WEDNESDAY = dt.date(2025, 11, 19)
TUESDAY = dt.date(2025, 11, 18)
THURSDAY = dt.date(2025, 11, 20)
SATURDAY = dt.date(2025, 11, 15)
HALF_TERM = dt.date(2025, 10, 29)
SUMMER = dt.date(2025, 8, 27)


def room_of(school: School) -> Room:
    """The school's default room: open at break and lunch every day."""
    year_2025(school)
    return rooms_for(school)[0]


def window(school: School, day: dt.date, kind: str) -> SchoolDayWindow:
    return SchoolDayWindow.objects.get(school=school, weekday=day.weekday(), kind=kind)


def mentor_member(
    school: School, given_name: str = "Kwame", status: str = Mentor.Status.TRAINED
) -> tuple[Membership, Mentor]:
    """A pupil with a mentor's account and a 2025-26 mentor record (trained by default)."""
    membership = pupil_member(
        school, Role.MENTOR, given_name=given_name, year_group=10, form_group="10B"
    )
    mentor = MentorFactory(
        school=school, pupil=membership.pupil, academic_year=year_2025(school), status=status
    )
    return membership, mentor


def rota(
    school: School,
    *,
    published: bool = True,
    first: dt.date = dt.date(2025, 11, 3),
    last: dt.date = dt.date(2025, 12, 19),
) -> Rota:
    return Rota.objects.create(
        school=school,
        starts_on=first,
        ends_on=last,
        published_at=timezone.now() if published else None,
    )


def duty(school: School, mentor: Mentor, day: dt.date, kind: str = "lunch", **fields: Any) -> Duty:
    """The mentor on duty in the default room at that window: in `rota` if given, else in a
    published rota of the half-term."""
    the_rota = fields.pop("rota", None) or rota(school)
    return Duty.objects.create(
        school=school,
        rota=the_rota,
        room=fields.pop("room", None) or room_of(school),
        window=window(school, day, kind),
        held_on=day,
        mentor=mentor,
        **fields,
    )
