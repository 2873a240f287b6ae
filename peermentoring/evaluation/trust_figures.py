"""The trust view's figures: every school a trust lead leads, side by side, and the total.

The figures are the term report's headline figures (`figures.by_school`), so a school's
row always agrees with its own term report: counts only, never a name, a note or what
a concern says. A trust's schools keep their own term dates, so a term chosen for the
trust runs from the earliest first day to the latest last day of that term among the
schools shown; meetings only happen on a school's own teaching days, so no school
counts another's days. Every query here is one for all the schools: the page costs the
same number of queries for three schools or five hundred.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from typing import TYPE_CHECKING

from django.db.models import Exists, Max, Min, OuterRef, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.evaluation.figures import HEADLINE_KEYS, Span, by_school
from peermentoring.evaluation.outcomes_figures import outcome_by_school
from peermentoring.schools.calendar import academic_year_name, academic_year_start
from peermentoring.schools.models import AcademicYear, Membership, School, Term, Trust

if TYPE_CHECKING:
    from peermentoring.core.models import User

# Each headline figure's group and column heading, in the order of `HEADLINE_KEYS`.
# A figure added to the report without a heading here still shows (its key, spelled out).
COLUMNS: dict[str, tuple[str, str]] = {
    "meetings_held": ("Meetings", "Held"),
    "meetings_itemised": ("Meetings", "Logged one by one"),
    "meetings_bulk_reported": ("Meetings", "Reported as a count"),
    "meetings_did_not_happen": ("Meetings", "Did not happen"),
    "dropin_visits": ("Drop-in", "Visits"),
    "mentees_supported": ("Pupils", "Mentees supported"),
    "mentors_meeting": ("Pupils", "Mentors meeting"),
    "pairings_active": ("Pairings", "Active"),
    "pairings_started": ("Pairings", "Started"),
    "pairings_ended": ("Pairings", "Ended"),
    "referrals_received": ("Referrals", "Received"),
    "mentees_waiting": ("Referrals", "Mentees waiting"),
    "applications": ("Recruitment", "Applications"),
    "interviews": ("Recruitment", "Interviews"),
    "offers": ("Recruitment", "Offers"),
    "supervision_sessions": ("Supervision", "Sessions"),
    "supervision_present": ("Supervision", "Mentors present"),
    "supervision_absent": ("Supervision", "Mentors absent"),
    "actions_opened": ("Supervision", "Actions opened"),
    "actions_closed": ("Supervision", "Actions closed"),
    "concerns_raised": ("Safeguarding", "Concerns raised"),
    "concerns_acknowledged_within_hour": ("Safeguarding", "Acknowledged within an hour"),
    "concerns_not_acknowledged": ("Safeguarding", "Not yet acknowledged"),
    "tellus_reports": ("Outreach", "'Tell us' reports"),
    "primary_visits": ("Outreach", "Primary visits"),
    "events": ("Outreach", "Events"),
}
# The outcome change of each school's mentees (outcomes_figures.outcome_by_school): counts,
# and averages only of five pupils or more (an average of fewer is left empty).
OUTCOME_COLUMNS: dict[str, tuple[str, str]] = {
    "outcome_pupils_answered": ("Outcomes", "Mentees who answered"),
    "outcome_pupils_compared": ("Outcomes", "Compared with an earlier check-in"),
    "outcome_better": ("Outcomes", "Better"),
    "outcome_same": ("Outcomes", "The same"),
    "outcome_worse": ("Outcomes", "Worse"),
    "outcome_first_average": ("Outcomes", "First (average, 1-5)"),
    "outcome_latest_average": ("Outcomes", "Latest (average, 1-5)"),
    "outcome_better_percent": ("Outcomes", "Better (%)"),
}
# Columns whose sum over the schools means nothing: an average, a percentage.
NO_TOTAL = frozenset({"outcome_first_average", "outcome_latest_average", "outcome_better_percent"})
TOTAL_LABEL = "All schools"


@dataclass(frozen=True)
class Column:
    key: str
    group: str
    label: str

    @cached_property
    def full_label(self) -> str:
        """ "Meetings: held": the heading a CSV column and a phone's card carry."""
        return (
            f"{self.group}: {self.label[0].lower()}{self.label[1:]}" if self.group else self.label
        )


def columns() -> list[Column]:
    """The headline figures as the table's columns, grouped as the report groups them."""
    made = []
    for key in HEADLINE_KEYS:
        group, label = COLUMNS.get(key, ("", key.replace("_", " ").capitalize()))
        made.append(Column(key, group, label))
    made += [Column(key, group, label) for key, (group, label) in OUTCOME_COLUMNS.items()]
    return made


