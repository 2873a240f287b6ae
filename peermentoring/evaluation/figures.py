"""Every figure of the term report, defined once and computed by the database.

The page, its charts, its CSV and Excel tables, the printable report, `manage.py
term_report`, the trust view, the annual report and the evidence pack all read this
module, so they can never disagree. Each figure is an aggregation (COUNT, SUM, GROUP
BY) done by the database: a fixed number of queries however many meetings or schools.

**Meetings held** follow `peermentoring.meetings.counting` exactly: the meetings logged
one by one that happened, plus, for every "met N times" count (`WeekCount`), what the
count adds beyond the meetings of that pairing logged that week, so a pairing's week is
max(itemised, count). The span rule is counting's too: meetings and counts from the
Monday of `first` to `last`. `meetings_bulk_reported` is that addition: the meetings
known only from counts, so held = itemised + bulk-reported.

Nothing here returns what a pupil wrote or a safeguarding concern's content: concerns
are counted, never read. Only the per-mentor table names anyone (the mentor), and it is
not one of the headline figures `by_school` returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Greatest
from django.utils import timezone

from peermentoring.dropin.models import Visit
from peermentoring.evaluation.sql import MondayOf, SundayAfter
from peermentoring.matching.models import Pairing
from peermentoring.meetings.counting import monday, school_weeks
from peermentoring.meetings.models import Meeting, WeekCount
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.models import Event, PrimaryVisit, TellUsReport
from peermentoring.recruitment.models import Application, Interview
from peermentoring.referrals.models import Referral
from peermentoring.safeguarding.models import Concern
from peermentoring.schools.models import AcademicYear, School, SchoolDayWindow, Term
from peermentoring.supervision.models import Action, SessionMentor
from peermentoring.supervision.models import Session as SupervisionSession
from peermentoring.training.models import ModuleCompletion, TrainingModule

# The figures of one school the trust view lays side by side: counts only, never a name.
HEADLINE_KEYS: tuple[str, ...] = (
    "meetings_held",
    "meetings_itemised",
    "meetings_bulk_reported",
    "meetings_did_not_happen",
    "dropin_visits",
    "mentees_supported",
    "mentors_meeting",
    "pairings_active",
    "pairings_started",
    "pairings_ended",
    "referrals_received",
    "mentees_waiting",
    "applications",
    "interviews",
    "offers",
    "supervision_sessions",
    "supervision_present",
    "supervision_absent",
    "actions_opened",
    "actions_closed",
    "concerns_raised",
    "concerns_acknowledged_within_hour",
    "concerns_not_acknowledged",
    "tellus_reports",
    "primary_visits",
    "events",
)

# The row of the per-window table for meetings only known from a count: a count has no window.
BULK_ROW = "bulk"
BULK_LABEL = "Reported as a count (no window)"
MAX_SPAN_DAYS = 2 * 366


# The dates a report may cover: a day past these overflows the date arithmetic of a span
# (`last + 1 day` of 31 December 9999), and no school's records lie outside them.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


class SpanError(ValueError):
    """A term, year or range of dates the report cannot be drawn for."""


@dataclass(frozen=True)
class Span:
    """The days a report covers, both included: a term, a year or any dates."""

    first: dt.date
    last: dt.date
    label: str
    # "autumn-2025", "2025-26" or "" for any dates: how the command and the page name it.
    key: str = ""

    @classmethod
    def for_term(cls, term: Term) -> Span:
        year = term.academic_year
        return cls(
            term.starts_on,
            term.ends_on,
            f"{term.get_name_display()} term {year.name}",
            term_key(term),
        )

    @classmethod
    def for_year(cls, year: AcademicYear) -> Span:
        return cls(year.starts_on, year.ends_on, f"The year {year.name}", year_key(year))

    @classmethod
    def for_dates(cls, first: dt.date, last: dt.date) -> Span:
        if last < first:
            raise SpanError("The last day must be on or after the first day.")
        if (last - first).days > MAX_SPAN_DAYS:
            raise SpanError("Choose at most two years.")
        if first < EARLIEST or last > LATEST:
            raise SpanError(f"Choose dates from {EARLIEST.year} to {LATEST.year}.")
        return cls(first, last, f"{first:%-d %B %Y} to {last:%-d %B %Y}")

    @property
    def months(self) -> str:
        """ "From September to December", "In March 2026", "From July 2025 to March 2026":
        the years only when the months alone would be ambiguous (a year or more apart)."""
        a, b = self.first, self.last
        if (a.year, a.month) == (b.year, b.month):
            return f"In {a:%B %Y}"
        if b.year - a.year > 1 or (b.year > a.year and b.month >= a.month):
            return f"From {a:%B %Y} to {b:%B %Y}"
        return f"From {a:%B} to {b:%B}"

    def as_dict(self) -> dict[str, str]:
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "label": self.label,
            "key": self.key,
        }


def term_key(term: Term) -> str:
    """ "autumn-2025": the term's season and the year it starts in."""
    return f"{term.name}-{term.starts_on.year}"


