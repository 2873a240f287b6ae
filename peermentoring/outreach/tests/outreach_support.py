"""Rows and pictures the events, contributions and board tests build: a school in 2025-26
(and 2024-25), trained mentors with meetings, duties, visits and events, and pictures."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from peermentoring.dropin.models import Duty
from peermentoring.dropin.tests.board_support import room_of, rota, trained_mentor
from peermentoring.matching.models import Pairing
from peermentoring.meetings.models import Meeting, WeekCount
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.models import Event, PrimaryVisit
from peermentoring.schools.calendar import academic_year_name, default_term_dates
from peermentoring.schools.models import AcademicYear, School
from peermentoring.schools.services import set_up_academic_year
from tests.support.factories import (
    EventFactory,
    PairingFactory,
    PrimaryVisitFactory,
    PupilFactory,
)
from tests.support.meetings import window, year_2025

__all__ = ["trained_mentor", "year_2025"]


def year_2024(school: School) -> AcademicYear:
    """2024-25 with its usual terms: the year before the tests' "this year"."""
    year = AcademicYear.objects.for_school(school).filter(name=academic_year_name(2024)).first()
    if year is None:
        year = set_up_academic_year(
            school=school,
            name=academic_year_name(2024),
            starts_on=dt.date(2024, 9, 1),
            ends_on=dt.date(2025, 8, 31),
            terms=default_term_dates(2024),
            by=None,
        )
    return year


def poster_jpeg(size: tuple[int, int] = (400, 300)) -> bytes:
    """A real JPEG of noise (nothing a camera took)."""
    image = Image.effect_noise(size, 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def mentee_of(mentor: Mentor, given_name: str = "Lily") -> Pairing:
    pairing: Pairing = PairingFactory(
        school=mentor.school,
        mentor=mentor,
        referral__pupil=PupilFactory(school=mentor.school, given_name=given_name, year_group=7),
        started_on=dt.date(2025, 9, 15),
    )
    return pairing


def meeting(
    pairing: Pairing, day: dt.date, status: str = Meeting.Status.HAPPENED, kind: str = "break"
) -> Meeting:
    return Meeting.objects.create(
        school=pairing.school,
        pairing=pairing,
        held_on=day,
        window=window(pairing.school, day.weekday(), kind),
        status=status,
    )


def week_count(pairing: Pairing, monday: dt.date, count: int) -> WeekCount:
    return WeekCount.objects.create(
        school=pairing.school, pairing=pairing, week_of=monday, count=count
    )


def duty(mentor: Mentor, day: dt.date, attendance: str = Duty.Attendance.DONE) -> Duty:
    school = mentor.school
    the_rota = rota(school)
    return Duty.objects.create(
        school=school,
        rota=the_rota,
        room=room_of(school),
        window=window(school, day.weekday(), "lunch"),
        held_on=day,
        mentor=mentor,
        attendance=attendance,
    )


def primary_visit(
    mentors: list[Mentor], day: dt.date = dt.date(2026, 6, 16), status: str = "done"
) -> PrimaryVisit:
    visit: PrimaryVisit = PrimaryVisitFactory(school=mentors[0].school, visit_on=day, status=status)
    visit.mentors.set(mentors)
    return visit


def event(
    school: School, mentors: list[Mentor] = (), year: AcademicYear | None = None, **fields: object
) -> Event:
    year = year or year_2025(school)
    made: Event = EventFactory(school=school, academic_year=year, **fields)
    made.mentors.set(mentors)
    return made
