"""Supervision groups, sessions, what each mentor reports and the actions agreed: every change.

A session's save names the version it was read at; `save_session` moves the version on
with `UPDATE ... WHERE version = n`, so of two people saving at once the second is told
about the first (`StaleSession`) and nothing is silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.core.roles import STAFF_ROLES
from peermentoring.matching.models import Pairing
from peermentoring.meetings import rules
from peermentoring.meetings.counting import monday, pairing_week_totals, school_weeks
from peermentoring.meetings.services import record_week_count
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import Membership, School, SchoolDayWindow
from peermentoring.supervision.models import (
    ACTION_MAX,
    TEXT_MAX,
    Action,
    Session,
    SessionMentor,
    SupervisionGroup,
)

NOT_STAFF = "Choose a member of staff of this school."
NOT_OUR_MENTOR = "Choose mentors of this school."
NOT_OUR_WINDOW = "Choose one of this school's break, lunch or registration times."
NOT_OUR_OWNER = "Choose the action's owner from this school's staff or the mentor."
NAME_TAKEN = "The school already has a group called {name}."
ACTION_NEEDS_TEXT = "Say what the action is, or leave its owner and date empty."
FINISHED = "This session is finished: it cannot be changed."
TWO_PAIRINGS = "{mentor} has {n} mentees: the number is kept here, not added to a pairing."
NO_PAIRING = "{mentor} has no mentee now: the number is kept here."
NO_WEEK = "There was no school week before this one: the number is kept here."


class StaleSession(ValidationError):
    """Someone else saved the session after this form was opened."""

    def __init__(self, current: Session) -> None:
        who = current.saved_by.first_name if current.saved_by else "Someone"
        when = timezone.localtime(current.saved_at) if current.saved_at else timezone.localtime()
        super().__init__(
            f"{who} saved this session at {when:%H:%M} while you were editing: "
            "your changes are below, check them and save again.",
            code="stale",
        )
        self.current = current


@dataclass(frozen=True)
class MentorReport:
    """What the session form says of one mentor."""

    mentor_id: int
    attendance: str
    reported_meetings: int | None
    problems: str = ""
    has_raised_concern: bool = False


@dataclass(frozen=True)
class NewAction:
    mentor_id: int | None
    text: str
    owner: User | None = None
    owner_name: str = ""
    due_on: dt.date | None = None


# --- Groups --------------------------------------------------------------------------


def staff_users(school: School) -> list[User]:
    """Who may coordinate a group or cover a session: the school's active staff."""
    ids = Membership.objects.staff_of(school).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids).order_by("first_name", "last_name"))


def _check_group(
    *, school: School, name: str, coordinator: User, window: SchoolDayWindow, members: list[Mentor]
) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the group a name."})
    if not Membership.objects.staff_of(school).filter(user=coordinator).exists():
        raise ValidationError({"coordinator": NOT_STAFF})
    if window.school_id != school.pk:
        raise ValidationError({"window": NOT_OUR_WINDOW})
    if any(m.school_id != school.pk for m in members):
        raise ValidationError({"members": NOT_OUR_MENTOR})
    return name


@transaction.atomic
def create_group(
    *,
    school: School,
    name: str,
    coordinator: User,
    window: SchoolDayWindow,
    members: Iterable[Mentor],
    by: User,
) -> SupervisionGroup:
    """A new group of the school's mentors, with its coordinator and usual day and time."""
    chosen = list(members)
    name = _check_group(
        school=school, name=name, coordinator=coordinator, window=window, members=chosen
    )
    if SupervisionGroup.objects.for_school(school).filter(name__iexact=name).exists():
        raise ValidationError({"name": NAME_TAKEN.format(name=name)})
    group = SupervisionGroup.objects.create(
        school=school, name=name, coordinator=coordinator, window=window
    )
    group.members.set(chosen)
    record(
        action="supervision.group_created",
        target=group,
        by=by,
        changes={"members": sorted(m.pk for m in chosen)},
    )
    return group


