"""Visits to the feeder primaries: planning, changing and cancelling, with every rule.

`plan_visit` and `change_visit` check a visit's plan: one of the school's own feeder
primaries; a school day (not a weekend, holiday or half-term) at most two years away
(a date gone by records a visit that already happened: nothing is sent for it); the
visit ending after it starts; any part of it outside the school's free windows (lesson
time) only once "released from lessons by agreement" is ticked; only trained mentors able
to mentor on that date; and no mentor in two places at once, neither on another visit
that overlaps it nor on drop-in duty at a window it overlaps (refused: the coordinator
takes them off the rota first, or chooses someone else). The mentors chosen are locked
while this is checked and the visit saved, so two coordinators at once cannot
double-book one. `cancel_visit` cancels, telling a primary that had the plan.

The primary's side (the plan e-mailed, their answer) is `visit_answers`; after the visit,
`visit_after`. A change to a visit may name the `version` its page was read at: of two
people changing one visit at once the second is told (`StaleVisit`), nothing overwritten.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import AuditEntry, User
from peermentoring.core.notifications import queue_email
from peermentoring.dropin.models import Duty
from peermentoring.dropin.schedule import teaching_days
from peermentoring.mentors.models import Mentor, able_to_mentor_ids
from peermentoring.outreach import visit_links
from peermentoring.outreach.models import PLAN_MAX, PrimaryVisit
from peermentoring.outreach.visit_words import (
    day_words,
    full_day_words,
    has_happened,
    mentors_words,
    time_words,
    times_words,
    today,
)
from peermentoring.schools.models import FeederPrimary, School, SchoolDayWindow

# "Not more than about two years away", either way.
MOST_DAYS_AWAY = 731
STAFF_NAME_MAX = 150

NOT_THEIR_PRIMARY = "Choose one of the school's feeder primaries."
ENDS_BEFORE_START = "The visit must end after it starts: check the times."
TOO_FAR = "Choose a date within two years of today: between {first} and {last}."
NOT_A_SCHOOL_DAY = (
    "{day} is not a school day: it falls on a weekend, in the holidays or at half-term. "
    "Choose a school day, or check the school's term dates for that year."
)
LESSON_TIME = (
    "Part of this visit is in lesson time ({times}). Tick “released from lessons by "
    "agreement” once the mentors' release from those lessons is agreed, then save again."
)
NOT_TRAINED = (
    "{mentor} is not a trained mentor able to mentor on {day}, so cannot go on a visit. "
    "Choose trained mentors only."
)
NOT_OUR_MENTOR = "Choose the school's own mentors."
ON_ANOTHER_VISIT = (
    "{mentor} is already going to {primary} from {start} to {end} that day: a mentor "
    "cannot be in two places at once."
)
ON_DUTY = (
    "{mentor} is on drop-in duty at {window} ({start} to {end}) that day. Take them off "
    "that duty in the rota first, or choose another mentor."
)
TOO_LONG = "Please keep this to at most {limit:,} characters (it has {length:,})."
STALE = (
    "{who} changed this visit at {time} while you had it open, so nothing of yours was "
    "saved. Check the visit as it is now, then make your change again if it is still needed."
)
IS_CANCELLED = "This visit was cancelled: plan a new one instead."
RECORDED_NOT_FUTURE = (
    "This visit is recorded as done, so its date cannot be in the future. Plan a new "
    "visit for a date to come."
)
RECORDED_STAYS = "This visit is recorded as done: it stays as a record and cannot be cancelled."


# --- Two people at once ----------------------------------------------------------------


class StaleVisit(ValidationError):
    """Someone else changed the visit after the page making this change was read."""

    def __init__(self, current: PrimaryVisit) -> None:
        entry = (
            AuditEntry.objects.filter(
                target_type=PrimaryVisit._meta.label, target_id=str(current.pk)
            )
            .select_related("actor")
            .order_by("-created_at", "-pk")
            .first()
        )
        who, when = "Someone", timezone.localtime()
        if entry is not None:
            when = timezone.localtime(entry.created_at)
            if entry.actor is not None:
                who = entry.actor.first_name or entry.actor.display_name
            elif entry.action == "outreach.visit_answered":
                who = current.primary.name
        super().__init__(STALE.format(who=who, time=f"{when:%H:%M}"), code="stale")
        self.current = current


def claim(visit: PrimaryVisit, version: int | None) -> PrimaryVisit:
    """Move the visit's version on if it is still the one the change was read at (any, when
    `version` is None), locking its row; the visit as it is now. Inside the transaction."""
    rows = PrimaryVisit.objects.filter(pk=visit.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(version=F("version") + 1):
        raise StaleVisit(PrimaryVisit.objects.select_related("primary").get(pk=visit.pk))
    return PrimaryVisit.objects.select_related("school", "primary").get(pk=visit.pk)


def audit(visit: PrimaryVisit, action: str, by: User | None, **changes: object) -> None:
    record(action=f"outreach.{action}", target=visit, by=by, school=visit.school, changes=changes)


# --- The plan's rules ------------------------------------------------------------------


def lesson_time(
    school: School | int, day: dt.date, starts_at: dt.time, ends_at: dt.time
) -> list[tuple[dt.time, dt.time]]:
    """The parts of the time from `starts_at` to `ends_at` outside the school's free windows
    of that weekday (switched-on AM registration, break and lunch): lesson time."""
    windows = (
        SchoolDayWindow.objects.for_school(school)
        .active()
        .on_weekday(day.weekday())
        .order_by("start_time")
    )
    gaps: list[tuple[dt.time, dt.time]] = []
    cursor = starts_at
    for window in windows:
        if cursor >= ends_at:
            break
        if window.end_time <= cursor:
            continue
        if window.start_time >= ends_at:
            break
        if window.start_time > cursor:
            gaps.append((cursor, window.start_time))
        cursor = max(cursor, window.end_time)
    if cursor < ends_at:
        gaps.append((cursor, ends_at))
    return gaps


def check_text(errors: dict[str, list[str]], field: str, text: str, limit: int) -> None:
    if len(text) > limit:
        errors.setdefault(field, []).append(TOO_LONG.format(limit=limit, length=len(text)))


def _check_when(
    errors: dict[str, list[str]],
    school: School,
    visit_on: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    released: bool,
) -> None:
    on = today()
    first, last = (
        on - dt.timedelta(days=MOST_DAYS_AWAY),
        on + dt.timedelta(days=MOST_DAYS_AWAY),
    )
    if not first <= visit_on <= last:
        errors.setdefault("visit_on", []).append(
            TOO_FAR.format(first=day_words(first, on), last=day_words(last, on))
        )
        return
    if not teaching_days(school, visit_on, visit_on):
        errors.setdefault("visit_on", []).append(NOT_A_SCHOOL_DAY.format(day=day_words(visit_on)))
        return
    if ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(ENDS_BEFORE_START)
        return
    gaps = lesson_time(school, visit_on, starts_at, ends_at)
    if gaps and not released:
        times = ", ".join(f"{time_words(a)} to {time_words(b)}" for a, b in gaps)
        errors.setdefault("released_from_lessons", []).append(LESSON_TIME.format(times=times))


def _check_mentors(
    errors: dict[str, list[str]],
    school: School,
    visit_on: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    mentors: Sequence[Mentor],
    visit: PrimaryVisit | None,
) -> None:
    """Trained, able to mentor on the day, and nowhere else then. Locks the mentors' rows,
    so a second coordinator choosing one of them waits for this change to be saved."""
    problems = errors.setdefault("mentors", [])
    if any(m.school_id != school.pk for m in mentors):
        problems.append(NOT_OUR_MENTOR)
        return
    ids = sorted({m.pk for m in mentors})
    if not ids:
        return
    # Locked in one order, so two changes naming the same mentors cannot wait on each other.
    list(Mentor.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    serving = list(
        Mentor.objects.for_school(school)
        .trained()
        .filter(pk__in=ids, academic_year__starts_on__lte=visit_on)
        .filter(academic_year__ends_on__gte=visit_on)
        .select_related("pupil")
    )
    able = able_to_mentor_ids(serving) if serving else set()
    for mentor in sorted(mentors, key=lambda m: (m.pupil.family_name, m.pupil.given_name)):
        if mentor.pk not in able:
            problems.append(NOT_TRAINED.format(mentor=mentor, day=day_words(visit_on)))
    others = (
        PrimaryVisit.mentors.through.objects.filter(
            mentor_id__in=ids,
            primaryvisit__school=school,
            primaryvisit__visit_on=visit_on,
            primaryvisit__starts_at__lt=ends_at,
            primaryvisit__ends_at__gt=starts_at,
        )
        .exclude(primaryvisit__status=PrimaryVisit.Status.CANCELLED)
        .select_related("primaryvisit__primary", "mentor__pupil")
        .order_by("primaryvisit__starts_at", "mentor__pupil__family_name")
    )
    if visit is not None and visit.pk:
        others = others.exclude(primaryvisit=visit.pk)
    for row in others:
        other = row.primaryvisit
        problems.append(
            ON_ANOTHER_VISIT.format(
                mentor=row.mentor,
                primary=other.primary.name,
                start=time_words(other.starts_at),
                end=time_words(other.ends_at),
            )
        )
    duties = (
        Duty.objects.for_school(school)
        .filter(
            held_on=visit_on,
            mentor__in=ids,
            window__start_time__lt=ends_at,
            window__end_time__gt=starts_at,
        )
        .exclude(attendance=Duty.Attendance.ABSENT)
        .select_related("window", "mentor__pupil")
        .order_by("window__start_time", "mentor__pupil__family_name")
    )
    for duty in duties:
        kind = duty.window.get_kind_display()
        if duty.window.kind != SchoolDayWindow.Kind.AM_REGISTRATION:
            kind = kind.lower()
        problems.append(
            ON_DUTY.format(
                mentor=duty.mentor,
                window=kind,
                start=time_words(duty.window.start_time),
                end=time_words(duty.window.end_time),
            )
        )


def _check_plan(
    *,
    school: School,
    primary: FeederPrimary,
    visit_on: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    mentors: Sequence[Mentor],
    released_from_lessons: bool,
    staff_name: str,
    plan: str,
    visit: PrimaryVisit | None = None,
) -> None:
    """Every rule of a visit's plan; all that is wrong is said at once, by field."""
    errors: dict[str, list[str]] = {}
    if primary.school_id != school.pk:
        errors["primary"] = [NOT_THEIR_PRIMARY]
    check_text(errors, "plan", plan, PLAN_MAX)
    check_text(errors, "staff_name", staff_name, 150)
    _check_when(errors, school, visit_on, starts_at, ends_at, released_from_lessons)
    if "visit_on" not in errors and "ends_at" not in errors:
        _check_mentors(errors, school, visit_on, starts_at, ends_at, mentors, visit)
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


