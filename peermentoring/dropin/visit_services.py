"""The drop-in room's settings and the visits recorded there: every change goes through here.

`save_rooms` and `save_openings` are the coordinator's settings: the school's rooms, and
which of the school's windows each is open at, with how many mentors on duty. Two people
editing them at once cannot overwrite each other either: each form carries a fingerprint
of the rows it showed (`rows_digest`), checked again under a lock of the owning row (the
school, the room); if it changed, nothing is saved (`ChangedMeanwhile`).
`record_visit` is what a mentor on duty (or a member of staff) records of one opening:
how many came, by year group, optional typed names, and topics. There is one `Visit`
per room, window and date; two mentors editing it at once cannot overwrite each other
(`Visit.version`): the second is told, and shown the counts as they are now.

Views, the demo and commands all call these functions, so every path keeps the same
rules; each refusal says why in plain words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.core.roles import STAFF_ROLES, Role
from peermentoring.dropin.models import (
    DEFAULT_MAX,
    DEFAULT_MIN,
    MOST_ON_DUTY,
    NAMES_MAX,
    VISITS_MAX,
    Duty,
    Room,
    RoomOpening,
    Rota,
    Visit,
    rows_digest,
)
from peermentoring.meetings import rules
from peermentoring.meetings.models import Topic
from peermentoring.mentors.models import Mentor
from peermentoring.schools.calendar import term_on
from peermentoring.schools.models import Membership, School, SchoolDayWindow

ROOM_NAME_MAX = 80
ROOM_WHERE_MAX = 120

# --- The coordinator's settings: rooms and when they are open ------------------------

ROOM_NAME_NEEDED = "Give each room a name."
ROOM_NAME_TOO_LONG = f"Keep a room's name to {ROOM_NAME_MAX} characters."
ROOM_WHERE_TOO_LONG = f"Keep where a room is to {ROOM_WHERE_MAX} characters."
ROOM_NAME_TWICE = "“{name}” is in the list twice: give each room its own name."
ROOM_NOT_THIS_SCHOOL = "That room is not one of your school's."
ONE_ROOM_OPEN = (
    "Keep at least one room open: the drop-in has opening times. "
    "To close the drop-in, untick its times first."
)
WINDOW_NOT_THIS_SCHOOL = "Choose from your school's break, lunch and registration times."
WINDOW_SWITCHED_OFF = "The school day no longer has {window}: choose another time."
TOO_FEW_ON_DUTY = "{window}: at least 1 mentor must be on duty."
TOO_MANY_ON_DUTY = f"{{window}}: at most {MOST_ON_DUTY} mentors can be on duty at once."
FEWEST_OVER_MOST = "{window}: the fewest on duty ({low}) is more than the most ({high})."
ROOMS_CHANGED = (
    "Someone else changed the rooms while you were editing, so nothing was saved. "
    "Here they are now: check them and save again."
)
OPENINGS_CHANGED = (
    "Someone else changed when {room} is open while you were editing, so nothing was saved. "
    "Here are its times now: check them and save again."
)

# --- Recording visits ------------------------------------------------------------------

NOT_YET = "{day} has not happened yet: record visitors once the room has been open."
NOT_STARTED = "{kind} has not started yet today: record visitors once it has."
HOLIDAY = "{day} is in the school holidays: the room is open only in term time."
WEEKEND = "{day} is a weekend: the room is open only on school days."
HALF_TERM = "{day} is in the {term} half-term: the room is open only on school days."
WRONG_WEEKDAY = "{day} is a {weekday}, but {window} is on a {window_weekday}."
ROOM_NOT_OPEN = "{room} is not open on {weekday} at {kind}."
COUNT_OUT_OF_RANGE = f"Give a number from 0 to {VISITS_MAX} for {{group}}."
NAMES_TOO_LONG = f"Keep the names to {NAMES_MAX} characters (they have {{length}})."
TOPIC_NOT_THIS_SCHOOL = "Choose topics from your school's list."
NOT_A_RECORDER = "Only a peer mentor on duty or the coordinator can record visitors."
NOT_ON_DUTY = (
    "You are not on duty in {room} on {day} at {kind}: "
    "you can record only the times you are on duty."
)
NO_ROTA_TODAY_ONLY = (
    "There is no published rota for {day}, so mentors can record only today's visitors."
)
NOT_TRAINED = "Only a trained peer mentor can record visitors in the drop-in room."
CONFLICT = (
    "{who} saved this while you were typing, so your numbers were not saved. "
    "The numbers below are the ones saved now: add anyone they missed, then save again."
)

GROUPS = {"year7": "Year 7", "year8": "Year 8", "older": "Year 9 and above"}


@dataclass(frozen=True)
class RoomChange:
    """One existing room as the coordinator left it."""

    room_id: int
    name: str
    where: str
    is_open: bool
    order: int


@dataclass(frozen=True)
class NewRoom:
    name: str
    where: str = ""


@dataclass(frozen=True)
class OpeningChoice:
    """A window the room opens at, and how many mentors it needs on duty then."""

    window_id: int
    min_on_duty: int = DEFAULT_MIN
    max_on_duty: int = DEFAULT_MAX


@dataclass(frozen=True)
class VisitCounts:
    """How many came, by year group."""

    year7: int = 0
    year8: int = 0
    older: int = 0

    @property
    def total(self) -> int:
        return self.year7 + self.year8 + self.older


class VisitConflict(ValidationError):
    """Someone else saved the opening after the form was opened: `visit` is what is saved now."""

    def __init__(self, visit: Visit, who: str) -> None:
        super().__init__(CONFLICT.format(who=who), code="conflict")
        self.visit = visit


class ChangedMeanwhile(ValidationError):
    """The rows a form showed were changed by someone else before it was saved: nothing
    was saved, and the page shows them as they are now."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="changed")


