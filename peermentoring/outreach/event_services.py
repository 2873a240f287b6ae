"""The scheme's events: every change goes through here.

An event belongs to one academic year, and its days lie inside that year. Its mentors are
the school's mentors of that year. A school has one Anti-Bullying Week a year (the model's
constraint; refused here first, in words). Two coordinators changing one event at once
cannot overwrite each other: a change names the `version` it was read at, and the second
is told who changed it and when (`StaleEvent`). The "add" form sent twice makes one event
(`submission_key`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import AuditEntry, User
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.models import NOTES_MAX, REACH_MAX, Event
from peermentoring.schools.models import AcademicYear, School

NAME_MAX = 150
AUDIENCE_MAX = 150

NAME_NEEDED = "Give the event a name, for example 'Year 7 assembly'."
NAME_TOO_LONG = f"Keep the event's name to {NAME_MAX} characters (it has {{length}})."
AUDIENCE_TOO_LONG = f"Keep who it was for to {AUDIENCE_MAX} characters (it has {{length}})."
NOTES_TOO_LONG = f"Keep the notes to {NOTES_MAX:,} characters (they have {{length:,}})."
KIND_UNKNOWN = "Choose what kind of event it is."
REACH_OUT_OF_RANGE = f"Give the number of people reached as a whole number from 0 to {REACH_MAX:,}."
LAST_BEFORE_FIRST = "The last day must be on or after the first day."
OUTSIDE_YEAR = "Choose a day within the academic year {year} ({first} to {last})."
NOT_THIS_YEARS_MENTORS = "Choose mentors of this school serving in {year}."
YEAR_NOT_THIS_SCHOOL = "Choose one of this school's academic years."
ANTI_BULLYING_WEEK_TAKEN = (
    "{year} already has its Anti-Bullying Week ({name}, {days}). "
    "Change that one instead, or choose another kind of event."
)
STALE = (
    "{who} changed this event at {time} while you were editing it. It now reads as shown "
    "under 'As saved now'; check your changes below and save again."
)


def day_words(day: dt.date) -> str:
    """ "10 November 2025"."""
    return f"{day.day} {day:%B %Y}"


def days_words(first: dt.date, last: dt.date) -> str:
    """ "10 to 14 November 2025", "30 June to 2 July 2026", "5 March 2026"."""
    if first == last:
        return day_words(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {day_words(last)}"
    if first.year == last.year:
        return f"{first.day} {first:%B} to {day_words(last)}"
    return f"{day_words(first)} to {day_words(last)}"


# --- Anti-Bullying Week --------------------------------------------------------------


def november_of(year: AcademicYear) -> int:
    """The calendar year of the academic year's November (2025 for 2025–26)."""
    return year.starts_on.year if year.starts_on.month <= 11 else year.starts_on.year + 1


def anti_bullying_week_name(year: AcademicYear) -> str:
    """ "Anti-Bullying Week 2025": the name the national week goes by."""
    return f"Anti-Bullying Week {november_of(year)}"


def suggested_anti_bullying_week(year: AcademicYear) -> tuple[dt.date, dt.date] | None:
    """Monday to Friday of the week whose Monday falls from 10 to 16 November, as the
    national week has every year since 2019; None if that week is outside the year.

    Only a suggestion: the coordinator fills in the dates the Anti-Bullying Alliance sets.
    """
    tenth = dt.date(november_of(year), 11, 10)
    monday = tenth + dt.timedelta(days=(0 - tenth.weekday()) % 7)
    friday = monday + dt.timedelta(days=4)
    if monday < year.starts_on or friday > year.ends_on:
        return None
    return monday, friday


def anti_bullying_week_of(school: School, year: AcademicYear) -> Event | None:
    """The school's Anti-Bullying Week of that academic year, if it is added."""
    return (
        Event.objects.for_school(school)
        .filter(academic_year=year, kind=Event.Kind.ANTI_BULLYING_WEEK)
        .first()
    )


def year_holding(school: School, day: dt.date) -> AcademicYear | None:
    """The school's academic year holding `day`."""
    return AcademicYear.objects.for_school(school).containing(day).first()


# --- Adding, changing and deleting an event -------------------------------------------


@dataclass
class EventFields:
    """What the event form says of an event."""

    kind: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    audience: str = ""
    reach: int | None = None
    notes: str = ""
    mentors: Sequence[Mentor] = field(default_factory=list)


class StaleEvent(ValidationError):
    """Someone else changed the event after the form was opened."""

    def __init__(self, current: Event) -> None:
        entry = (
            AuditEntry.objects.filter(target_type=Event._meta.label, target_id=str(current.pk))
            .select_related("actor")
            .order_by("-created_at", "-pk")
            .first()
        )
        who, when = "Someone", timezone.localtime()
        if entry is not None:
            when = timezone.localtime(entry.created_at)
            if entry.actor is not None:
                who = entry.actor.first_name or entry.actor.display_name
        super().__init__(STALE.format(who=who, time=f"{when:%H:%M}"), code="stale")
        self.current = current