def year_key(year: AcademicYear) -> str:
    """ "2025-26": the academic year, plain hyphen."""
    return f"{year.starts_on.year}-{(year.starts_on.year + 1) % 100:02d}"


_TERM_RE = re.compile(r"^(autumn|spring|summer)-(\d{4})$")
_YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")


def find_term(school: School, text: str) -> Term:
    """The school's term written "autumn-2025"; SpanError when there is no such term."""
    match = _TERM_RE.match(text.strip().lower())
    if not match:
        raise SpanError(
            f"“{text[:40]}” is not a term: write its season and the year it starts in, "
            "like autumn-2025, spring-2026 or summer-2026."
        )
    term = (
        Term.objects.for_school(school)
        .filter(name=match[1], starts_on__year=int(match[2]))
        .select_related("academic_year")
        .first()
    )
    if term is None:
        raise SpanError(f"{school.name} has no {match[1]} term starting in {match[2]}.")
    return term


def parse_term(school: School, text: str) -> Span:
    """The span of the school's term written "autumn-2025"."""
    return Span.for_term(find_term(school, text))


def parse_year(school: School, text: str) -> Span:
    """The span of the school's academic year written "2025-26" (or "2025–26")."""
    match = _YEAR_RE.match(text.strip().replace("–", "-"))
    year = None
    if match:
        year = AcademicYear.objects.for_school(school).filter(starts_on__year=int(match[1])).first()
    if year is None:
        raise SpanError(f"{school.name} has no academic year “{text[:40]}”; write it like 2025-26.")
    return Span.for_year(year)


def latest_started_term(school: School, today: dt.date | None = None) -> Term | None:
    """The term under way, or the last one that has started."""
    today = today or timezone.localdate()
    return (
        Term.objects.for_school(school)
        .filter(starts_on__lte=today)
        .select_related("academic_year")
        .order_by("-starts_on")
        .first()
    )