def rooms_digest(rooms: Iterable[Room]) -> str:
    """The fingerprint of the rooms form's rows (`seen`)."""
    return rows_digest((r.pk, r.name, r.where, r.is_active, r.order) for r in rooms)


def openings_digest(windows: Iterable[SchoolDayWindow], openings: Iterable[RoomOpening]) -> str:
    """The fingerprint of one room's times form: each switched-on window, with the fewest
    and most on duty when the room is open then."""
    by_window = {o.window_id: (o.min_on_duty, o.max_on_duty) for o in openings}
    return rows_digest((w.pk, *by_window.get(w.pk, ("closed",))) for w in windows if w.is_active)


@transaction.atomic
def save_rooms(
    *,
    school: School,
    changes: Sequence[RoomChange],
    new: Sequence[NewRoom],
    by: User | None,
    seen: str | None = None,
) -> list[Room]:
    """Rename, move, open or close the school's rooms, and add new ones (with no times yet).

    Every room named must be the school's; names are unique (ignoring case) and not empty;
    while any room has opening times, at least one room stays open. A room is never
    deleted: its visits and duties keep it. `seen` is the form's `rooms_digest`: if the
    rooms changed since, nothing is saved (a form sent without it is not checked).
    """
    # The school's row holds back a second save of its rooms, a room added included.
    list(School.objects.filter(pk=school.pk).select_for_update(no_key=True))
    rooms = {r.pk: r for r in Room.objects.for_school(school).order_by("pk").select_for_update()}
    if seen is not None and seen != rooms_digest(rooms.values()):
        raise ChangedMeanwhile(ROOMS_CHANGED)
    if any(change.room_id not in rooms for change in changes):
        raise ValidationError(ROOM_NOT_THIS_SCHOOL)
    wanted = {r.pk: (r.name, r.where, r.is_active, r.order) for r in rooms.values()}
    for change in changes:
        wanted[change.room_id] = (
            change.name.strip(),
            change.where.strip(),
            change.is_open,
            change.order,
        )
    added = [(room.name.strip(), room.where.strip()) for room in new if room.name.strip()]
    names = [name for name, *_ in wanted.values()] + [name for name, _ in added]
    wheres = [where for _, where, *_ in wanted.values()] + [where for _, where in added]
    if any(not name for name in names):
        raise ValidationError(ROOM_NAME_NEEDED)
    if any(len(name) > ROOM_NAME_MAX for name in names):
        raise ValidationError(ROOM_NAME_TOO_LONG)
    if any(len(where) > ROOM_WHERE_MAX for where in wheres):
        raise ValidationError(ROOM_WHERE_TOO_LONG)
    taken: set[str] = set()
    for name in names:
        if name.casefold() in taken:
            raise ValidationError(ROOM_NAME_TWICE.format(name=name))
        taken.add(name.casefold())
    any_open = any(is_open for _, _, is_open, _ in wanted.values()) or bool(added)
    if not any_open and RoomOpening.objects.for_school(school).exists():
        raise ValidationError(ONE_ROOM_OPEN)
    # Names are unique per school: clear the old ones first so two rooms can swap names.
    moving = [r for pk, r in rooms.items() if wanted[pk][0] != r.name]
    for room in moving:
        room.name = f"(renaming {room.pk})"
    Room.objects.bulk_update(moving, ["name"])
    changed = []
    for pk, room in rooms.items():
        if (room.name, room.where, room.is_active, room.order) != wanted[pk]:
            room.name, room.where, room.is_active, room.order = wanted[pk]
            changed.append(room)
    Room.objects.bulk_update(changed, ["name", "where", "is_active", "order"])
    last = max((order for *_, order in wanted.values()), default=-1)
    created = [
        Room.objects.create(school=school, name=name, where=where, order=last + n)
        for n, (name, where) in enumerate(added, start=1)
    ]
    if changed or created:
        record(
            action="dropin.rooms_saved",
            target=school,
            by=by,
            school=school,
            changes={
                "changed": {str(r.pk): [r.name, r.where, r.is_active, r.order] for r in changed},
                "added": [r.name for r in created],
            },
        )
    return list(Room.objects.for_school(school))


