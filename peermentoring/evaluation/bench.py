"""The evaluation benchmark for `make bench`: a trust of 500 schools and ~1,000,000 meetings
on PostgreSQL; the term report of one school and the trust view of the whole trust, each
next to the same aggregation written by hand as one SQL query, on the same data in the
same run. Printed, never asserted.

    python -m peermentoring.evaluation.bench                 # 500 schools, 1,000,000 meetings
    python -m peermentoring.evaluation.bench --schools 20 --meetings 40000   # a quick look
    python -m peermentoring.evaluation.bench --indexes       # also time candidate indexes

PostgreSQL: the server of DATABASE_URL when it is set, else postgres@127.0.0.1:5432; the
benchmark creates its own database (`pm_bench`) and drops it at the end (`--keep` keeps
it, `--reuse` measures a kept one again without generating).

The data are written with COPY (meetings, week counts, drop-in visits, supervision
registers) and bulk_create (pupils, mentors, referrals, pairings, concerns, recruitment,
supervision): 50 s on two idle cores, 100 s on busy ones.

Printed: for each figure, the median time through the ORM (`figures`, `counting`, the
trust view's page and CSV through the test client) beside the same figures from one
hand-written query, which must give the same numbers; whether the one school's report and
the trust view meet issue 16's goals (the ORM within 1.5× of the SQL; the trust view under
300 ms); then how many queries `figures.by_school` makes (one) and its slowest subqueries.
`by_school` builds its query once per span and thread: the lines "built afresh" time a
span's first call, building included. The header says the number of runs,
the JIT setting of the connection and the machine's load average: the times are wall
times on a shared machine. PostgreSQL compiles a query whose estimated cost passes
`jit_above_cost` (JIT, on by default): that costs the ORM's largest query 12-40 ms and
the one big hand-written query seconds, so every table is printed again with `jit=off`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from peermentoring.schools.models import School, Trust

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/pm_bench"
DATABASE = "pm_bench"
YEAR = 2025  # the academic year 2025–26, wholly past: its autumn term is the one reported
PAIRINGS_PER_SCHOOL = 40
MENTORS_PER_SCHOOL = 30
WAITING_PER_SCHOOL = 6  # accepted referrals still without a mentor
OTHER_PUPILS_PER_SCHOOL = 40
WEEK_COUNT_SHARE = 0.08  # pairing-weeks with a "met N times" count
GOAL_RATIO = 1.5
GOAL_TRUST_MS = 300.0


# --- the database ---------------------------------------------------------------------


def _conninfo(url: str, dbname: str | None = None) -> str:
    import dj_database_url

    parsed = dj_database_url.parse(url)
    parts = {
        "host": parsed.get("HOST") or "",
        "port": str(parsed.get("PORT") or ""),
        "user": parsed.get("USER") or "",
        "password": parsed.get("PASSWORD") or "",
        "dbname": dbname or parsed.get("NAME") or "postgres",
    }
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _create_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_conninfo(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(_conninfo(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Rows into a table through COPY (psycopg 3): the fastest way in."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    made = 0
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            made += 1
    return made


# --- the generated trust --------------------------------------------------------------


@dataclass
class Generated:
    trust: Trust
    schools: int
    pupils: int
    pairings: int
    meetings: int
    week_counts: int
    visits: int
    seconds: float


def _teaching_days(terms: Sequence[Any]) -> list[dt.date]:
    days = []
    day = min(t.starts_on for t in terms)
    last = max(t.ends_on for t in terms)
    while day <= last:
        if any(t.is_teaching_day(day) for t in terms):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def generate(schools: int, meetings: int, rng: random.Random) -> Generated:
    """A trust of `schools` schools, each with last year's terms, pupils, mentors, pairings,
    their meetings (about `meetings` in all), "met N times" counts and drop-in visits."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from peermentoring.matching.models import Pairing
    from peermentoring.meetings.models import Meeting, WeekCount
    from peermentoring.mentors.models import Mentor
    from peermentoring.referrals.models import Referral
    from peermentoring.schools.calendar import default_term_dates
    from peermentoring.schools.models import AcademicYear, Pupil, SchoolDayWindow, Term, Trust
    from peermentoring.schools.services import create_school

    started = time.perf_counter()
    trust = Trust.objects.create(name="Bench Learning Trust", slug="bench-trust")
    made_schools = []
    for n in range(schools):
        with transaction.atomic():
            made_schools.append(
                create_school(
                    name=f"Bench School {n + 1:03d}",
                    slug=f"bench-{n + 1:03d}",
                    trust=trust,
                    by=None,
                )
            )
    print(f"  {schools} schools made in {time.perf_counter() - started:.0f} s", flush=True)

    dates = default_term_dates(YEAR)
    years = AcademicYear.objects.bulk_create(
        [
            AcademicYear(
                school=s,
                name=f"{YEAR}–{(YEAR + 1) % 100:02d}",
                starts_on=dt.date(YEAR, 9, 1),
                ends_on=dt.date(YEAR + 1, 8, 31),
            )
            for s in made_schools
        ]
    )
    terms = Term.objects.bulk_create(
        [
            Term(
                academic_year=y,
                name=d.name,
                starts_on=d.starts_on,
                ends_on=d.ends_on,
                half_term_starts_on=d.half_term_starts_on,
                half_term_ends_on=d.half_term_ends_on,
            )
            for y in years
            for d in dates
        ]
    )
    days = _teaching_days(terms[:3])
    year_of = {y.school_id: y for y in years}

    # Pupils: Year 10 mentors, Year 7 mentees (paired and waiting), others.
    per_school = MENTORS_PER_SCHOOL + PAIRINGS_PER_SCHOOL + WAITING_PER_SCHOOL
    per_school += OTHER_PUPILS_PER_SCHOOL
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(
                school=s,
                given_name=f"P{n}",
                family_name=f"S{s.pk}-{n}",
                year_group=(
                    10
                    if n < MENTORS_PER_SCHOOL
                    else 7
                    if n < per_school - OTHER_PUPILS_PER_SCHOOL
                    else rng.choice([8, 9, 11])
                ),
                gender=rng.choice(["female", "male"]),
            )
            for s in made_schools
            for n in range(per_school)
        ],
        batch_size=5000,
    )
    by_school: dict[int, list[Any]] = {}
    for p in pupils:
        by_school.setdefault(p.school_id, []).append(p)
    mentors = Mentor.objects.bulk_create(
        [
            Mentor(
                school_id=sid,
                pupil=p,
                academic_year=year_of[sid],
                status=Mentor.Status.TRAINED,
                capacity=2,
            )
            for sid, ps in by_school.items()
            for p in ps[:MENTORS_PER_SCHOOL]
        ],
        batch_size=5000,
    )
    mentors_of: dict[int, list[Any]] = {}
    for m in mentors:
        mentors_of.setdefault(m.school_id, []).append(m)
    referrals = Referral.objects.bulk_create(
        [
            Referral(
                school_id=sid,
                pupil=p,
                source=Referral.Source.STAFF,
                status=(
                    Referral.Status.MATCHED if i < PAIRINGS_PER_SCHOOL else Referral.Status.ACCEPTED
                ),
                consent=Referral.Consent.GIVEN,
                # Referrals arrive through the autumn.
                referred_at=timezone.make_aware(
                    dt.datetime.combine(days[rng.randrange(60)], dt.time(9))
                ),
            )
            for sid, ps in by_school.items()
            for i, p in enumerate(
                ps[
                    MENTORS_PER_SCHOOL : MENTORS_PER_SCHOOL
                    + PAIRINGS_PER_SCHOOL
                    + WAITING_PER_SCHOOL
                ]
            )
        ],
        batch_size=5000,
    )
    first_day, last_day = days[0], days[-1]
    pairing_rows = []
    for r in referrals:
        if r.status != Referral.Status.MATCHED:
            continue
        start = first_day + dt.timedelta(days=rng.choice([0, 0, 0, 7, 14, 28, 60]))
        ended = rng.random() < 0.2
        end = start + dt.timedelta(days=rng.randint(60, 250)) if ended else None
        if end is not None and end > last_day:
            end = None
        pairing_rows.append(
            Pairing(
                school_id=r.school_id,
                mentor=rng.choice(mentors_of[r.school_id]),
                mentee=r.pupil,
                referral=r,
                status=Pairing.Status.ENDED if end else Pairing.Status.ACTIVE,
                started_on=start,
                ended_on=end,
                end_reason=(
                    rng.choice([Pairing.EndReason.NO_LONGER_NEEDED, Pairing.EndReason.MOVED_SCHOOL])
                    if end
                    else ""
                ),
            )
        )
    pairings = Pairing.objects.bulk_create(pairing_rows, batch_size=5000)
    print(
        f"  {len(pupils):,} pupils, {len(mentors):,} mentors, {len(pairings):,} pairings "
        f"at {time.perf_counter() - started:.0f} s",
        flush=True,
    )

    # Windows of each school: weekday -> [break, lunch] ids; lunch for the drop-in.
    meet_windows: dict[tuple[int, int], list[int]] = {}
    lunch: dict[tuple[int, int], int] = {}
    for sid, weekday, kind, pk in SchoolDayWindow.objects.filter(school__trust=trust).values_list(
        "school_id", "weekday", "kind", "pk"
    ):
        if kind != SchoolDayWindow.Kind.AM_REGISTRATION:
            meet_windows.setdefault((sid, weekday), []).append(pk)
        if kind == SchoolDayWindow.Kind.LUNCH:
            lunch[(sid, weekday)] = pk

    open_days = {
        p.pk: [d for d in days if d >= p.started_on and (not p.ended_on or d <= p.ended_on)]
        for p in pairings
    }
    share = min(1.0, meetings / max(sum(len(d) for d in open_days.values()), 1))
    now = timezone.now()
    statuses = [Meeting.Status.HAPPENED] * 12 + [
        Meeting.Status.MENTEE_ABSENT,
        Meeting.Status.MENTOR_ABSENT,
        Meeting.Status.CANCELLED,
    ]

    def meeting_rows() -> Iterable[tuple[object, ...]]:
        for p in pairings:
            for day in open_days[p.pk]:
                if rng.random() >= share:
                    continue
                status = rng.choice(statuses)
                happened = status == Meeting.Status.HAPPENED
                yield (
                    p.school_id,
                    p.pk,
                    day,
                    rng.choice(meet_windows[(p.school_id, day.weekday())]),
                    status,
                    rng.choice([5, 10, 15, 20]) if happened else None,
                    rng.randint(2, 5) if happened else None,
                    "",
                    now,
                )

    made_meetings = _copy(
        Meeting._meta.db_table,
        [
            "school_id",
            "pairing_id",
            "held_on",
            "window_id",
            "status",
            "minutes",
            "mood",
            "note",
            "logged_at",
        ],
        meeting_rows(),
    )
    print(f"  {made_meetings:,} meetings at {time.perf_counter() - started:.0f} s", flush=True)

    mondays = sorted({d - dt.timedelta(days=d.weekday()) for d in days})

    def count_rows() -> Iterable[tuple[object, ...]]:
        for p in pairings:
            for week in mondays:
                if week < p.started_on or (p.ended_on and week > p.ended_on):
                    continue
                if rng.random() < WEEK_COUNT_SHARE:
                    yield (p.school_id, p.pk, week, rng.randint(1, 4), now)

    made_counts = _copy(
        WeekCount._meta.db_table,
        ["school_id", "pairing_id", "week_of", "count", "recorded_at"],
        count_rows(),
    )

    from peermentoring.dropin.models import DEFAULT_ROOM, Room, Visit

    rooms = Room.objects.bulk_create([Room(school=s, name=DEFAULT_ROOM) for s in made_schools])

    def visit_rows() -> Iterable[tuple[object, ...]]:
        for room in rooms:
            for day in days:
                if rng.random() < 0.7:
                    yield (
                        room.school_id,
                        room.pk,
                        lunch[(room.school_id, day.weekday())],
                        day,
                        rng.randint(0, 6),
                        rng.randint(0, 4),
                        rng.randint(0, 3),
                        "",
                        now,
                        1,
                    )

    made_visits = _copy(
        Visit._meta.db_table,
        [
            "school_id",
            "room_id",
            "window_id",
            "held_on",
            "year7",
            "year8",
            "older",
            "names",
            "recorded_at",
            "version",
        ],
        visit_rows(),
    )
    from peermentoring.core.roles import Role
    from peermentoring.schools.models import Membership

    lead = get_user_model().objects.create_user(
        username="bench-lead", email="bench-lead@example.org", first_name="T", last_name="Lead"
    )
    Membership.objects.bulk_create(
        [Membership(user=lead, school=s, role=Role.TRUST_LEAD) for s in made_schools]
    )
    made_extras = _extras(made_schools, by_school, mentors_of, year_of, days, rng)
    print(f"  {made_extras:,} other rows at {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Generated(
        trust=trust,
        schools=schools,
        pupils=len(pupils),
        pairings=len(pairings),
        meetings=made_meetings,
        week_counts=made_counts,
        visits=made_visits,
        seconds=time.perf_counter() - started,
    )