@transaction.atomic
def change_group(
    *,
    group: SupervisionGroup,
    name: str,
    coordinator: User,
    window: SchoolDayWindow,
    members: Iterable[Mentor],
    by: User,
) -> SupervisionGroup:
    """Rename a group, change its coordinator, day and time, or who is in it."""
    chosen = list(members)
    school = group.school
    name = _check_group(
        school=school, name=name, coordinator=coordinator, window=window, members=chosen
    )
    clash = SupervisionGroup.objects.for_school(school).filter(name__iexact=name)
    if clash.exclude(pk=group.pk).exists():
        raise ValidationError({"name": NAME_TAKEN.format(name=name)})
    group.name, group.coordinator, group.window = name, coordinator, window
    group.save(update_fields=["name", "coordinator", "window"])
    group.members.set(chosen)
    record(
        action="supervision.group_changed",
        target=group,
        by=by,
        changes={"members": sorted(m.pk for m in chosen), "coordinator": coordinator.pk},
    )
    return group


# --- Sessions ------------------------------------------------------------------------


def previous_school_week(school: School | int, week_of: dt.date) -> dt.date | None:
    """The Monday of the school week before this one (holidays skipped), if any."""
    weeks = school_weeks(school, week_of - dt.timedelta(days=70), week_of - dt.timedelta(days=1))
    return weeks[-1] if weeks else None


def logged_meetings(
    school: School | int, mentor_ids: Sequence[int], week: dt.date | None
) -> dict[int, int]:
    """Mentor id -> meetings their pairings had that school week, as every total counts them."""
    if week is None or not mentor_ids:
        return {}
    pairing_mentor = dict(
        Pairing.objects.for_school(school)
        .filter(mentor__in=mentor_ids)
        .values_list("pk", "mentor_id")
    )
    totals: dict[int, int] = defaultdict(int)
    for (pairing_id, _), n in pairing_week_totals(
        school, week, week + dt.timedelta(days=4), pairings=list(pairing_mentor)
    ).items():
        totals[pairing_mentor[pairing_id]] += n
    return dict(totals)


def _add_rows(session: Session) -> None:
    """A row for every member not yet in the session, their logs pre-filled."""
    have = set(session.mentor_rows.values_list("mentor_id", flat=True))
    new = [pk for pk in session.group.members.values_list("pk", flat=True) if pk not in have]
    if not new:
        return
    logs = logged_meetings(
        session.school_id, new, previous_school_week(session.school_id, session.week_of)
    )
    SessionMentor.objects.bulk_create(
        [
            SessionMentor(session=session, mentor_id=pk, logged_meetings=logs.get(pk, 0))
            for pk in new
        ],
        ignore_conflicts=True,
    )


def open_session(*, group: SupervisionGroup, by: User, today: dt.date | None = None) -> Session:
    """This school week's session of the group: made the first time it is opened."""
    today = today or rules.now().date()
    week = monday(today)
    session = Session.objects.filter(group=group, week_of=week).first()
    if session is None:
        try:
            with transaction.atomic():
                session = Session.objects.create(
                    school_id=group.school_id,
                    group=group,
                    week_of=week,
                    held_on=week + dt.timedelta(days=group.window.weekday),
                    led_by=group.coordinator,
                )
                record(action="supervision.session_opened", target=session, by=by)
        except IntegrityError:
            # Opened by someone else at the same moment: theirs is this week's.
            session = Session.objects.get(group=group, week_of=week)
    if not session.is_finished:
        with transaction.atomic():
            _add_rows(session)
    return session


@transaction.atomic
def hand_to_colleague(*, session: Session, colleague: User, by: User) -> Session:
    """A colleague covers the session: they lead it, and may edit it."""
    if not Membership.objects.staff_of(session.group.school).filter(user=colleague).exists():
        raise ValidationError({"colleague": NOT_STAFF})
    before = session.led_by_id
    Session.objects.filter(pk=session.pk).update(led_by=colleague)
    session.led_by = colleague
    record(
        action="supervision.session_covered",
        target=session,
        by=by,
        changes={"led_by": [before, colleague.pk]},
    )
    return session