def _day_starts(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _moments(prefix: str, span: Span) -> Q:
    """A datetime field inside the span's days (the school's days, both included)."""
    return Q(
        **{
            f"{prefix}__gte": _day_starts(span.first),
            f"{prefix}__lt": _day_starts(span.last + dt.timedelta(days=1)),
        }
    )


# --- Meetings: itemised, reconciled with the week counts ----------------------------


def _itemised(schools: Q, span: Span) -> QuerySet[Meeting]:
    """Meetings logged one by one that happened, counting's span (from the Monday of first)."""
    return Meeting.objects.filter(schools).happened().between(monday(span.first), span.last)


def _counts(schools: Q, span: Span) -> QuerySet[WeekCount]:
    """ "Met N times" counts of the span's weeks, each with what it adds beyond the itemised.

    A count's `week_of` is a Monday (meetings.services.record_week_count makes it one), so
    the week's logged meetings are a range on (pairing, held_on): the unique index on
    (pairing, held_on, window) answers it. 19 ms against 104 ms for matching each meeting's
    Monday, on 29,000 meetings and 1,500 counts on SQLite."""
    logged = (
        Meeting.objects.happened()
        .filter(
            pairing=OuterRef("pairing"),
            held_on__gte=OuterRef("week_of"),
            held_on__lte=SundayAfter(OuterRef("week_of")),
        )
        .filter(held_on__lte=span.last)
        .order_by()
        .values("pairing")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        WeekCount.objects.filter(schools)
        .filter(week_of__gte=monday(span.first), week_of__lte=span.last)
        .annotate(
            extra=Greatest(
                Value(0),
                F("count") - Coalesce(Subquery(logged, output_field=IntegerField()), Value(0)),
                output_field=IntegerField(),
            )
        )
    )


def _school_q(school: School | int) -> Q:
    return Q(school=school)


def meetings_itemised(school: School | int, span: Span) -> int:
    return _itemised(_school_q(school), span).count()


def meetings_bulk_reported(school: School | int, span: Span) -> int:
    """Meetings known only from "met N times" counts (beyond those logged that week)."""
    found: int = _counts(_school_q(school), span).aggregate(n=Coalesce(Sum("extra"), 0))["n"]
    return found


def meetings_held(school: School | int, span: Span) -> int:
    """Meetings that happened: equals `counting.total(school, span.first, span.last)`."""
    return meetings_itemised(school, span) + meetings_bulk_reported(school, span)


def meetings_by_week(school: School, span: Span) -> list[dict[str, Any]]:
    """Every school week of the span (and any other week with a meeting), in order:
    {"week": Monday, "itemised", "bulk", "held", "dropin"}. Same totals as
    `counting.weekly_totals`."""
    q = _school_q(school)
    rows: dict[dt.date, dict[str, Any]] = {}

    def row(week: dt.date) -> dict[str, Any]:
        return rows.setdefault(
            week, {"week": week, "itemised": 0, "bulk": 0, "held": 0, "dropin": 0}
        )

    for week in school_weeks(school, span.first, span.last):
        row(week)
    itemised = (
        _itemised(q, span)
        .annotate(week=MondayOf("held_on"))
        .order_by()
        .values("week")
        .annotate(n=Count("*"))
        .values_list("week", "n")
    )
    for week, n in itemised:
        row(week)["itemised"] += n
    bulk = (
        _counts(q, span)
        .order_by()
        .values("week_of")
        .annotate(n=Sum("extra"))
        .values_list("week_of", "n")
    )
    for week, n in bulk:
        row(week)["bulk"] += n or 0
    visits = (
        Visit.objects.for_school(school)
        .between(span.first, span.last)
        .annotate(week=MondayOf("held_on"))
        .order_by()
        .values("week")
        .annotate(n=Sum(F("year7") + F("year8") + F("older")))
        .values_list("week", "n")
    )
    for week, n in visits:
        row(week)["dropin"] += n or 0
    for r in rows.values():
        r["held"] = r["itemised"] + r["bulk"]
    return [rows[w] for w in sorted(rows)]


def meetings_by_window(school: School, span: Span) -> list[dict[str, Any]]:
    """AM registration, break, lunch (a window's kind), then the counts' own row."""
    q = _school_q(school)
    by_kind = dict(
        _itemised(q, span)
        .order_by()
        .values("window__kind")
        .annotate(n=Count("*"))
        .values_list("window__kind", "n")
    )
    rows = [
        {"window": kind, "label": label, "held": by_kind.get(kind, 0)}
        for kind, label in SchoolDayWindow.Kind.choices
    ]
    rows.append(
        {"window": BULK_ROW, "label": BULK_LABEL, "held": meetings_bulk_reported(school, span)}
    )
    return rows


def meetings_by_mentor(school: School, span: Span) -> list[dict[str, Any]]:
    """Mentors with a meeting in the span, most meetings first: the only named table.
    Same totals as `counting.mentor_totals`."""
    q = _school_q(school)
    totals: dict[int, dict[str, int]] = defaultdict(lambda: {"itemised": 0, "bulk": 0})
    for mentor_id, n in (
        _itemised(q, span)
        .order_by()
        .values("pairing__mentor")
        .annotate(n=Count("*"))
        .values_list("pairing__mentor", "n")
    ):
        totals[mentor_id]["itemised"] = n
    for mentor_id, n in (
        _counts(q, span)
        .order_by()
        .values("pairing__mentor")
        .annotate(n=Sum("extra"))
        .values_list("pairing__mentor", "n")
    ):
        totals[mentor_id]["bulk"] = n or 0
    names = {
        m.pk: m.pupil.full_name
        for m in Mentor.objects.for_school(school).filter(pk__in=totals).select_related("pupil")
    }
    rows: list[dict[str, Any]] = [
        {
            "mentor_id": mentor_id,
            "mentor": names.get(mentor_id, ""),
            "itemised": t["itemised"],
            "bulk": t["bulk"],
            "held": t["itemised"] + t["bulk"],
        }
        for mentor_id, t in totals.items()
        if t["itemised"] + t["bulk"]
    ]
    rows.sort(key=lambda r: (-r["held"], r["mentor"]))
    return rows


def did_not_happen(school: School, span: Span) -> list[dict[str, Any]]:
    """Every status other than "we met", with how many meetings were recorded so (the
    span's own days, as `counting.did_not_happen`)."""
    found = dict(
        Meeting.objects.for_school(school)
        .did_not_happen()
        .between(span.first, span.last)
        .order_by()
        .values("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
    return [
        {"status": status, "label": label, "count": found.get(status, 0)}
        for status, label in Meeting.Status.choices
        if status != Meeting.Status.HAPPENED
    ]


# --- Headline figures: each source of rows, counted per school ----------------------


@dataclass(frozen=True)
class _Source:
    """Rows of one table inside the span (of every school), the path from a row to its
    school, and the figures counted from those rows (name -> aggregate)."""

    rows: QuerySet[Any]
    school: str
    figures: dict[str, Any]


def _registered(attendance: str) -> Coalesce:
    """How many of a supervision session's register are marked `attendance`."""
    found = (
        SessionMentor.objects.filter(session=OuterRef("pk"), attendance=attendance)
        .order_by()
        .values("session")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(found, output_field=IntegerField()), Value(0))


def _sources(span: Span) -> list[_Source]:
    """Where each headline figure comes from: the rows read and how they are counted."""
    first, last = span.first, span.last
    everywhere = Q()
    met = Meeting.objects.happened().filter(
        pairing=OuterRef("pk"), held_on__gte=monday(first), held_on__lte=last
    )
    counted = WeekCount.objects.filter(
        pairing=OuterRef("pk"), week_of__gte=monday(first), week_of__lte=last, count__gt=0
    )
    # NOT EXISTS probes the pairings of each accepted referral's child (an index on the
    # mentee); NOT IN hashed every active pairing of every school. The same rows: a
    # pairing's mentee is never null.
    active = Pairing.objects.active().filter(mentee=OuterRef("pupil"))
    submitted, offered = _moments("submitted_at", span), _moments("offered_at", span)
    opened, closed = _moments("created_at", span), _moments("closed_at", span)
    attendance = SessionMentor.Attendance
    return [
        _Source(_itemised(everywhere, span), "school", {"meetings_itemised": Count("*")}),
        # `did_not_happen` lists the statuses: the index (school, status, held_on) then reads
        # only their entries (`!= happened` read every status's: 54 against 20 ms, 500 schools).
        _Source(
            Meeting.objects.did_not_happen().between(first, last),
            "school",
            {"meetings_did_not_happen": Count("*")},
        ),
        _Source(_counts(everywhere, span), "school", {"meetings_bulk_reported": Sum("extra")}),
        _Source(
            Visit.objects.between(first, last),
            "school",
            {"dropin_visits": Sum(F("year7") + F("year8") + F("older"))},
        ),
        _Source(
            # The week counts first: one hash of the span's counts answers for every pairing
            # with one, so the meetings are probed only for the others.
            Pairing.objects.filter(Exists(counted) | Exists(met)),
            "school",
            {
                "mentees_supported": Count("mentee", distinct=True),
                "mentors_meeting": Count("mentor", distinct=True),
            },
        ),
        _Source(
            Pairing.objects.all(),
            "school",
            {
                "pairings_active": Count(
                    "pk",
                    filter=(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
                    & Q(started_on__lte=last),
                ),
                "pairings_started": Count(
                    "pk", filter=Q(started_on__gte=first, started_on__lte=last)
                ),
                "pairings_ended": Count("pk", filter=Q(ended_on__gte=first, ended_on__lte=last)),
            },
        ),
        _Source(
            Referral.objects.all(),
            "school",
            {
                "referrals_received": Count("pk", filter=_moments("referred_at", span)),
                # Matching's queue, today: accepted, and the child has no active mentor.
                "mentees_waiting": Count(
                    "pk", filter=Q(status=Referral.Status.ACCEPTED) & ~Q(Exists(active))
                ),
            },
        ),
        _Source(
            Application.objects.filter(submitted | offered),
            "round__school",
            {
                "applications": Count("pk", filter=submitted),
                "offers": Count("pk", filter=offered),
            },
        ),
        _Source(
            Interview.objects.filter(_moments("starts_at", span)),
            "application__round__school",
            {"interviews": Count("*")},
        ),
        # Attendance summed over the span's sessions, a register's count a session: read
        # from the index (session, attendance), 19 ms on the trust against 46 for joining
        # every register to its session (a hash join over all of them).
        _Source(
            SupervisionSession.objects.filter(held_on__gte=first, held_on__lte=last),
            "school",
            {
                "supervision_sessions": Count("*"),
                "supervision_present": Sum(_registered(attendance.PRESENT)),
                "supervision_absent": Sum(_registered(attendance.ABSENT)),
            },
        ),
        _Source(
            Action.objects.filter(opened | closed),
            "school",
            {
                "actions_opened": Count("pk", filter=opened),
                "actions_closed": Count("pk", filter=closed),
            },
        ),
        _Source(
            Concern.objects.filter(_moments("created_at", span)),
            "school",
            {
                "concerns_raised": Count("*"),
                "concerns_acknowledged_within_hour": Count(
                    "pk", filter=Q(acknowledged_at__lte=F("created_at") + dt.timedelta(hours=1))
                ),
                "concerns_not_acknowledged": Count("pk", filter=Q(acknowledged_at__isnull=True)),
            },
        ),
        _Source(
            TellUsReport.objects.filter(_moments("created_at", span)),
            "school",
            {"tellus_reports": Count("*")},
        ),
        _Source(
            PrimaryVisit.objects.filter(
                status=PrimaryVisit.Status.DONE, visit_on__gte=first, visit_on__lte=last
            ),
            "school",
            {"primary_visits": Count("*")},
        ),
        _Source(
            Event.objects.filter(starts_on__lte=last, ends_on__gte=first),
            "school",
            {"events": Count("*")},
        ),
    ]


def _row(found: dict[str, Any]) -> dict[str, int]:
    row = dict.fromkeys(HEADLINE_KEYS, 0)
    for key, value in found.items():
        row[key] = int(value or 0)
    row["meetings_held"] = row["meetings_itemised"] + row["meetings_bulk_reported"]
    return row


def _packed(figures: dict[str, Any]) -> Any:
    """A source's figures as one value of its subquery: the figure itself, or several joined
    as text "12,0,3". A subquery in a column gives one value, and the figures of one
    source share their rows: one subquery each would read those rows once a figure (the
    pairings with a meeting twice, 92 ms of the trust view's 325)."""
    if len(figures) == 1:
        return next(iter(figures.values()))
    parts: list[Any] = []
    for aggregate in figures.values():
        parts += [Cast(Coalesce(aggregate, Value(0)), CharField()), Value(",")]
    return Concat(*parts[:-1], output_field=CharField())


def _unpacked(value: Any, count: int) -> list[int]:
    """The figures of one school from a `_packed` value; no rows, all zero."""
    if value is None:
        return [0] * count
    if count == 1:
        return [int(value)]
    return [int(part) for part in str(value).split(",")]


@dataclass(frozen=True)
class _HeadlineQuery:
    # Every school, each source's figures in a column of their own.
    schools: QuerySet[School]
    # The columns, each with the names of its figures.
    columns: dict[str, list[str]]


# Built querysets of the headline figures, by span, for this thread: building them costs
# Django more than the database takes to answer them for one school (13 of 21 ms).
_built = threading.local()
_BUILT_SPANS = 8


def _headline_query(span: Span) -> _HeadlineQuery:
    """Every school, annotated with each source's figures as a subquery of that school's
    rows (correlated on its id): one query for any set of schools. Built once per span (and
    time zone: the span's moments are midnights) in each thread; a caller filters a clone,
    so no result is ever kept."""
    key = (span.first, span.last, timezone.get_current_timezone_name())
    cache: OrderedDict[Any, _HeadlineQuery] = _built.__dict__.setdefault("queries", OrderedDict())
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    subqueries: dict[str, Any] = {}
    columns: dict[str, list[str]] = {}
    for n, source in enumerate(_sources(span)):
        mine = (
            source.rows.filter(**{source.school: OuterRef("pk")}).order_by().values(source.school)
        )
        name = f"figures_{n}"
        columns[name] = list(source.figures)
        subqueries[name] = Subquery(
            mine.annotate(v=_packed(source.figures)).values("v"),
            output_field=CharField() if len(source.figures) > 1 else IntegerField(),
        )
    built = _HeadlineQuery(School.objects.order_by().annotate(**subqueries), columns)
    cache[key] = built
    while len(cache) > _BUILT_SPANS:
        cache.popitem(last=False)
    return built


def _headlines(schools: QuerySet[School], span: Span) -> dict[int, dict[str, int]]:
    """The headline figures of each school: one query, however many schools."""
    query = _headline_query(span)
    rows = query.schools.filter(pk__in=schools.values("pk")).values_list("pk", *query.columns)
    out = {}
    for pk, *values in rows:
        found: dict[str, int] = {}
        for names, value in zip(query.columns.values(), values, strict=True):
            found.update(zip(names, _unpacked(value, len(names)), strict=True))
        out[pk] = _row(found)
    return out


def by_school(schools: QuerySet[School], span: Span) -> dict[int, dict[str, int | float | None]]:
    """school id -> the headline figures (`HEADLINE_KEYS`) of each school: counts only.

    One query however many schools."""
    return dict(_headlines(schools, span))  # type: ignore[arg-type]


# --- The details of one school's report ---------------------------------------------


def pairings_ended_by_reason(school: School, span: Span) -> list[dict[str, Any]]:
    found = dict(
        Pairing.objects.for_school(school)
        .filter(ended_on__gte=span.first, ended_on__lte=span.last)
        .order_by()
        .values("end_reason")
        .annotate(n=Count("*"))
        .values_list("end_reason", "n")
    )
    return [
        {"reason": reason, "label": label, "count": found.get(reason, 0)}
        for reason, label in Pairing.EndReason.choices
    ]


def training_by_module(school: School, span: Span) -> list[dict[str, Any]]:
    """Each module: how many of the span's mentors (of a year overlapping it) had done it
    by the span's last day, out of how many mentors."""
    mentors = Mentor.objects.for_school(school).filter(
        academic_year__starts_on__lte=span.last, academic_year__ends_on__gte=span.first
    )
    cohort = mentors.count()
    done = Q(
        completions__status__in=ModuleCompletion.COMPLETE,
        completions__mentor__in=mentors,
    ) & (Q(completions__completed_on__isnull=True) | Q(completions__completed_on__lte=span.last))
    rows = (
        TrainingModule.objects.for_school(school)
        .annotate(done=Count("completions", filter=done))
        .order_by("order")
        .values_list("order", "title", "is_required", "done")
    )
    return [
        {"module": f"{order}. {title}", "required": required, "completed": n, "mentors": cohort}
        for order, title, required, n in rows
    ]


def supervision_attendance(school: School, span: Span) -> list[dict[str, Any]]:
    found = dict(
        SessionMentor.objects.filter(
            session__school=school,
            session__held_on__gte=span.first,
            session__held_on__lte=span.last,
        )
        .order_by()
        .values("attendance")
        .annotate(n=Count("*"))
        .values_list("attendance", "n")
    )
    rows = [
        {"attendance": value, "label": label, "count": found.get(value, 0)}
        for value, label in SessionMentor.Attendance.choices
    ]
    if found.get(""):
        rows.append({"attendance": "", "label": "Not recorded", "count": found[""]})
    return rows


def concerns_acknowledgement(school: School, span: Span) -> list[dict[str, Any]]:
    """How fast the concerns raised in the span were acknowledged: counts only."""
    concerns = Concern.objects.for_school(school).filter(_moments("created_at", span))
    after = F("created_at")
    found = concerns.aggregate(
        hour=Count("pk", filter=Q(acknowledged_at__lte=after + dt.timedelta(hours=1))),
        day=Count(
            "pk",
            filter=Q(
                acknowledged_at__gt=after + dt.timedelta(hours=1),
                acknowledged_at__lte=after + dt.timedelta(days=1),
            ),
        ),
        later=Count("pk", filter=Q(acknowledged_at__gt=after + dt.timedelta(days=1))),
        never=Count("pk", filter=Q(acknowledged_at__isnull=True)),
    )
    return [
        {"speed": "hour", "label": "Within an hour", "count": found["hour"]},
        {"speed": "day", "label": "Within a day", "count": found["day"]},
        {"speed": "later", "label": "Later than a day", "count": found["later"]},
        {"speed": "never", "label": "Not yet acknowledged", "count": found["never"]},
    ]


def concerns_by_urgency(school: School, span: Span) -> list[dict[str, Any]]:
    found = dict(
        Concern.objects.for_school(school)
        .filter(_moments("created_at", span))
        .order_by()
        .values("urgency")
        .annotate(n=Count("*"))
        .values_list("urgency", "n")
    )
    return [
        {"urgency": value, "label": label, "count": found.get(value, 0)}
        for value, label in Concern.Urgency.choices
    ]


def tellus_by_category(school: School, span: Span) -> list[dict[str, Any]]:
    from peermentoring.outreach.tellus_services import reports_by_category

    found = reports_by_category(school, span.first, span.last)
    return [
        {"category": value, "label": label, "count": found.get(value, 0)}
        for value, label in TellUsReport.Category.choices
    ]


def events_by_kind(school: School, span: Span) -> list[dict[str, Any]]:
    found = {
        kind: (n, reach)
        for kind, n, reach in Event.objects.for_school(school)
        .filter(starts_on__lte=span.last, ends_on__gte=span.first)
        .order_by()
        .values("kind")
        .annotate(n=Count("*"), reach=Sum("reach"))
        .values_list("kind", "n", "reach")
    }
    return [
        {
            "kind": kind,
            "label": label,
            "count": found.get(kind, (0, 0))[0],
            "reach": found.get(kind, (0, 0))[1] or 0,
        }
        for kind, label in Event.Kind.choices
    ]


@dataclass
class Report:
    """One school's report for a span: the headline figures and every table."""

    school_id: int
    school_name: str
    span: Span
    headline: dict[str, int]
    by_week: list[dict[str, Any]] = field(default_factory=list)
    by_window: list[dict[str, Any]] = field(default_factory=list)
    by_mentor: list[dict[str, Any]] = field(default_factory=list)
    did_not_happen: list[dict[str, Any]] = field(default_factory=list)
    pairings_ended: list[dict[str, Any]] = field(default_factory=list)
    training: list[dict[str, Any]] = field(default_factory=list)
    supervision: list[dict[str, Any]] = field(default_factory=list)
    concerns_speed: list[dict[str, Any]] = field(default_factory=list)
    concerns_urgency: list[dict[str, Any]] = field(default_factory=list)
    tellus: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        # report.meetings_held and the like: the headline figures read as attributes.
        headline = self.__dict__.get("headline", {})
        if name in headline:
            return headline[name]
        raise AttributeError(name)

    @property
    def sentence(self) -> str:
        """ "From September to December there were 527 meetings between our peer mentors
        and their mentees." """
        n = self.headline["meetings_held"]
        noun = "meeting" if n == 1 else "meetings"
        verb = "was" if n == 1 else "were"
        return (
            f"{self.span.months} there {verb} {n:,} {noun} between our peer mentors "
            "and their mentees."
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON: ints, strs, lists, dicts; dates as ISO strings."""

        def plain(value: Any) -> Any:
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        out: dict[str, Any] = {"school": self.school_name, "span": self.span.as_dict()}
        out.update(self.headline)
        out["sentence"] = self.sentence
        for f in dataclasses.fields(self):
            if f.name not in ("school_id", "school_name", "span", "headline"):
                out[f.name] = plain(getattr(self, f.name))
        return out


def report(school: School, span: Span) -> Report:
    """Every figure and table of one school's report for the span."""
    headline = _headlines(School.objects.filter(pk=school.pk), span)[school.pk]
    return Report(
        school_id=school.pk,
        school_name=school.name,
        span=span,
        headline=headline,
        by_week=meetings_by_week(school, span),
        by_window=meetings_by_window(school, span),
        by_mentor=meetings_by_mentor(school, span),
        did_not_happen=did_not_happen(school, span),
        pairings_ended=pairings_ended_by_reason(school, span),
        training=training_by_module(school, span),
        supervision=supervision_attendance(school, span),
        concerns_speed=concerns_acknowledgement(school, span),
        concerns_urgency=concerns_by_urgency(school, span),
        tellus=tellus_by_category(school, span),
        events=events_by_kind(school, span),
    )


def schools_with_ids(ids: Iterable[int]) -> QuerySet[School]:
    return School.objects.filter(pk__in=list(ids))