def _extras(
    schools: Sequence[School],
    pupils_of: dict[int, list[Any]],
    mentors_of: dict[int, list[Any]],
    year_of: dict[int, Any],
    days: Sequence[dt.date],
    rng: random.Random,
) -> int:
    """What the other headline figures count, at a school's usual scale: referrals' dates,
    concerns, a recruitment round, fortnightly supervision with its register and actions,
    (primary visits, events and 'tell us' reports stay empty)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from peermentoring.recruitment.models import Application, Interview, RecruitmentRound
    from peermentoring.safeguarding.models import Concern
    from peermentoring.schools.models import SchoolDayWindow
    from peermentoring.supervision.models import Action, Session, SessionMentor, SupervisionGroup

    def moment(day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randrange(60))))

    staff = get_user_model().objects.create_user(
        username="bench-staff", email="bench-staff@example.org", first_name="B", last_name="Staff"
    )
    made = 0
    concerns = []
    for s in schools:
        mentees = pupils_of[s.pk][MENTORS_PER_SCHOOL:]
        for _ in range(8):
            raised = moment(rng.choice(days))
            late = rng.choice([None, 20, 45, 90, 600, 3000])
            concerns.append(
                Concern(
                    school=s,
                    pupil=rng.choice(mentees),
                    raised_by=staff,
                    raised_by_role="coordinator",
                    what_happened="Bench",
                    told_staff=Concern.ToldStaff.NO,
                    urgency=Concern.Urgency.TODAY,
                    created_at=raised,
                    acknowledged_at=raised + dt.timedelta(minutes=late) if late else None,
                )
            )
    made += len(Concern.objects.bulk_create(concerns, batch_size=5000))

    rounds = RecruitmentRound.objects.bulk_create(
        [
            RecruitmentRound(
                school=s,
                academic_year=year_of[s.pk],
                opens_on=dt.date(YEAR + 1, 3, 2),
                closes_on=dt.date(YEAR + 1, 3, 20),
            )
            for s in schools
        ]
    )
    applications = []
    for r in rounds:
        others = pupils_of[r.school_id][-OTHER_PUPILS_PER_SCHOOL:]
        for n, pupil in enumerate(others[:25]):
            submitted = moment(dt.date(YEAR + 1, 3, 2) + dt.timedelta(days=rng.randrange(18)))
            offered = submitted + dt.timedelta(days=20) if n < 12 else None
            applications.append(
                Application(
                    round=r,
                    pupil=pupil,
                    status=Application.Status.OFFERED if offered else Application.Status.SUBMITTED,
                    submitted_at=submitted,
                    offered_at=offered,
                )
            )
    applications = Application.objects.bulk_create(applications, batch_size=5000)
    made += len(applications)
    interviews = Interview.objects.bulk_create(
        [
            Interview(
                application=a,
                starts_at=sent + dt.timedelta(days=10),
                ends_at=sent + dt.timedelta(days=10, minutes=15),
                staff_member=staff,
            )
            for a in applications
            if (sent := a.submitted_at) and (a.offered_at or rng.random() < 0.3)
        ],
        batch_size=5000,
    )
    made += len(interviews)

    lunch = dict(
        SchoolDayWindow.objects.filter(school__in=schools, weekday=1, kind="lunch").values_list(
            "school_id", "pk"
        )
    )
    groups = SupervisionGroup.objects.bulk_create(
        [
            SupervisionGroup(
                school=s, name="Tuesday lunch", coordinator=staff, window_id=lunch[s.pk]
            )
            for s in schools
        ]
    )
    tuesdays = sorted({d for d in days if d.weekday() == 1})[::2]
    sessions = Session.objects.bulk_create(
        [
            Session(
                school_id=g.school_id,
                group=g,
                week_of=d - dt.timedelta(days=1),
                held_on=d,
                led_by=staff,
            )
            for g in groups
            for d in tuesdays
        ],
        batch_size=5000,
    )
    made += len(sessions)
    attendance = [SessionMentor.Attendance.PRESENT] * 8 + [
        SessionMentor.Attendance.ABSENT,
        SessionMentor.Attendance.EXCUSED,
    ]
    made += _copy(
        SessionMentor._meta.db_table,
        [
            "session_id",
            "mentor_id",
            "attendance",
            "logged_meetings",
            "is_count_recorded",
            "count_kept_because",
            "problems",
            "has_raised_concern",
        ],
        (
            (session.pk, m.pk, rng.choice(attendance), 0, False, "", "", False)
            for session in sessions
            for m in mentors_of[session.school_id]
        ),
    )
    actions = []
    for session in sessions:
        closed = rng.random() < 0.7
        actions.append(
            Action(
                school_id=session.school_id,
                group_id=session.group_id,
                session=session,
                text="Bench action",
                created_at=moment(session.held_on, 13),
                closed_at=moment(session.held_on + dt.timedelta(days=14), 13) if closed else None,
                closed_by=staff if closed else None,
            )
        )
    made += len(Action.objects.bulk_create(actions, batch_size=5000))
    return made


# --- timing ---------------------------------------------------------------------------


def median_ms(run: Callable[[], object], runs: int) -> tuple[float, object]:
    """The median wall time of `runs` runs after one warm-up, and the last result."""
    result = run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def _sql(query: str, params: Any) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())


# Meetings held, reconciled as in meetings/counting.py: per pairing-week the larger of the
# itemised meetings that happened and the "met N times" count. Written two ways.
#
# Week by week: every pairing-week of the span grouped, joined to the counts. Simple,
# but on a trust's term it groups ~190,000 pairing-weeks.
WEEK_BY_WEEK_SQL = """
WITH itemised AS (
    SELECT m.school_id, m.pairing_id,
           m.held_on - (EXTRACT(ISODOW FROM m.held_on)::int - 1) AS week, COUNT(*) AS n
    FROM meetings_meeting m
    WHERE m.school_id IN (SELECT id FROM schools_school WHERE {schools}) AND m.status = 'happened'
      AND m.held_on >= %(monday)s AND m.held_on <= %(last)s
    GROUP BY 1, 2, 3
), counted AS (
    SELECT c.school_id, c.pairing_id, c.week_of AS week, c.count AS n
    FROM meetings_weekcount c
    WHERE c.school_id IN (SELECT id FROM schools_school WHERE {schools})
      AND c.week_of >= %(monday)s AND c.week_of <= %(last)s
)
SELECT school_id, SUM(GREATEST(COALESCE(i.n, 0), COALESCE(c.n, 0)))::int
FROM itemised i FULL JOIN counted c USING (school_id, pairing_id, week)
GROUP BY school_id
"""

# Split: max(itemised, count) = itemised + max(0, count - itemised), so the total is every
# itemised meeting that happened (a plain count, an index-only scan) plus, for each "met N
# times" count only, what it adds over the meetings itemised that week (one index probe).
SPLIT_SQL = """
SELECT s.id,
    COALESCE((SELECT COUNT(*) FROM meetings_meeting m
              WHERE m.school_id = s.id AND m.status = 'happened'
                AND m.held_on >= %(monday)s AND m.held_on <= %(last)s), 0)
  + COALESCE((SELECT SUM(GREATEST(0, c.count - (
                  SELECT COUNT(*) FROM meetings_meeting i
                  WHERE i.pairing_id = c.pairing_id AND i.status = 'happened'
                    AND i.held_on >= c.week_of AND i.held_on <= LEAST(c.week_of + 6, %(last)s))))
              FROM meetings_weekcount c
              WHERE c.school_id = s.id AND c.week_of >= %(monday)s AND c.week_of <= %(last)s), 0)
