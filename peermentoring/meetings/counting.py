"""Counting meetings: by school week, by term, by mentor, with no meeting counted twice.

A school week is a Monday-to-Friday week with at least one teaching day: holidays and
half-terms are not school weeks, so "two school weeks without a meeting" never counts
the Christmas holiday.

**Itemised meetings and "met N times last week".** A mentor who reports only a count
for a week (`WeekCount`) is reporting *all* their meetings with that mentee that week,
the itemised ones among them. So a pairing's total for a week is the larger of the two:
the meetings logged one by one that took place that week, and the count. Three logged
and "met 3 times" is 3, not 6; one logged and "met 3 times" is 3; four logged and
"met 2 times" is 4 (a count never hides a meeting logged with its date).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef

from peermentoring.matching.models import Pairing, PairingQuerySet
from peermentoring.meetings.models import Meeting, WeekCount
from peermentoring.schools.models import School, Term


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def school_weeks(school: School | int, first: dt.date, last: dt.date) -> list[dt.date]:
    """The Mondays, in order, of the weeks from `first` to `last` with a teaching day."""
    terms = list(Term.objects.for_school(school).filter(starts_on__lte=last, ends_on__gte=first))
    weeks: list[dt.date] = []
    week = monday(first)
    while week <= last:
        days = [week + dt.timedelta(days=n) for n in range(5)]
        if any(first <= d <= last and any(t.is_teaching_day(d) for t in terms) for d in days):
            weeks.append(week)
        week += dt.timedelta(days=7)
    return weeks


def quiet_threshold(school: School | int, today: dt.date) -> dt.date | None:
    """The Monday two whole school weeks back: no meeting since then is "quiet".

    The week under way does not count; None when there have not yet been two whole
    school weeks in the last half year (at the start of the first term).
    """
    this_week = monday(today)
    weeks = [
        w for w in school_weeks(school, today - dt.timedelta(days=183), today) if w < this_week
    ]
    if len(weeks) < 2:
        return None
    return weeks[-2]


def quiet_pairings(school: School | int, today: dt.date) -> PairingQuerySet:
    """Active pairings begun before the threshold with no meeting, or count, since it."""
    since = quiet_threshold(school, today)
    if since is None:
        return Pairing.objects.none()
    met = Meeting.objects.filter(
        pairing=OuterRef("pk"), status=Meeting.Status.HAPPENED, held_on__gte=since
    )
    counted = WeekCount.objects.filter(pairing=OuterRef("pk"), week_of__gte=since, count__gt=0)
    return (
        Pairing.objects.for_school(school)
        .active()
        .filter(started_on__lt=since)
        .exclude(Exists(met))
        .exclude(Exists(counted))
    )


def pairing_week_totals(
    school: School | int,
    first: dt.date,
    last: dt.date,
    pairings: Iterable[int] | None = None,
) -> dict[tuple[int, dt.date], int]:
    """(pairing id, Monday) -> meetings that took place that week, reconciled (see above).

    Weeks whose Monday lies from the Monday of `first` to `last`; two queries.
    """
    meetings = Meeting.objects.for_school(school).happened().between(monday(first), last)
    counts = WeekCount.objects.for_school(school).filter(
        week_of__gte=monday(first), week_of__lte=last
    )
    if pairings is not None:
        ids = list(pairings)
        meetings = meetings.filter(pairing__in=ids)
        counts = counts.filter(pairing__in=ids)
    totals: dict[tuple[int, dt.date], int] = defaultdict(int)
    for pairing_id, held_on, n in (
        meetings.values("pairing_id", "held_on")
        .annotate(n=Count("pk"))
        .values_list("pairing_id", "held_on", "n")
    ):
        totals[(pairing_id, monday(held_on))] += n
    for pairing_id, week_of, count in counts.values_list("pairing_id", "week_of", "count"):
        key = (pairing_id, week_of)
        totals[key] = max(totals.get(key, 0), count)
    return dict(totals)


def weekly_totals(school: School | int, first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Monday -> the school's meetings that week, for every school week of the span."""
    by_week = {week: 0 for week in school_weeks(school, first, last)}
    for (_, week), n in pairing_week_totals(school, first, last).items():
        by_week[week] = by_week.get(week, 0) + n
    return dict(sorted(by_week.items()))


def total(school: School | int, first: dt.date, last: dt.date) -> int:
    """Meetings that took place from `first` to `last`: "527 meetings from September to December"."""
    return sum(pairing_week_totals(school, first, last).values())


def mentor_totals(school: School | int, first: dt.date, last: dt.date) -> dict[int, int]:
    """Mentor id -> meetings they had in the span."""
    pairing_mentor = dict(Pairing.objects.for_school(school).values_list("pk", "mentor_id"))
    totals: dict[int, int] = defaultdict(int)
    for (pairing_id, _), n in pairing_week_totals(school, first, last).items():
        totals[pairing_mentor[pairing_id]] += n
    return dict(totals)


def did_not_happen(school: School | int, first: dt.date, last: dt.date) -> dict[str, int]:
    """Status -> meetings recorded as not having happened in the span, counted apart."""
    rows = (
        Meeting.objects.for_school(school)
        .did_not_happen()
        .between(first, last)
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {row["status"]: row["n"] for row in rows}