def header(cols: list[Column]) -> list[tuple[str, int]]:
    """The top row of the table's heading: each group once, over its columns."""
    return [(group, len(list(members))) for group, members in groupby(cols, key=lambda c: c.group)]


def led_schools(user: User, trust: Trust) -> QuerySet[School]:
    """The trust's schools this person is trust lead of (an active membership), by name."""
    leads = Membership.objects.active().filter(
        user=user, role=Role.TRUST_LEAD, school=OuterRef("pk")
    )
    return School.objects.filter(trust=trust).filter(Exists(leads)).order_by("name", "pk")


@dataclass(frozen=True)
class Period:
    """A term or an academic year of the schools shown, as one span for them all."""

    key: str  # "autumn-2025" or "2025-26", as the term report names them
    label: str
    first: dt.date
    last: dt.date

    @property
    def span(self) -> Span:
        return Span(self.first, self.last, self.label, self.key)


def periods(school_ids: list[int]) -> list[Period]:
    """The terms, then the academic years, of the schools, latest first (two queries)."""
    names = dict(Term.Name.choices)
    terms = (
        Term.objects.filter(academic_year__school__in=school_ids)
        .order_by()
        .values("name", year=ExtractYear("starts_on"))
        .annotate(first=Min("starts_on"), last=Max("ends_on"))
        .order_by("-first")
    )
    years = (
        AcademicYear.objects.filter(school__in=school_ids)
        .order_by()
        .values(year=ExtractYear("starts_on"))
        .annotate(first=Min("starts_on"), last=Max("ends_on"))
        .order_by("-first")
    )
    made = []
    for t in terms:
        # A term starting in January belongs to the year that started the September before.
        school_year = academic_year_name(academic_year_start(t["first"]))
        made.append(
            Period(
                f"{t['name']}-{t['year']}",
                f"{names.get(t['name'], t['name'])} term {school_year}",
                t["first"],
                t["last"],
            )
        )
    for y in years:
        made.append(
            Period(
                f"{y['year']}-{(y['year'] + 1) % 100:02d}",
                f"The year {academic_year_name(y['year'])}",
                y["first"],
                y["last"],
            )
        )
    return made


def default_period(choices: list[Period], today: dt.date | None = None) -> Period:
    """The term under way or last begun; with no terms, this academic year so far."""
    today = today or timezone.localdate()
    begun = [p for p in choices if p.first <= today]
    terms = [p for p in begun if not p.key[0].isdigit()]
    if terms:
        return max(terms, key=lambda p: p.first)
    if begun:
        return max(begun, key=lambda p: p.first)
    start = academic_year_start(today)
    return Period(
        "",
        f"The year {academic_year_name(start)} so far",
        dt.date(start, 9, 1),
        max(today, dt.date(start, 9, 1)),
    )


Value = int | float | None


@dataclass
class TrustTable:
    span: Span
    columns: list[Column]
    header: list[tuple[str, int]]
    rows: list[tuple[School, list[tuple[Column, Value]]]]
    total: list[tuple[Column, Value]]


def trust_table(schools: list[School], span: Span) -> TrustTable:
    """Each school's headline figures for the span, and their total (a column of
    fractions, if the report ever has one, has no total: a sum of them means nothing)."""
    chosen = School.objects.filter(pk__in=[s.pk for s in schools])
    figures = by_school(chosen, span)
    outcomes = outcome_by_school(chosen, span.first, span.last)
    cols = columns()

    def value(school: School, key: str) -> Value:
        if key in OUTCOME_COLUMNS:
            found = outcomes.get(school.pk, {}).get(key)
            return None if isinstance(found, bool) else found
        return figures.get(school.pk, {}).get(key)

    rows = [(s, [(c, value(s, c.key)) for c in cols]) for s in schools]
    total: list[tuple[Column, Value]] = []
    for i, column in enumerate(cols):
        values = [cells[i][1] for _, cells in rows]
        if column.key in NO_TOTAL:
            total.append((column, None))
        elif all(isinstance(v, int) or v is None for v in values):
            total.append((column, sum(v or 0 for v in values)))
        else:
            total.append((column, None))
    return TrustTable(span=span, columns=cols, header=header(cols), rows=rows, total=total)


def table_rows(table: TrustTable) -> list[list[object]]:
    """The table for a CSV or Excel file: a heading, a row a school, the total."""
    heading: list[object] = ["School", "URN", *(c.full_label for c in table.columns)]
    body: list[list[object]] = [
        [school.name, school.urn, *("" if v is None else v for _, v in cells)]
        for school, cells in table.rows
    ]
    total: list[object] = [TOTAL_LABEL, "", *("" if v is None else v for _, v in table.total)]
    return [heading, *body, total]