FROM schools_school s WHERE {schools}
"""


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def hand_sql(query: str, where: str, ids: int, first: dt.date, last: dt.date) -> dict[int, int]:
    """One hand-written query's school id -> figure; `where` picks the schools (trust or id)."""
    params = {"monday": _monday(first), "last": last, "ids": ids}
    rows = _sql(query.format(schools=where), params)
    return {sid: int(n) for sid, n in rows}


def meetings_held_orm(schools: Any, first: dt.date, last: dt.date) -> dict[int, int]:
    """The split formulation in the ORM: two queries whatever the number of schools."""
    from django.db.models import Count, DateField, ExpressionWrapper, F, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce, Greatest, Least

    from peermentoring.meetings.models import Meeting, WeekCount

    monday = _monday(first)
    held = dict(
        Meeting.objects.filter(school__in=schools, status=Meeting.Status.HAPPENED)
        .filter(held_on__gte=monday, held_on__lte=last)
        .order_by()  # Meta.ordering names window__start_time: a join, for nothing
        .values("school")
        .annotate(n=Count("*"))
        .values_list("school", "n")
    )
    week_end = ExpressionWrapper(
        OuterRef("week_of") + dt.timedelta(days=6), output_field=DateField()
    )
    itemised = (
        Meeting.objects.filter(pairing=OuterRef("pairing"), status=Meeting.Status.HAPPENED)
        .filter(held_on__gte=OuterRef("week_of"), held_on__lte=Least(week_end, last))
        .order_by()
        .values("pairing")
        .annotate(n=Count("*"))
        .values("n")
    )
    extra = dict(
        WeekCount.objects.filter(school__in=schools, week_of__gte=monday, week_of__lte=last)
        .annotate(itemised=Coalesce(Subquery(itemised), 0))
        .order_by()
        .values("school")
        .annotate(extra=Sum(Greatest(F("count") - F("itemised"), 0)))
        .values_list("school", "extra")
    )
    ids = schools.values_list("pk", flat=True)
    return {sid: held.get(sid, 0) + extra.get(sid, 0) for sid in ids}


