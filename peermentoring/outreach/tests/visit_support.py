"""A school in the 2025-26 summer term with its feeder primaries and trained mentors, for the
visits' tests. The school's clock is set by `clock()` (Monday 1 June 2026, 9:00), and the
visit most tests plan is on Tuesday 16 June 2026, 13:00 to 14:00 (lunch, then lessons)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from peermentoring.core.models import OutboundEmail, User
from peermentoring.dropin.models import Duty, Room, Rota
from peermentoring.mentors.models import Mentor
from peermentoring.outreach import visit_links, visit_services
from peermentoring.outreach.models import PrimaryVisit
from peermentoring.schools.models import FeederPrimary, School, SchoolDayWindow
from peermentoring.training.models import TrainingModule
from tests.support.builders import safeguarding_module
from tests.support.factories import (
    FeederPrimaryFactory,
    MentorFactory,
    ModuleCompletionFactory,
    PupilFactory,
)
from tests.support.meetings import at, year_2025

NOW = dt.datetime(2026, 6, 1, 9, 0)  # Monday 1 June 2026, summer term after half-term
TODAY = NOW.date()
DAY = dt.date(2026, 6, 16)  # Tuesday
SATURDAY = dt.date(2026, 6, 13)
HALF_TERM = dt.date(2026, 5, 27)
HOLIDAY = dt.date(2026, 8, 4)
ONE = dt.time(13, 0)
TWO = dt.time(14, 0)


def clock(monkeypatch: Any, moment: dt.datetime = NOW) -> dt.datetime:
    return at(monkeypatch, moment)


def primary(school: School, name: str = "Meadowside Primary School", **fields: Any) -> Any:
    fields.setdefault("contact_email", "year6@meadowside.example")
    return FeederPrimaryFactory(school=school, name=name, **fields)


def trained(
    school: School, given_name: str = "Kwame", family_name: str = "Mensah", **fields: Any
) -> Mentor:
    """A trained Year 10 mentor of 2025-26, every required module done."""
    pupil = PupilFactory(
        school=school,
        given_name=given_name,
        family_name=family_name,
        year_group=10,
        form_group="10B",
    )
    fields.setdefault("academic_year", year_2025(school))
    fields.setdefault("status", Mentor.Status.TRAINED)
    mentor: Mentor = MentorFactory(school=school, pupil=pupil, **fields)
    ModuleCompletionFactory(
        mentor=mentor, module=safeguarding_module(school), completed_on=dt.date(2025, 9, 10)
    )
    return mentor


def untrained_module(school: School) -> TrainingModule:
    """A second required module nobody has done yet: every mentor now lacks it."""
    module, _ = TrainingModule.objects.get_or_create(
        school=school, order=6, defaults={"title": "Listening skills", "is_required": True}
    )
    return module


def plan(school: School, by: User, **fields: Any) -> PrimaryVisit:
    """A visit on Tuesday 16 June, 13:00 to 14:00, released from lessons (to Meadowside,
    unless a primary is given); nothing sent unless asked."""
    if "primary" not in fields:
        fields["primary"] = FeederPrimary.objects.filter(school=school).first() or primary(school)
    fields.setdefault("visit_on", DAY)
    fields.setdefault("starts_at", ONE)
    fields.setdefault("ends_at", TWO)
    fields.setdefault("released_from_lessons", True)
    fields.setdefault("plan", "What secondary school is like; lunch; finding your way.")
    fields.setdefault("staff_name", "Mrs Hewitt")
    return visit_services.plan_visit(school=school, by=by, **fields)


def token_for(visit: PrimaryVisit, today: dt.date = TODAY) -> str:
    visit.refresh_from_db()
    return visit_links.visit_token(visit, visit_links.link_expires_on(visit, today))


def token_in_email(email: OutboundEmail) -> str:
    found = re.search(r"/visit-plan/([^/\s]+)/", email.body)
    assert found is not None, email.body
    return found.group(1)


def plan_email(to: str = "year6@meadowside.example") -> OutboundEmail:
    return OutboundEmail.objects.filter(to_address=to).order_by("-pk").first()


def window(school: School, weekday: int, kind: str) -> SchoolDayWindow:
    return SchoolDayWindow.objects.get(school=school, weekday=weekday, kind=kind)


def on_duty(mentor: Mentor, day: dt.date, kind: str, **fields: Any) -> Duty:
    """The mentor on duty in the school's room at that window of the day (a published rota)."""
    school = mentor.school
    room, _ = Room.objects.get_or_create(school=school, name="Peer Mentoring room")
    rota = Rota.objects.create(school=school, starts_on=day, ends_on=day)
    return Duty.objects.create(
        school=school,
        rota=rota,
        room=room,
        window=window(school, day.weekday(), kind),
        held_on=day,
        mentor=mentor,
        **fields,
    )