def may_edit(session: Session, user: User, role: str) -> bool:
    """The school's coordinators, and the colleague leading the session (cover)."""
    return role == "coordinator" or session.led_by_id == user.pk


def owners_for(session: Session) -> dict[int, User]:
    """Who may own an action: the school's staff and the group's mentors' own accounts."""
    school = session.school_id
    members = Membership.objects.for_school(school).active()
    staff = members.filter(role__in=STAFF_ROLES)
    mentors = members.filter(pupil__mentor_records__in=session.group.members.all())
    ids = set(staff.values_list("user_id", flat=True)) | set(
        mentors.values_list("user_id", flat=True)
    )
    return {u.pk: u for u in User.objects.filter(pk__in=ids)}


def _keep_count(
    *, row: SessionMentor, mentor: Mentor, week: dt.date | None, pairings: list[Pairing], by: User
) -> None:
    """A report that differs from the logs counts as the pairing's week count where it can."""
    row.is_count_recorded, row.count_kept_because = False, ""
    if row.reported_meetings is None or row.reported_meetings == row.logged_meetings:
        return
    if week is None:
        row.count_kept_because = NO_WEEK
    elif not pairings:
        row.count_kept_because = NO_PAIRING.format(mentor=mentor)
    elif len(pairings) > 1:
        row.count_kept_because = TWO_PAIRINGS.format(mentor=mentor, n=len(pairings))
    else:
        try:
            record_week_count(pairing=pairings[0], week_of=week, count=row.reported_meetings, by=by)
        except ValidationError as error:
            row.count_kept_because = " ".join(error.messages)[:200]
        else:
            row.is_count_recorded = True


def _clean_action(item: NewAction, owners: dict[int, User], mentor_ids: set[int]) -> NewAction:
    text = item.text.strip()
    if not text:
        raise ValidationError(ACTION_NEEDS_TEXT)
    if len(text) > ACTION_MAX:
        raise ValidationError(f"Keep an action to {ACTION_MAX} characters.")
    if item.owner is not None and item.owner.pk not in owners:
        raise ValidationError(NOT_OUR_OWNER)
    if item.mentor_id is not None and item.mentor_id not in mentor_ids:
        raise ValidationError(NOT_OUR_MENTOR)
    return item


@transaction.atomic
def save_session(
    *,
    session: Session,
    version: int,
    reports: Sequence[MentorReport],
    new_actions: Sequence[NewAction] = (),
    close_actions: Sequence[Action] = (),
    finish: bool = False,
    submission_key: uuid.UUID | None = None,
    by: User,
) -> Session:
    """Save what the form holds, if nobody saved the session since the form was opened.

    The same form sent twice (same `submission_key`) is saved once. A reported number of
    meetings that differs from the logs becomes the pairing's week count (when the mentor
    has exactly one pairing), so every total counts it.
    """
    if submission_key is not None and session.last_submission_key == submission_key:
        return session  # the same form sent twice, after the first was saved
    if session.is_finished:
        raise ValidationError(FINISHED)
    rows = {r.mentor_id: r for r in session.mentor_rows.select_related("mentor__pupil")}
    owners = owners_for(session)
    actions = [_clean_action(a, owners, set(rows)) for a in new_actions]
    for report in reports:
        if report.mentor_id not in rows:
            raise ValidationError(NOT_OUR_MENTOR)
        if report.attendance not in ("", *SessionMentor.Attendance.values):
            raise ValidationError("Say whether each mentor was present, absent or excused.")
        if report.reported_meetings is not None and not 0 <= report.reported_meetings <= 15:
            raise ValidationError("Give a number of meetings from 0 to 15.")
        if len(report.problems) > TEXT_MAX:
            raise ValidationError(f"Keep the problems discussed to {TEXT_MAX} characters.")
    if any(a.group_id != session.group_id or not a.is_open for a in close_actions):
        raise ValidationError("Choose open actions of this group to close.")
    now = timezone.now()
    moved = Session.objects.filter(pk=session.pk, version=version).update(
        version=version + 1,
        saved_at=now,
        saved_by=by,
        last_submission_key=submission_key,
        status=Session.Status.FINISHED if finish else Session.Status.OPEN,
    )
    if not moved:
        current = Session.objects.select_related("saved_by").get(pk=session.pk)
        if submission_key is not None and current.last_submission_key == submission_key:
            return current  # the same form sent twice: saved already
        raise StaleSession(current)
    _write(session=session, rows=rows, reports=reports, by=by)
    Action.objects.bulk_create(
        [
            Action(
                school_id=session.school_id,
                group_id=session.group_id,
                session=session,
                mentor_id=a.mentor_id,
                text=a.text.strip(),
                owner=a.owner,
                owner_name="" if a.owner else a.owner_name.strip()[:100],
                due_on=a.due_on,
                created_by=by,
            )
            for a in actions
        ]
    )
    Action.objects.filter(pk__in=[a.pk for a in close_actions]).update(closed_at=now, closed_by=by)
    session.refresh_from_db()
    record(
        action="supervision.session_saved",
        target=session,
        by=by,
        changes={
            "version": session.version,
            "status": session.status,
            "actions_added": len(actions),
            "actions_closed": len(close_actions),
        },
    )
    return session