@transaction.atomic
def save_openings(
    *, room: Room, openings: Sequence[OpeningChoice], by: User | None, seen: str | None = None
) -> list[RoomOpening]:
    """When one room is open: the windows chosen (the school's, switched on), each with the
    fewest and the most mentors on duty (1 <= fewest <= most <= 8). Windows not chosen
    stop being opening times; duties and visits already recorded stay. `seen` is the
    form's `openings_digest`: if the room's times changed since, nothing is saved."""
    # The room's row holds back a second save of its times.
    list(Room.objects.filter(pk=room.pk).select_for_update(no_key=True))
    windows = {w.pk: w for w in SchoolDayWindow.objects.for_school(room.school_id)}
    existing = {
        o.window_id: o
        for o in RoomOpening.objects.filter(room=room).order_by("pk").select_for_update()
    }
    if seen is not None and seen != openings_digest(windows.values(), existing.values()):
        raise ChangedMeanwhile(OPENINGS_CHANGED.format(room=room.name))
    chosen: dict[int, OpeningChoice] = {}
    for choice in openings:
        window = windows.get(choice.window_id)
        if window is None:
            raise ValidationError(WINDOW_NOT_THIS_SCHOOL)
        if not window.is_active:
            raise ValidationError(WINDOW_SWITCHED_OFF.format(window=window.label))
        low, high = choice.min_on_duty, choice.max_on_duty
        if low < 1 or high < 1:
            raise ValidationError(TOO_FEW_ON_DUTY.format(window=window.label))
        if low > MOST_ON_DUTY or high > MOST_ON_DUTY:
            raise ValidationError(TOO_MANY_ON_DUTY.format(window=window.label))
        if low > high:
            raise ValidationError(FEWEST_OVER_MOST.format(window=window.label, low=low, high=high))
        chosen[window.pk] = choice
    gone = [o.pk for window_id, o in existing.items() if window_id not in chosen]
    RoomOpening.objects.filter(pk__in=gone).delete()
    changed = []
    for window_id, choice in chosen.items():
        opening = existing.get(window_id)
        if opening is None:
            RoomOpening.objects.create(
                room=room,
                window_id=window_id,
                min_on_duty=choice.min_on_duty,
                max_on_duty=choice.max_on_duty,
            )
            changed.append(window_id)
        elif (opening.min_on_duty, opening.max_on_duty) != (
            choice.min_on_duty,
            choice.max_on_duty,
        ):
            opening.min_on_duty, opening.max_on_duty = choice.min_on_duty, choice.max_on_duty
            opening.save(update_fields=["min_on_duty", "max_on_duty"])
            changed.append(window_id)
    if changed or gone:
        record(
            action="dropin.openings_saved",
            target=room,
            by=by,
            school=room.school,
            changes={
                "openings": {
                    str(c.window_id): [c.min_on_duty, c.max_on_duty] for c in chosen.values()
                },
            },
        )
    return list(RoomOpening.objects.filter(room=room).select_related("window"))


# --- Visits ------------------------------------------------------------------------------


def long_date(day: dt.date) -> str:
    return rules.long_date(day)


