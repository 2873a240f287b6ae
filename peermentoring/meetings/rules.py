"""When a meeting may be logged: each refusal says why in plain words.

A meeting happens only in a free window (AM registration, break or lunch) of a
teaching day of a term: never in lessons, the holidays, half-term, at a weekend or in
the future, on the school's clock (Europe/London). The mentor must have been trained
and the pairing running on that day. `check_meeting_time` is the one check every path
(form, coordinator's correction, bulk entry, command) goes through, in services.py.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from peermentoring.matching.models import Pairing
from peermentoring.mentors.readiness import ready_since
from peermentoring.schools.calendar import term_on
from peermentoring.schools.models import SchoolDayWindow


def now() -> dt.datetime:
    """The school's clock, Europe/London (tests set it)."""
    return timezone.localtime()


def _moment(when: dt.datetime | None) -> dt.datetime:
    return timezone.localtime(when) if when is not None else now()


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def check_day(pairing: Pairing, held_on: dt.date, now: dt.datetime | None = None) -> None:
    """The day is a teaching day of a term, not in the future, with the pair paired."""
    moment = _moment(now)
    if held_on > moment.date():
        raise ValidationError(
            f"{long_date(held_on)} has not happened yet: log a meeting once it has taken place.",
            code="future",
        )
    term = term_on(pairing.school, held_on)
    if term is None:
        raise ValidationError(
            f"{long_date(held_on)} is in the school holidays: meetings happen only in term time.",
            code="holiday",
        )
    if held_on.weekday() >= 5:
        raise ValidationError(
            f"{long_date(held_on)} is a weekend: meetings happen only on school days.",
            code="weekend",
        )
    if not term.is_teaching_day(held_on):
        raise ValidationError(
            f"{long_date(held_on)} is in the {term.get_name_display().lower()} half-term: "
            "meetings happen only on school days.",
            code="half_term",
        )
    if held_on < pairing.started_on or (pairing.ended_on and held_on > pairing.ended_on):
        raise ValidationError(
            f"{pairing.mentor} and {pairing.mentee} were not paired on {long_date(held_on)}.",
            code="not_paired",
        )
    trained = ready_since(pairing.mentor)
    if trained is None:
        raise ValidationError(
            f"{pairing.mentor} has not finished training, so no meeting can be logged yet.",
            code="not_trained",
        )
    if held_on < trained:
        raise ValidationError(
            f"{pairing.mentor} finished training on {long_date(trained)}: "
            "a meeting before that cannot be logged.",
            code="not_trained",
        )


def check_meeting_time(
    pairing: Pairing, held_on: dt.date, window: SchoolDayWindow, now: dt.datetime | None = None
) -> None:
    """Raise a ValidationError saying why this pair cannot have met then."""
    moment = _moment(now)
    if window.school_id != pairing.school_id:
        raise ValidationError("Choose one of your school's break, lunch or registration times.")
    check_day(pairing, held_on, moment)
    if window.weekday != held_on.weekday():
        raise ValidationError(
            f"{long_date(held_on)} is a {held_on:%A}, but {window.label} is on a "
            f"{window.get_weekday_display()}. Choose a time on that day.",
            code="weekday",
        )
    if not window.is_active:
        raise ValidationError(
            f"The school day no longer has {window.label}: choose another time.",
            code="window_off",
        )
    if held_on == moment.date() and window.start_time > moment.time():
        raise ValidationError(
            f"{window.get_kind_display()} has not started yet today: "
            "log the meeting once it has happened.",
            code="future",
        )