def _write(
    *, session: Session, rows: dict[int, SessionMentor], reports: Sequence[MentorReport], by: User
) -> None:
    week = previous_school_week(session.school_id, session.week_of)
    ids = [r.mentor_id for r in reports]
    logs = logged_meetings(session.school_id, ids, week)
    pairings: dict[int, list[Pairing]] = defaultdict(list)
    for pairing in (
        Pairing.objects.for_school(session.school_id)
        .active()
        .filter(mentor__in=ids)
        .select_related("mentor__pupil", "mentee", "school")
    ):
        pairings[pairing.mentor_id].append(pairing)
    for report in reports:
        row = rows[report.mentor_id]
        if not row.is_count_recorded:
            # Once the report is a week count the logs include it: keep what they said before.
            row.logged_meetings = logs.get(report.mentor_id, 0)
        row.attendance = report.attendance
        row.reported_meetings = report.reported_meetings
        row.problems = report.problems.strip()
        row.has_raised_concern = row.has_raised_concern or report.has_raised_concern
        _keep_count(
            row=row, mentor=row.mentor, week=week, pairings=pairings[report.mentor_id], by=by
        )
        row.save()


@transaction.atomic
def close_action(*, action: Action, by: User) -> Action:
    """Close an open action: it no longer carries over to the group's sessions."""
    if not action.is_open:
        return action
    action.closed_at, action.closed_by = timezone.now(), by
    action.save(update_fields=["closed_at", "closed_by"])
    record(action="supervision.action_closed", target=action, by=by)
    return action


# --- What the session page flags ---------------------------------------------------------


def absent_twice_running(session: Session) -> set[int]:
    """Mentors of the session whose last two recorded sessions of this group were absences."""
    rows = (
        SessionMentor.objects.filter(
            session__group=session.group_id, session__week_of__lte=session.week_of
        )
        .exclude(attendance="")
        .order_by("mentor_id", "-session__week_of")
        .values_list("mentor_id", "attendance")
    )
    last: dict[int, list[str]] = defaultdict(list)
    for mentor_id, attendance in rows:
        if len(last[mentor_id]) < 2:
            last[mentor_id].append(attendance)
    absent = SessionMentor.Attendance.ABSENT
    return {pk for pk, seen in last.items() if seen == [absent, absent]}


def carried_over(session: Session) -> list[Action]:
    """The group's open actions agreed at this session or before: shown until closed."""
    return list(
        Action.objects.filter(group=session.group_id, session__week_of__lte=session.week_of)
        .still_open()
        .select_related("owner", "mentor__pupil", "session")
    )