def check_opening_time(
    room: Room, window: SchoolDayWindow, held_on: dt.date, moment: dt.datetime
) -> None:
    """Raise a ValidationError saying why visitors cannot be recorded for this opening:
    not a teaching day, the room not open then, or not happened yet (the school's clock)."""
    if window.school_id != room.school_id:
        raise ValidationError(WINDOW_NOT_THIS_SCHOOL)
    day = long_date(held_on)
    today = moment.date()
    if held_on > today:
        raise ValidationError(NOT_YET.format(day=day), code="future")
    if held_on.weekday() >= 5:
        raise ValidationError(WEEKEND.format(day=day), code="weekend")
    term = term_on(room.school, held_on)
    if term is None:
        raise ValidationError(HOLIDAY.format(day=day), code="holiday")
    if not term.is_teaching_day(held_on):
        raise ValidationError(
            HALF_TERM.format(day=day, term=term.get_name_display().lower()), code="half_term"
        )
    if window.weekday != held_on.weekday():
        raise ValidationError(
            WRONG_WEEKDAY.format(
                day=day,
                weekday=f"{held_on:%A}",
                window=window.label,
                window_weekday=window.get_weekday_display(),
            ),
            code="weekday",
        )
    is_open = (
        room.is_active
        and window.is_active
        and RoomOpening.objects.filter(room=room, window=window).exists()
    )
    if not is_open:
        raise ValidationError(
            ROOM_NOT_OPEN.format(
                room=room.name,
                weekday=window.get_weekday_display(),
                kind=window.get_kind_display().lower()
                if window.kind != SchoolDayWindow.Kind.AM_REGISTRATION
                else window.get_kind_display(),
            ),
            code="not_open",
        )
    if held_on == today and window.start_time > moment.time():
        raise ValidationError(NOT_STARTED.format(kind=window.get_kind_display()), code="future")


def membership_of(school: School, by: User | None) -> Membership | None:
    """The person's active membership of the school (None for the system: the demo, commands)."""
    if by is None:
        return None
    return (
        Membership.objects.active().filter(user=by, school=school).select_related("pupil").first()
    )


def has_published_rota(school: School | int, day: dt.date) -> bool:
    """A published rota covers the day: from then on only mentors on duty record it."""
    return Rota.objects.for_school(school).published().covering(day).exists()


# A mentor may record their own duty up to two weeks after it (staff: any day).
MENTOR_LOOK_BACK_DAYS = 14
TOO_LONG_AGO = "That was more than {days} days ago: ask your coordinator to record it for you."


def check_may_record(
    *,
    membership: Membership | None,
    room: Room,
    window: SchoolDayWindow,
    held_on: dt.date,
    today: dt.date,
) -> None:
    """Staff may record any opening. A mentor may record an opening they are on duty at in a
    published rota; on a day no published rota covers, any of today's openings, once trained."""
    if membership is None or membership.role in STAFF_ROLES:
        return
    if membership.role != Role.MENTOR or membership.pupil_id is None:
        raise ValidationError(NOT_A_RECORDER, code="not_recorder")
    if held_on < today - dt.timedelta(days=MENTOR_LOOK_BACK_DAYS):
        raise ValidationError(TOO_LONG_AGO.format(days=MENTOR_LOOK_BACK_DAYS), code="too_long_ago")
    # On duty: a published duty, not marked absent, of a mentor still trained (a paused
    # mentor records nothing and reads no visitor's name).
    on_duty = (
        Duty.objects.for_school(room.school_id)
        .published()
        .filter(room=room, window=window, held_on=held_on, mentor__pupil=membership.pupil_id)
        .exclude(attendance=Duty.Attendance.ABSENT)
        .filter(mentor__status=Mentor.Status.TRAINED)
        .exists()
    )
    if on_duty:
        return
    kind = window.get_kind_display()
    if has_published_rota(room.school_id, held_on):
        raise ValidationError(
            NOT_ON_DUTY.format(
                room=room.name,
                day=long_date(held_on),
                kind=kind.lower() if window.kind != SchoolDayWindow.Kind.AM_REGISTRATION else kind,
            ),
            code="not_on_duty",
        )
    if held_on != today:
        raise ValidationError(NO_ROTA_TODAY_ONLY.format(day=long_date(held_on)), code="not_on_duty")
    trained = (
        Mentor.objects.for_school(room.school_id)
        .trained()
        .filter(
            pupil=membership.pupil_id,
            academic_year__starts_on__lte=held_on,
            academic_year__ends_on__gte=held_on,
        )
        .exists()
    )
    if not trained:
        raise ValidationError(NOT_TRAINED, code="not_trained")


def clean_counts(counts: VisitCounts) -> VisitCounts:
    """Each count a whole number from 0 to 200."""
    for field, group in GROUPS.items():
        value = getattr(counts, field)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= VISITS_MAX:
            raise ValidationError({field: COUNT_OUT_OF_RANGE.format(group=group)})
    return counts


def _who(visit: Visit) -> str:
    person = visit.recorded_by
    if person is None:
        return "Someone else"
    return person.first_name or "Someone else"