# --- Planning, changing, cancelling ----------------------------------------------------


@transaction.atomic
def plan_visit(
    *,
    school: School,
    primary: FeederPrimary,
    visit_on: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    mentors: Sequence[Mentor] = (),
    staff_name: str = "",
    plan: str = "",
    contact_email: str = "",
    released_from_lessons: bool = False,
    send: bool = False,
    submission_key: uuid.UUID | None = None,
    by: User,
) -> PrimaryVisit:
    """Plan a visit to a feeder primary; with `send`, e-mail the plan to its contact (only for
    a visit still to come). The same form sent twice (same `submission_key`) plans one."""
    if submission_key is not None:
        earlier = PrimaryVisit.objects.filter(school=school, submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    _check_plan(
        school=school,
        primary=primary,
        visit_on=visit_on,
        starts_at=starts_at,
        ends_at=ends_at,
        mentors=mentors,
        released_from_lessons=released_from_lessons,
        staff_name=staff_name,
        plan=plan,
    )
    visit = PrimaryVisit(
        school=school,
        primary=primary,
        visit_on=visit_on,
        starts_at=starts_at,
        ends_at=ends_at,
        released_from_lessons=released_from_lessons,
        staff_name=staff_name.strip(),
        plan=plan.strip(),
        contact_email=(contact_email.strip() or primary.contact_email),
        created_by=by,
        submission_key=submission_key,
    )
    visit.full_clean()
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # The same form sent twice at the same moment: the other one planned it.
        earlier = PrimaryVisit.objects.filter(school=school, submission_key=submission_key).first()
        if earlier is None:
            raise
        return earlier
    visit.mentors.set(mentors)
    audit(
        visit,
        "visit_planned",
        by,
        primary=primary.name,
        on=visit_on,
        times=times_words(visit),
        mentors=sorted(str(m) for m in mentors),
        released=released_from_lessons,
    )
    if send and not has_happened(visit) and visit.contact_email:
        send_to_primary(visit, by)
    return visit


@transaction.atomic
def change_visit(
    *,
    visit: PrimaryVisit,
    version: int | None,
    primary: FeederPrimary,
    visit_on: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    mentors: Sequence[Mentor] = (),
    staff_name: str = "",
    plan: str = "",
    contact_email: str = "",
    released_from_lessons: bool = False,
    by: User,
) -> PrimaryVisit:
    """Change a visit's plan. A new primary, date, time or contact makes the plan the primary
    had out of date: their answer is cleared and their link stops working (send it again)."""
    visit = claim(visit, version)
    if visit.status == PrimaryVisit.Status.CANCELLED:
        raise ValidationError(IS_CANCELLED)
    if visit.status == PrimaryVisit.Status.DONE and visit_on > today():
        raise ValidationError({"visit_on": RECORDED_NOT_FUTURE})
    _check_plan(
        school=visit.school,
        primary=primary,
        visit_on=visit_on,
        starts_at=starts_at,
        ends_at=ends_at,
        mentors=mentors,
        released_from_lessons=released_from_lessons,
        staff_name=staff_name,
        plan=plan,
        visit=visit,
    )
    contact_email = contact_email.strip() or primary.contact_email
    before = {
        "primary": visit.primary.name,
        "on": visit.visit_on.isoformat(),
        "times": times_words(visit),
        "contact": visit.contact_email,
        "mentors": sorted(str(m) for m in visit.mentors.select_related("pupil")),
        "released": visit.released_from_lessons,
        "staff": visit.staff_name,
        "plan": visit.plan,
    }
    moved = (
        visit.primary_id != primary.pk
        or visit.visit_on != visit_on
        or visit.starts_at != starts_at
        or visit.ends_at != ends_at
        or visit.contact_email != contact_email
    )
    visit.primary, visit.visit_on = primary, visit_on
    visit.starts_at, visit.ends_at = starts_at, ends_at
    visit.released_from_lessons = released_from_lessons
    visit.staff_name, visit.plan = staff_name.strip(), plan.strip()
    visit.contact_email = contact_email
    fields = [
        "primary",
        "visit_on",
        "starts_at",
        "ends_at",
        "released_from_lessons",
        "staff_name",
        "plan",
        "contact_email",
    ]
    if moved and visit.status != PrimaryVisit.Status.DONE and visit.link_sent_at is not None:
        _clear_answer(visit)
        visit.link_sent_at = None
        fields += ["status", "answered_at", "suggested_date", "answer_note", "link_nonce"]
        fields.append("link_sent_at")
    visit.full_clean()
    visit.save(update_fields=fields)
    visit.mentors.set(mentors)
    after = {
        "primary": primary.name,
        "on": visit_on.isoformat(),
        "times": times_words(visit),
        "contact": visit.contact_email,
        "mentors": sorted(str(m) for m in mentors),
        "released": released_from_lessons,
        "staff": visit.staff_name,
        "plan": visit.plan,
    }
    audit(
        visit,
        "visit_changed",
        by,
        **{k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return visit


def _clear_answer(visit: PrimaryVisit) -> None:
    """The primary's answer no longer holds; any link they have stops working."""
    visit.status = PrimaryVisit.Status.PLANNED
    visit.answered_at = None
    visit.suggested_date = None
    visit.answer_note = ""
    visit.link_nonce = visit_links.new_nonce()


@transaction.atomic
def cancel_visit(*, visit: PrimaryVisit, version: int | None, by: User) -> PrimaryVisit:
    """Cancel a visit still to be recorded; a primary who had the plan is told by e-mail."""
    visit = claim(visit, version)
    if visit.status == PrimaryVisit.Status.CANCELLED:
        return visit
    if visit.status == PrimaryVisit.Status.DONE:
        raise ValidationError(RECORDED_STAYS)
    was_sent = visit.link_sent_at is not None and not has_happened(visit)
    visit.status = PrimaryVisit.Status.CANCELLED
    visit.link_nonce = visit_links.new_nonce()
    visit.save(update_fields=["status", "link_nonce"])
    if was_sent and visit.contact_email:
        school = visit.school
        queue_email(
            school=school,
            to_address=visit.contact_email,
            subject=f"{school.name}: the peer mentors' visit on {day_words(visit.visit_on)} "
            "is cancelled",
            body=(
                f"Hello,\n\nWe are sorry: the visit of {school.name}'s peer mentors to "
                f"{visit.primary.name} on {day_words(visit.visit_on)}, {times_words(visit)}, "
                "is cancelled. We will be in touch if we can offer another date.\n\n"
                f"Thank you,\n{school.name}"
            ),
        )
    audit(visit, "visit_cancelled", by, told_primary=was_sent)
    return visit


# --- The primary's link ----------------------------------------------------------------


def _plan_email_body(visit: PrimaryVisit, url: str, expires_on: dt.date) -> str:
    school = visit.school
    mentors = visit.mentors.count()
    with_staff = f", with {visit.staff_name}" if visit.staff_name else ""
    plan = visit.plan or "(to be settled with you)"
    return (
        f"Hello,\n\n{school.name}'s peer mentors would like to visit {visit.primary.name} to "
        "talk to your Year 6 pupils about moving up to secondary school.\n\n"
        f"When: {full_day_words(visit.visit_on)}, {times_words(visit)}\n"
        f"Who is coming: {mentors_words(mentors)}{with_staff}\n"
        f"What we will cover:\n{plan}\n\n"
        "Please confirm the visit, or suggest another date, here (no account needed; the "
        f"link works until {full_day_words(expires_on)} and can be used once):\n{url}\n\n"
        f"Thank you,\n{school.name}"
    )


def send_to_primary(visit: PrimaryVisit, by: User | None) -> None:
    """E-mail the plan with a new link (any earlier one stops working); clears any answer."""
    on = today()
    _clear_answer(visit)
    visit.link_sent_at = timezone.now()
    visit.save(
        update_fields=[
            "status",
            "answered_at",
            "suggested_date",
            "answer_note",
            "link_nonce",
            "link_sent_at",
        ]
    )
    expires_on = visit_links.link_expires_on(visit, on)
    token = visit_links.visit_token(visit, expires_on)
    school = visit.school
    queue_email(
        school=school,
        to_address=visit.contact_email,
        subject=f"{school.name}: a visit from our peer mentors on {day_words(visit.visit_on)}",
        body=_plan_email_body(visit, visit_links.visit_url(visit, school, token), expires_on),
        holds_secret=True,
    )
    audit(visit, "visit_plan_sent", by, to=visit.contact_email, link_until=expires_on)
