"""A school in the middle of the 2025-26 autumn term, with a trained mentor paired since
15 September, for the meetings and supervision tests; the school's clock is set by
`at()` so every rule about "today" and "the future" is tested on known dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.schools.calendar import academic_year_name, default_term_dates
from peermentoring.schools.models import AcademicYear, School, SchoolDayWindow
from peermentoring.schools.services import set_up_academic_year
from tests.support.builders import accepted_referral, safeguarding_module
from tests.support.factories import MentorFactory, ModuleCompletionFactory, PupilFactory

# Wednesday 19 November 2025, 13:00: lunch (12:50 to 13:35) has begun.
NOW = dt.datetime(2025, 11, 19, 13, 0)
TRAINED_ON = dt.date(2025, 9, 10)
PAIRED_ON = dt.date(2025, 9, 15)


def year_2025(school: School) -> AcademicYear:
    """2025-26 with its usual terms (autumn 3 Sep to 19 Dec, half-term from 27 Oct)."""
    year = AcademicYear.objects.for_school(school).filter(name=academic_year_name(2025)).first()
    if year is None:
        year = set_up_academic_year(
            school=school,
            name=academic_year_name(2025),
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2026, 8, 31),
            terms=default_term_dates(2025),
            by=None,
        )
    return year


def at(monkeypatch: Any, moment: dt.datetime = NOW) -> dt.datetime:
    """Set the school's clock for the meetings rules; returns the aware moment."""
    aware = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    monkeypatch.setattr("peermentoring.meetings.rules.now", lambda: timezone.localtime(aware))
    return aware


def pairing_in(
    school: School, mentor_pupil: Any = None, mentee_pupil: Any = None, **fields: Any
) -> Pairing:
    """A mentor trained on 10 September 2025, paired since the 15th, in 2025-26."""
    year = year_2025(school)
    if mentor_pupil is None:
        mentor_pupil = PupilFactory(school=school, year_group=10, form_group="10B")
    mentor = MentorFactory(
        school=school, pupil=mentor_pupil, academic_year=year, status=Mentor.Status.TRAINED
    )
    ModuleCompletionFactory(
        mentor=mentor, module=safeguarding_module(school), completed_on=TRAINED_ON
    )
    referral = accepted_referral(school, mentee_pupil)
    return Pairing.objects.create(
        school=school,
        mentor=mentor,
        mentee=referral.pupil,
        referral=referral,
        started_on=fields.pop("started_on", PAIRED_ON),
        **fields,
    )


def window(school: School, weekday: int, kind: str) -> SchoolDayWindow:
    return SchoolDayWindow.objects.get(school=school, weekday=weekday, kind=kind)