def _same(visit: Visit, counts: VisitCounts, names: str, topic_ids: set[int]) -> bool:
    """What is saved already is what was sent (the same form sent twice)."""
    saved = (visit.year7, visit.year8, visit.older, visit.names)
    if saved != (counts.year7, counts.year8, counts.older, names):
        return False
    return set(visit.topics.values_list("pk", flat=True)) == topic_ids


@transaction.atomic
def record_visit(
    *,
    room: Room,
    window: SchoolDayWindow,
    held_on: dt.date,
    counts: VisitCounts,
    names: str = "",
    topics: Sequence[Topic] = (),
    by: User | None,
    version: int = 0,
    now: dt.datetime | None = None,
) -> Visit:
    """Record who came to one opening, or change what was recorded.

    `version` is the version of the visit the form showed (0: none was saved yet). If
    someone else has saved since, nothing is changed and `VisitConflict` carries what is
    saved now. The same form sent twice gives back the one visit. A mentor recording
    their own duty marks it done.
    """
    moment = timezone.localtime(now) if now is not None else rules.now()
    school = room.school
    check_opening_time(room, window, held_on, moment)
    counts = clean_counts(counts)
    names = names.strip()
    if len(names) > NAMES_MAX:
        raise ValidationError({"names": NAMES_TOO_LONG.format(length=len(names))})
    if any(topic.school_id != school.pk for topic in topics):
        raise ValidationError({"topics": TOPIC_NOT_THIS_SCHOOL})
    membership = membership_of(school, by)
    if by is not None and membership is None:
        raise ValidationError(NOT_A_RECORDER, code="not_recorder")
    check_may_record(
        membership=membership, room=room, window=window, held_on=held_on, today=moment.date()
    )
    topic_ids = {t.pk for t in topics}
    opening = {"room": room, "window": window, "held_on": held_on}
    # Locked alone: PostgreSQL refuses FOR UPDATE across the outer join to a nullable
    # `recorded_by`, so the person is read afterwards if a clash needs their name.
    visit = Visit.objects.select_for_update().filter(**opening).order_by("pk").first()
    if visit is None:
        try:
            with transaction.atomic():
                visit = Visit.objects.create(
                    school=school,
                    **opening,
                    year7=counts.year7,
                    year8=counts.year8,
                    older=counts.older,
                    names=names,
                    recorded_by=by,
                    recorded_at=timezone.now(),
                    version=1,
                )
        except IntegrityError:
            # Sent at the same moment as another: theirs was saved first.
            visit = Visit.objects.select_related("recorded_by").get(**opening)
        else:
            visit.topics.set(topics)
            return _recorded(visit, membership, by, created=True)
    if _same(visit, counts, names, topic_ids):
        _mark_done(visit, membership)
        return visit
    if visit.version != version:
        raise VisitConflict(visit, _who(visit))
    before = [visit.year7, visit.year8, visit.older]
    visit.year7, visit.year8, visit.older = counts.year7, counts.year8, counts.older
    visit.names = names
    visit.recorded_by, visit.recorded_at = by, timezone.now()
    visit.version += 1
    visit.save()
    visit.topics.set(topics)
    return _recorded(visit, membership, by, created=False, before=before)


def _recorded(
    visit: Visit,
    membership: Membership | None,
    by: User | None,
    *,
    created: bool,
    before: list[int] | None = None,
) -> Visit:
    _mark_done(visit, membership)
    # The names are pupils' names: the audit trail says only that some were given.
    changes: dict[str, object] = {
        "held_on": visit.held_on.isoformat(),
        "window": visit.window_id,
        "counts": [visit.year7, visit.year8, visit.older],
        "names_given": bool(visit.names),
        "version": visit.version,
    }
    if before is not None:
        changes["before"] = before
    record(
        action="dropin.visit_recorded" if created else "dropin.visit_changed",
        target=visit,
        by=by,
        school=visit.school,
        changes=changes,
    )
    return visit


def _mark_done(visit: Visit, membership: Membership | None) -> None:
    """The mentor who recorded their own duty did it."""
    if membership is None or membership.role != Role.MENTOR or membership.pupil_id is None:
        return
    Duty.objects.for_school(visit.school_id).published().filter(
        room=visit.room_id,
        window=visit.window_id,
        held_on=visit.held_on,
        mentor__pupil=membership.pupil_id,
    ).filter(attendance=Duty.Attendance.EXPECTED).update(
        # Only a duty still "on the rota": the coordinator's "missed" or "absent" stands.
        attendance=Duty.Attendance.DONE,
        changed_at=timezone.now(),
    )