# Every headline figure of `figures.by_school`, for every school, as one hand-written query:
# one aggregation a figure, grouped by school, joined to the schools. {tables} are the
# models' tables; the period's days in %(first)s..%(last)s (datetimes in %(start)s..%(end)s,
# the school's midnights, end excluded).
HEADLINE_SQL = """
WITH ids AS (SELECT unnest(%(ids)s::bigint[]) AS id),
itemised AS (
    SELECT school_id AS id, COUNT(*) AS n FROM {meeting}
    WHERE school_id = ANY(%(ids)s) AND status = 'happened'
      AND held_on >= %(monday)s AND held_on <= %(last)s GROUP BY 1),
bulk AS (
    SELECT c.school_id AS id, SUM(GREATEST(0, c.count - (
        SELECT COUNT(*) FROM {meeting} i
        WHERE i.pairing_id = c.pairing_id AND i.status = 'happened'
          AND i.held_on >= c.week_of AND i.held_on <= LEAST(c.week_of + 6, %(last)s)))) AS n
    FROM {weekcount} c
    WHERE c.school_id = ANY(%(ids)s) AND c.week_of >= %(monday)s AND c.week_of <= %(last)s
    GROUP BY 1),
not_held AS (
    SELECT school_id AS id, COUNT(*) AS n FROM {meeting}
    WHERE school_id = ANY(%(ids)s) AND status <> 'happened'
      AND held_on >= %(first)s AND held_on <= %(last)s GROUP BY 1),
visits AS (
    SELECT school_id AS id, SUM(year7 + year8 + older) AS n FROM {visit}
    WHERE school_id = ANY(%(ids)s) AND held_on >= %(first)s AND held_on <= %(last)s GROUP BY 1),
meeting_pairings AS (
    SELECT p.school_id AS id, COUNT(DISTINCT p.mentee_id) AS mentees,
           COUNT(DISTINCT p.mentor_id) AS mentors
    FROM {pairing} p
    WHERE p.school_id = ANY(%(ids)s) AND (
        EXISTS (SELECT 1 FROM {meeting} m WHERE m.pairing_id = p.id AND m.status = 'happened'
                  AND m.held_on >= %(monday)s AND m.held_on <= %(last)s)
        OR EXISTS (SELECT 1 FROM {weekcount} c WHERE c.pairing_id = p.id AND c.count > 0
                  AND c.week_of >= %(monday)s AND c.week_of <= %(last)s))
    GROUP BY 1),
pairings AS (
    SELECT school_id AS id,
        COUNT(*) FILTER (WHERE (ended_on IS NULL OR ended_on >= %(first)s)
                           AND started_on <= %(last)s) AS active,
        COUNT(*) FILTER (WHERE started_on >= %(first)s AND started_on <= %(last)s) AS started,
        COUNT(*) FILTER (WHERE ended_on >= %(first)s AND ended_on <= %(last)s) AS ended
    FROM {pairing} WHERE school_id = ANY(%(ids)s) GROUP BY 1),
referrals AS (
    SELECT school_id AS id,
        COUNT(*) FILTER (WHERE referred_at >= %(start)s AND referred_at < %(end)s) AS received,
        COUNT(*) FILTER (WHERE status = 'accepted' AND NOT (pupil_id IS NOT NULL AND pupil_id IN (
            SELECT mentee_id FROM {pairing} WHERE status = 'active'))) AS waiting
    FROM {referral} WHERE school_id = ANY(%(ids)s) GROUP BY 1),
applications AS (
    SELECT r.school_id AS id,
        COUNT(*) FILTER (WHERE a.submitted_at >= %(start)s AND a.submitted_at < %(end)s) AS made,
        COUNT(*) FILTER (WHERE a.offered_at >= %(start)s AND a.offered_at < %(end)s) AS offers
    FROM {application} a JOIN {round} r ON r.id = a.round_id
    WHERE r.school_id = ANY(%(ids)s) GROUP BY 1),
interviews AS (
    SELECT r.school_id AS id, COUNT(*) AS n
    FROM {interview} i JOIN {application} a ON a.id = i.application_id
    JOIN {round} r ON r.id = a.round_id
    WHERE r.school_id = ANY(%(ids)s) AND i.starts_at >= %(start)s AND i.starts_at < %(end)s
    GROUP BY 1),
sessions AS (
    SELECT school_id AS id, COUNT(*) AS n FROM {session}
    WHERE school_id = ANY(%(ids)s) AND held_on >= %(first)s AND held_on <= %(last)s GROUP BY 1),
registers AS (
    SELECT s.school_id AS id,
        COUNT(*) FILTER (WHERE sm.attendance = 'present') AS present,
        COUNT(*) FILTER (WHERE sm.attendance = 'absent') AS absent
    FROM {sessionmentor} sm JOIN {session} s ON s.id = sm.session_id
    WHERE s.school_id = ANY(%(ids)s) AND s.held_on >= %(first)s AND s.held_on <= %(last)s
    GROUP BY 1),
actions AS (
    SELECT school_id AS id,
        COUNT(*) FILTER (WHERE created_at >= %(start)s AND created_at < %(end)s) AS opened,
        COUNT(*) FILTER (WHERE closed_at >= %(start)s AND closed_at < %(end)s) AS closed
    FROM {action} WHERE school_id = ANY(%(ids)s) GROUP BY 1),
concerns AS (
    SELECT school_id AS id, COUNT(*) AS raised,
        COUNT(*) FILTER (WHERE acknowledged_at <= created_at + interval '1 hour') AS within_hour,
        COUNT(*) FILTER (WHERE acknowledged_at IS NULL) AS not_acknowledged
    FROM {concern}
    WHERE school_id = ANY(%(ids)s) AND created_at >= %(start)s AND created_at < %(end)s
    GROUP BY 1),
tellus AS (
    SELECT school_id AS id, COUNT(*) AS n FROM {tellus}
    WHERE school_id = ANY(%(ids)s) AND created_at >= %(start)s AND created_at < %(end)s
    GROUP BY 1),
primary_visits AS (
    SELECT school_id AS id, COUNT(*) AS n FROM {primaryvisit}
    WHERE school_id = ANY(%(ids)s) AND status = 'done'
      AND visit_on >= %(first)s AND visit_on <= %(last)s GROUP BY 1),
events AS (
    SELECT school_id AS id, COUNT(*) AS n FROM {event}
    WHERE school_id = ANY(%(ids)s) AND starts_on <= %(last)s AND ends_on >= %(first)s
    GROUP BY 1)
SELECT ids.id,
    COALESCE(itemised.n, 0) + COALESCE(bulk.n, 0) AS meetings_held,
    COALESCE(itemised.n, 0) AS meetings_itemised,
    COALESCE(bulk.n, 0) AS meetings_bulk_reported,
    COALESCE(not_held.n, 0) AS meetings_did_not_happen,
    COALESCE(visits.n, 0) AS dropin_visits,
    COALESCE(meeting_pairings.mentees, 0) AS mentees_supported,
    COALESCE(meeting_pairings.mentors, 0) AS mentors_meeting,
    COALESCE(pairings.active, 0) AS pairings_active,
    COALESCE(pairings.started, 0) AS pairings_started,
    COALESCE(pairings.ended, 0) AS pairings_ended,
    COALESCE(referrals.received, 0) AS referrals_received,
    COALESCE(referrals.waiting, 0) AS mentees_waiting,
    COALESCE(applications.made, 0) AS applications,
    COALESCE(interviews.n, 0) AS interviews,
    COALESCE(applications.offers, 0) AS offers,
    COALESCE(sessions.n, 0) AS supervision_sessions,
    COALESCE(registers.present, 0) AS supervision_present,
    COALESCE(registers.absent, 0) AS supervision_absent,
    COALESCE(actions.opened, 0) AS actions_opened,
    COALESCE(actions.closed, 0) AS actions_closed,
    COALESCE(concerns.raised, 0) AS concerns_raised,
    COALESCE(concerns.within_hour, 0) AS concerns_acknowledged_within_hour,
    COALESCE(concerns.not_acknowledged, 0) AS concerns_not_acknowledged,
    COALESCE(tellus.n, 0) AS tellus_reports,
    COALESCE(primary_visits.n, 0) AS primary_visits,
    COALESCE(events.n, 0) AS events
FROM ids
LEFT JOIN itemised USING (id) LEFT JOIN bulk USING (id) LEFT JOIN not_held USING (id)
LEFT JOIN visits USING (id) LEFT JOIN meeting_pairings USING (id) LEFT JOIN pairings USING (id)
LEFT JOIN referrals USING (id) LEFT JOIN applications USING (id)
LEFT JOIN interviews USING (id) LEFT JOIN sessions USING (id) LEFT JOIN registers USING (id)
LEFT JOIN actions USING (id) LEFT JOIN concerns USING (id) LEFT JOIN tellus USING (id)
LEFT JOIN primary_visits USING (id) LEFT JOIN events USING (id)
"""


