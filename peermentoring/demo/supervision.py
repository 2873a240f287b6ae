"""This year's weekly supervision at Oakbrook, through the supervision services.

Called by `demo.builder.load_demo` after the meetings. Two groups of this year's
mentors meet the coordinator each school week since the first pairings began, on
Tuesday and Thursday lunchtimes; each session records attendance, the meetings each
mentor had the school week before (as the logs count them: the mentor agrees, so no
week count is added and last year's and this year's totals stay as `demo.meetings`
made them), the odd problem discussed, and actions with an owner and a due date,
most closed at a later session. The deputy safeguarding lead covered one session; one
mentor was absent twice running; this week's Thursday session is saved but not yet
finished, so the coordinator has it to complete.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.matching.models import Pairing
from peermentoring.meetings.counting import monday, school_weeks
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, Membership, School, SchoolDayWindow
from peermentoring.supervision import services
from peermentoring.supervision.models import Action, Session, SessionMentor

PROBLEMS = [
    "Mentee keeps missing break meetings: goes to the library instead.",
    "Mentee upset about a group chat; we talked about what to say and who to tell.",
    "Finds lunch meetings hard to fit around football practice.",
    "Mentee says a Year 9 pupil pushes in front of him in the lunch queue.",
    "Mentee struggling with homework deadlines in science.",
    "Not sure what to talk about now the mentee has settled in.",
]
ACTIONS = [
    ("Move meetings to Thursday AM registration", "mentor"),
    ("Speak to the form tutor about the lunch queue", "coordinator"),
    ("Bring the homework planner to the next meeting", "mentor"),
    ("Find out about the Year 7 chess club and tell the mentee", "mentor"),
    ("Check in with the head of Year 7", "coordinator"),
    ("Try a walk-and-talk at break instead of sitting in the room", "mentor"),
]


def _at(day: dt.date, time: dt.time, minutes: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time) + dt.timedelta(minutes=minutes))


def load_supervision_demo(school: School) -> None:
    """Two groups, a session each school week so far, with reports and actions."""
    rng = random.Random(2027)
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    deputy = (
        Membership.objects.filter(school=school, role=Role.DEPUTY_SAFEGUARDING_LEAD)
        .select_related("user")
        .first()
    )
    this_year = AcademicYear.objects.for_school(school).first()
    assert this_year is not None
    mentors = list(
        Mentor.objects.for_school(school)
        .for_year(this_year)
        .trained()
        .select_related("pupil")
        .order_by("pupil__family_name", "pupil__given_name", "pk")
    )
    pairings = list(Pairing.objects.for_school(school).active().order_by("started_on"))
    if not mentors or not pairings:
        return
    accounts = dict(
        Membership.objects.for_school(school)
        .filter(pupil__in=[m.pupil_id for m in mentors])
        .values_list("pupil_id", "user")
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=accounts.values())}
    lunch = {
        w.weekday: w
        for w in SchoolDayWindow.objects.for_school(school).active().filter(kind="lunch")
    }
    half = (len(mentors) + 1) // 2
    groups = [
        services.create_group(
            school=school,
            name=name,
            coordinator=coordinator,
            window=lunch[weekday],
            members=members,
            by=coordinator,
        )
        for name, weekday, members in (
            ("Tuesday lunch group", 1, mentors[:half]),
            ("Thursday lunch group", 3, mentors[half:]),
        )
        if weekday in lunch and members
    ]
    today = timezone.localdate()
    first_week = monday(pairings[0].started_on) + dt.timedelta(days=7)
    weeks = school_weeks(school, first_week, today)
    absent_twice = mentors[half] if len(mentors) > half else mentors[0]
    covered = rng.randrange(len(weeks)) if weeks else -1
    for number, week in enumerate(weeks):
        for group in groups:
            held_on = week + dt.timedelta(days=group.window.weekday)
            if held_on >= today:
                continue
            last = week == weeks[-1]
            _hold(
                group_session=services.open_session(group=group, by=coordinator, today=held_on),
                coordinator=coordinator,
                cover=deputy.user if deputy and number == covered and group == groups[0] else None,
                users={m.pk: users.get(accounts.get(m.pupil_id, 0)) for m in mentors},
                absent_twice=absent_twice if number >= len(weeks) - 2 else None,
                finish=not (last and group == groups[-1]),
                rng=rng,
            )


def _hold(
    *,
    group_session: Session,
    coordinator: User,
    cover: User | None,
    users: dict[int, User | None],
    absent_twice: Mentor | None,
    finish: bool,
    rng: random.Random,
) -> None:
    """One session: attendance, the logs agreed, a problem or two, actions agreed and closed."""
    session = group_session
    leader = coordinator
    if cover is not None:
        session = services.hand_to_colleague(session=session, colleague=cover, by=coordinator)
        leader = cover
    rows = list(SessionMentor.objects.filter(session=session).select_related("mentor__pupil"))
    reports, actions = [], []
    for row in rows:
        if absent_twice is not None and row.mentor_id == absent_twice.pk:
            attendance = SessionMentor.Attendance.ABSENT
        else:
            attendance = rng.choices(list(SessionMentor.Attendance), weights=[90, 5, 5], k=1)[0]
        present = attendance == SessionMentor.Attendance.PRESENT
        problems = rng.choice(PROBLEMS) if present and rng.random() < 0.12 else ""
        reports.append(
            services.MentorReport(
                mentor_id=row.mentor_id,
                attendance=attendance,
                reported_meetings=row.logged_meetings if present else None,
                problems=problems,
            )
        )
        if problems:
            text, owner = rng.choice(ACTIONS)
            mentor_user = users.get(row.mentor_id)
            actions.append(
                services.NewAction(
                    mentor_id=row.mentor_id,
                    text=text,
                    owner=coordinator if owner == "coordinator" else mentor_user,
                    owner_name="" if owner == "coordinator" or mentor_user else str(row.mentor),
                    due_on=session.held_on + dt.timedelta(days=rng.choice([7, 7, 14])),
                )
            )
    due = [
        a
        for a in services.carried_over(session)
        if a.due_on is not None and a.due_on <= session.held_on and rng.random() < 0.8
    ]
    saved = services.save_session(
        session=session,
        version=session.version,
        reports=reports,
        new_actions=actions,
        close_actions=due,
        finish=finish,
        by=leader,
    )
    # History: saved at the end of that lunchtime, not today.
    ended = _at(saved.held_on, saved.group.window.end_time, 5)
    Session.objects.filter(pk=saved.pk).update(saved_at=ended)
    Action.objects.filter(session=saved).update(created_at=ended)
    Action.objects.filter(pk__in=[a.pk for a in due]).update(closed_at=ended)