def _check(
    *, school: School, year: AcademicYear, fields: EventFields, event: Event | None
) -> EventFields:
    """The fields, tidied, or a ValidationError naming each field that is wrong."""
    errors: dict[str, list[str]] = {}
    name = fields.name.strip()
    audience = fields.audience.strip()
    if year.school_id != school.pk:
        raise ValidationError(YEAR_NOT_THIS_SCHOOL)
    if fields.kind not in Event.Kind.values:
        errors.setdefault("kind", []).append(KIND_UNKNOWN)
    if not name:
        errors.setdefault("name", []).append(NAME_NEEDED)
    elif len(name) > NAME_MAX:
        errors.setdefault("name", []).append(NAME_TOO_LONG.format(length=len(name)))
    if len(audience) > AUDIENCE_MAX:
        errors.setdefault("audience", []).append(AUDIENCE_TOO_LONG.format(length=len(audience)))
    if len(fields.notes) > NOTES_MAX:
        errors.setdefault("notes", []).append(NOTES_TOO_LONG.format(length=len(fields.notes)))
    if fields.reach is not None and not 0 <= fields.reach <= REACH_MAX:
        errors.setdefault("reach", []).append(REACH_OUT_OF_RANGE)
    outside = OUTSIDE_YEAR.format(
        year=year.name, first=day_words(year.starts_on), last=day_words(year.ends_on)
    )
    for name_of, day in (("starts_on", fields.starts_on), ("ends_on", fields.ends_on)):
        if not year.starts_on <= day <= year.ends_on:
            errors.setdefault(name_of, []).append(outside)
    if fields.ends_on < fields.starts_on:
        errors.setdefault("ends_on", []).append(LAST_BEFORE_FIRST)
    if any(m.school_id != school.pk or m.academic_year_id != year.pk for m in fields.mentors):
        errors.setdefault("mentors", []).append(NOT_THIS_YEARS_MENTORS.format(year=year.name))
    if fields.kind == Event.Kind.ANTI_BULLYING_WEEK:
        taken = anti_bullying_week_of(school, year)
        if taken is not None and (event is None or taken.pk != event.pk):
            errors.setdefault("kind", []).append(_taken_words(year, taken))
    if errors:
        raise ValidationError(errors)
    return EventFields(
        kind=fields.kind,
        name=name,
        starts_on=fields.starts_on,
        ends_on=fields.ends_on,
        audience=audience,
        reach=fields.reach,
        notes=fields.notes,
        mentors=list(fields.mentors),
    )


def _taken_words(year: AcademicYear, taken: Event) -> str:
    return ANTI_BULLYING_WEEK_TAKEN.format(
        year=year.name, name=taken.name, days=days_words(taken.starts_on, taken.ends_on)
    )


def _refuse_second_week(school: School, year: AcademicYear) -> ValidationError:
    """The unique constraint said no (two coordinators adding the week at once): in words."""
    taken = anti_bullying_week_of(school, year)
    words = _taken_words(year, taken) if taken else "This year's Anti-Bullying Week is there."
    return ValidationError({"kind": [words]})


def _apply(event: Event, fields: EventFields) -> None:
    event.kind = fields.kind
    event.name = fields.name
    event.starts_on = fields.starts_on
    event.ends_on = fields.ends_on
    event.audience = fields.audience
    event.reach = fields.reach
    event.notes = fields.notes


def _changes(event: Event, fields: EventFields) -> dict[str, object]:
    return {
        "kind": fields.kind,
        "name": fields.name,
        "starts_on": fields.starts_on,
        "ends_on": fields.ends_on,
        "reach": fields.reach,
        "mentors": sorted(m.pk for m in fields.mentors),
    }


def create_event(
    *,
    school: School,
    academic_year: AcademicYear,
    fields: EventFields,
    submission_key: uuid.UUID | None = None,
    by: User | None,
) -> Event:
    """Add an event to the academic year; the same form sent twice gives the first back."""
    if submission_key is not None:
        earlier = Event.objects.for_school(school).filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    fields = _check(school=school, year=academic_year, fields=fields, event=None)
    try:
        with transaction.atomic():
            event = Event(
                school=school,
                academic_year=academic_year,
                created_by=by,
                submission_key=submission_key,
            )
            _apply(event, fields)
            event.full_clean(
                exclude=["school", "academic_year", "created_by"], validate_constraints=False
            )
            event.save()
            event.mentors.set(fields.mentors)
            record(
                action="outreach.event_added",
                target=event,
                by=by,
                school=school,
                changes=_changes(event, fields),
            )
    except IntegrityError:
        if submission_key is not None:
            first = Event.objects.for_school(school).filter(submission_key=submission_key).first()
            if first is not None:
                return first
        raise _refuse_second_week(school, academic_year) from None
    return event


def change_event(*, event: Event, version: int, fields: EventFields, by: User | None) -> Event:
    """Change the event, if nobody changed it since `version` was read (else `StaleEvent`)."""
    school, year = event.school, event.academic_year
    fields = _check(school=school, year=year, fields=fields, event=event)
    try:
        with transaction.atomic():
            moved = Event.objects.filter(pk=event.pk, version=version).update(
                version=F("version") + 1
            )
            if not moved:
                raise StaleEvent(Event.objects.get(pk=event.pk))
            event.refresh_from_db(fields=["version"])
            _apply(event, fields)
            event.full_clean(
                exclude=["school", "academic_year", "created_by"], validate_constraints=False
            )
            event.save(
                update_fields=["kind", "name", "starts_on", "ends_on", "audience", "reach", "notes"]
            )
            event.mentors.set(fields.mentors)
            record(
                action="outreach.event_changed",
                target=event,
                by=by,
                school=school,
                changes=_changes(event, fields),
            )
    except IntegrityError:
        raise _refuse_second_week(school, year) from None
    return event


@transaction.atomic
def delete_event(*, event: Event, by: User | None) -> None:
    """Delete the event (its mentors' records lose it; nothing else refers to it)."""
    record(
        action="outreach.event_deleted",
        target=event,
        by=by,
        school=event.school,
        changes={"name": event.name, "starts_on": event.starts_on},
    )
    event.delete()