def _tables() -> dict[str, str]:
    from peermentoring.dropin.models import Visit
    from peermentoring.matching.models import Pairing
    from peermentoring.meetings.models import Meeting, WeekCount
    from peermentoring.outreach.models import Event, PrimaryVisit, TellUsReport
    from peermentoring.recruitment.models import Application, Interview, RecruitmentRound
    from peermentoring.referrals.models import Referral
    from peermentoring.safeguarding.models import Concern
    from peermentoring.supervision.models import Action, Session, SessionMentor

    models = {
        "meeting": Meeting, "weekcount": WeekCount, "visit": Visit, "pairing": Pairing,
        "referral": Referral, "application": Application, "round": RecruitmentRound,
        "interview": Interview, "session": Session, "sessionmentor": SessionMentor,
        "action": Action, "concern": Concern, "tellus": TellUsReport,
        "primaryvisit": PrimaryVisit, "event": Event,
    }  # fmt: skip
    return {name: model._meta.db_table for name, model in models.items()}


def hand_headlines(ids: list[int], first: dt.date, last: dt.date) -> dict[int, dict[str, int]]:
    """school id -> every headline figure, from HEADLINE_SQL (one query)."""
    from django.db import connection
    from django.utils import timezone

    def midnight(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    params: dict[str, Any] = {
        "ids": ids,
        "first": first,
        "last": last,
        "monday": _monday(first),
        "start": midnight(first),
        "end": midnight(last + dt.timedelta(days=1)),
    }
    with connection.cursor() as cursor:
        cursor.execute(HEADLINE_SQL.format(**_tables()), params)
        names = [c.name for c in cursor.description][1:]
        return {row[0]: dict(zip(names, map(int, row[1:]), strict=True)) for row in cursor}


Result = tuple[str, float, float | None]


def measure(trust: Trust, runs: int, *, pages: bool = True) -> list[Result]:
    """(label, ORM ms, hand SQL ms) for each figure timed; the results must agree."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    from peermentoring.core.mfa import sign_in_test_client
    from peermentoring.evaluation import figures
    from peermentoring.evaluation.trust_figures import trust_table
    from peermentoring.meetings import counting
    from peermentoring.schools.models import School, Term

    schools = School.objects.filter(trust=trust).order_by("pk")
    school_ids = list(schools.values_list("pk", flat=True))
    one = schools[len(school_ids) // 2]
    term = Term.objects.for_school(one).get(
        name=Term.Name.AUTUMN, academic_year__starts_on__year=YEAR
    )
    first, last = term.starts_on, term.ends_on
    span = figures.Span.for_term(term)
    in_trust = f"trust_id = {int(trust.pk)}"
    n = len(school_ids)
    results: list[Result] = []

    def case(label: str, orm: Callable[[], object], sql: Callable[[], object] | None) -> None:
        orm_ms, orm_result = median_ms(orm, runs)
        if sql is None:
            results.append((label, orm_ms, None))
            return
        sql_ms, sql_result = median_ms(sql, runs)
        _agree(label, orm_result, sql_result)
        results.append((label, orm_ms, sql_ms))

    def afresh(run: Callable[[], object]) -> Callable[[], object]:
        # The headline query is built once per span and thread: this times the first call.
        def cold() -> object:
            figures._built.__dict__.clear()
            return run()

        return cold

    one_school = School.objects.filter(pk=one.pk)
    case(
        "term report, one school: headline figures / SQL",
        lambda: figures.by_school(one_school, span)[one.pk],
        lambda: hand_headlines([one.pk], first, last)[one.pk],
    )
    case(
        "  the same, its query built afresh / SQL",
        afresh(lambda: figures.by_school(one_school, span)[one.pk]),
        lambda: hand_headlines([one.pk], first, last)[one.pk],
    )
    case("term report, one school: every table (report)", lambda: figures.report(one, span), None)
    case(
        "meetings held, one school: counting.total / SQL",
        lambda: counting.total(one, first, last),
        lambda: hand_sql(SPLIT_SQL, f"id = {int(one.pk)}", 0, first, last)[one.pk],
    )
    case(
        f"trust view, {n} schools: by_school / SQL",
        lambda: figures.by_school(schools, span),
        lambda: hand_headlines(school_ids, first, last),
    )
    case(
        "  the same, its query built afresh / SQL",
        afresh(lambda: figures.by_school(schools, span)),
        lambda: hand_headlines(school_ids, first, last),
    )
    case(
        f"meetings held, {n} schools: range ORM / split SQL",
        lambda: meetings_held_orm(schools, first, last),
        lambda: hand_sql(SPLIT_SQL, in_trust, 0, first, last),
    )
    case(
        f"meetings held, {n} schools: range ORM / weekly SQL",
        lambda: meetings_held_orm(schools, first, last),
        lambda: hand_sql(WEEK_BY_WEEK_SQL, in_trust, 0, first, last),
    )
    if not pages:
        return results
    shown = list(schools)
    case(
        f"trust view, {n} schools: the table (trust_table)",
        lambda: trust_table(shown, span).total,
        None,
    )
    client = Client()
    sign_in_test_client(client, get_user_model().objects.get(username="bench-lead"))
    page = f"/t/{trust.slug}/evaluation/?period={span.key}"

    def get(query: str = "") -> int:
        response = client.get(page + query)
        if response.status_code != 200:
            raise RuntimeError(f"{page}: {response.status_code}")
        return len(response.content)

    # Static files by their plain names: the benchmark collects none (production's manifest).
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        case(f"trust view, {n} schools: the whole page", get, None)
        case(f"trust view, {n} schools: the CSV", lambda: get("&format=csv"), None)
    return results


def slowest_figures(trust: Trust, count: int = 6) -> tuple[int, list[tuple[float, str]]]:
    """How many queries one `by_school` over the trust makes, and the figures whose
    subqueries take longest, from PostgreSQL's EXPLAIN ANALYZE: (ms over every school, the
    figures of that subquery)."""
    import json

    from django.db import connection

    from peermentoring.evaluation import figures
    from peermentoring.schools.models import School, Term

    schools = School.objects.filter(trust=trust)
    term = Term.objects.for_school(schools.order_by("pk").first() or 0).get(
        name=Term.Name.AUTUMN, academic_year__starts_on__year=YEAR
    )
    span = figures.Span.for_term(term)
    figures.by_school(schools, span)
    queries: list[str] = []

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        figures.by_school(schools, span)
    built = figures._headline_query(span)
    rows = built.schools.filter(pk__in=schools.values("pk")).values_list("pk", *built.columns)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    # The top node's subplans, in the order of the columns they compute.
    subplans = [
        node
        for node in plan[0]["Plan"].get("Plans", [])
        if node.get("Parent Relationship") == "SubPlan"
    ]
    timed = [
        (node["Actual Total Time"] * node["Actual Loops"], ", ".join(names))
        for node, names in zip(subplans, built.columns.values(), strict=False)
    ]
    return len(queries), sorted(timed, reverse=True)[:count]


# Candidate indexes beyond the models' own, each timed alone and all together (`--indexes`): (name, table, SQL).
CANDIDATES = [
    (
        "week counts (school, week_of) + pairing, count",
        "meetings_weekcount",
        "CREATE INDEX bench_weekcount_school_week "
        "ON meetings_weekcount (school_id, week_of) INCLUDE (pairing_id, count)",
    ),
    (
        "visits (school, held_on) + year7, year8, older",
        "dropin_visit",
        "CREATE INDEX bench_visit_school_day_counts "
        "ON dropin_visit (school_id, held_on) INCLUDE (year7, year8, older)",
    ),
]


def _index_name(create: str) -> str:
    return create.split()[2]


def _with_indexes(creates: Sequence[tuple[str, str, str]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for _, _, create in creates:
            cursor.execute(create)
        for table in sorted({table for _, table, _ in creates}):
            # Index-only scans need the visibility map: a fresh VACUUM, as autovacuum keeps it.
            cursor.execute(f"VACUUM ANALYZE {table}")


def _drop_indexes(creates: Sequence[tuple[str, str, str]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for _, _, create in creates:
            cursor.execute(f"DROP INDEX IF EXISTS {_index_name(create)}")


def _agree(label: str, orm: object, sql: object) -> None:
    if orm != sql:
        raise RuntimeError(f"{label}: the ORM gives {orm!r}, the hand-written SQL {sql!r}")


def _print(results: Sequence[tuple[str, float, float | None]]) -> None:
    print(f"{'':<52} {'ORM ms':>9} {'SQL ms':>9} {'ratio':>7}")
    for label, orm_ms, sql_ms in results:
        if sql_ms is None:
            print(f"{label:<52} {orm_ms:>9.1f}")
        else:
            print(f"{label:<52} {orm_ms:>9.1f} {sql_ms:>9.1f} {orm_ms / sql_ms:>6.2f}×")
    goals = []
    for label, orm_ms, sql_ms in results:
        if not label.endswith("headline figures / SQL") and not label.endswith("by_school / SQL"):
            continue
        what = "trust view" if label.startswith("trust view") else "one school's report"
        ratio = orm_ms / (sql_ms or float("nan"))
        words = f"{what} {orm_ms:.0f} ms, ORM {ratio:.2f}× the SQL (within {GOAL_RATIO}×: "
        words += f"{'met' if ratio <= GOAL_RATIO else 'NOT met'})"
        if what == "trust view":
            words += f", under {GOAL_TRUST_MS:.0f} ms: "
            words += "met" if orm_ms < GOAL_TRUST_MS else "NOT met"
        goals.append(words)
    if goals:
        print("   goals (issue 16): " + "; ".join(goals))
        print(
            "   (with the query reused, as for every call after a span's first in a thread; "
            "the lines 'built afresh' are a span's first call)"
        )


def _print_slowest(trust: Trust) -> None:
    queries, slowest = slowest_figures(trust)
    print(
        f"\n   by_school: {queries} query; its slowest subqueries (EXPLAIN ANALYZE, ms over "
        "every school, the figures each gives):"
    )
    for ms, names in slowest:
        print(f"   {ms:7.1f}  {names}")


def _jit(on: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("RESET jit" if on else "SET jit = off")


def _measure_all(trust: Trust, runs: int, indexes: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\n== evaluation on PostgreSQL, median of {runs} runs after one warm-up, the models' "
        f"indexes, jit={jit} (the connection's: the server's unless the settings' OPTIONS set "
        f"it), load average {load:.1f} on {os.cpu_count()} cores =="
    )
    _print(measure(trust, runs))
    _print_slowest(trust)
    if jit == "on":
        _jit(False)
        print("\n== the same, jit=off for the session ==")
        _print(measure(trust, runs, pages=False))
        _jit(True)
    if not indexes:
        return
    configs = [(name, [c]) for c in CANDIDATES for name in [c[0]]]
    configs.append(("all of them", CANDIDATES))
    for name, config in configs:
        _with_indexes(config)
        try:
            print(f"\n== with the index {name} ==" if len(config) == 1 else f"\n== with {name} ==")
            _print(measure(trust, runs, pages=False))
            if len(config) > 1:
                _print_slowest(trust)
                _jit(False)
                print("\n== with all of them, jit=off for the session ==")
                _print(measure(trust, runs))
                _jit(True)
        finally:
            _drop_indexes(config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peermentoring.evaluation.bench")
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--meetings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=11, help="timed runs of each figure")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    parser.add_argument("--indexes", action="store_true", help="also time candidate indexes")
    args = parser.parse_args(argv)

    server = os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES
    if not server.startswith("postgres"):
        print("\n== evaluation: NOT measured: DATABASE_URL is not PostgreSQL ==")
        return 0
    import psycopg

    try:
        psycopg.connect(_conninfo(server, "postgres"), connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 - any failure means "not there"
        print(f"\n== evaluation: NOT measured: no PostgreSQL server ({error}) ==")
        return 0
    url = _with_database(server, DATABASE)
    if not args.reuse:
        _create_database(server, DATABASE)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peermentoring.settings")
    # DEBUG off: Django keeps no list of queries, as in production.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    # The test client speaks plain HTTP to "testserver".
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SESSION_COOKIE_SECURE"] = "false"
    os.environ["CSRF_COOKIE_SECURE"] = "false"
    import django

    django.setup()
    import warnings

    from django.core.management import call_command

    # Whitenoise looks for collected static files, which the benchmark has none of.
    warnings.filterwarnings("ignore", message="No directory at")

    from peermentoring.schools.models import Trust

    try:
        if args.reuse:
            trust = Trust.objects.get(slug="bench-trust")
        else:
            call_command("migrate", verbosity=0)
            print(
                f"\n== evaluation: generating {args.schools} schools, ~{args.meetings:,} meetings =="
            )
            made = generate(args.schools, args.meetings, random.Random(16))
            print(
                f"  {made.meetings:,} meetings, {made.week_counts:,} week counts, "
                f"{made.visits:,} drop-in visits, {made.pairings:,} pairings, "
                f"{made.pupils:,} pupils: {made.seconds:.0f} s"
            )
            trust = made.trust
        _measure_all(trust, args.runs, args.indexes)
    finally:
        if not args.keep:
            _drop_database(server, DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
