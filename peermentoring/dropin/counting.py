"""Counting the drop-in room's visitors: by year group, by school week and by room.

Drop-in visits are counted apart from one-to-one meetings (`meetings.counting`): a
pupil who comes to the room is a visitor, never a meeting, and a report gives the two
figures side by side, never added together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Sum

from peermentoring.dropin.models import Visit
from peermentoring.meetings.counting import monday, school_weeks
from peermentoring.schools.models import School


@dataclass(frozen=True)
class VisitTotals:
    """The visitors of a span: every figure counts people coming in, not openings."""

    total: int = 0
    # "year7", "year8", "older" -> visitors.
    by_year: dict[str, int] = field(default_factory=dict)
    # Monday -> visitors, for every school week of the span (none: 0).
    by_week: dict[dt.date, int] = field(default_factory=dict)
    # Room id -> visitors.
    by_room: dict[int, int] = field(default_factory=dict)
    # How many openings have visitors recorded (a record of nobody coming counts).
    openings_recorded: int = 0


def visit_totals(school: School | int, first: dt.date, last: dt.date) -> VisitTotals:
    """The school's drop-in visitors from `first` to `last`: two queries, however many visits."""
    by_year = {"year7": 0, "year8": 0, "older": 0}
    by_week = dict.fromkeys(school_weeks(school, first, last), 0)
    by_room: dict[int, int] = {}
    recorded = 0
    rows = (
        Visit.objects.for_school(school)
        .between(first, last)
        .order_by()
        .values_list("room_id", "held_on", "year7", "year8", "older")
    )
    for room_id, held_on, year7, year8, older in rows:
        recorded += 1
        by_year["year7"] += year7
        by_year["year8"] += year8
        by_year["older"] += older
        n = year7 + year8 + older
        week = monday(held_on)
        by_week[week] = by_week.get(week, 0) + n
        by_room[room_id] = by_room.get(room_id, 0) + n
    return VisitTotals(
        total=sum(by_year.values()),
        by_year=by_year,
        by_week=dict(sorted(by_week.items())),
        by_room=by_room,
        openings_recorded=recorded,
    )


def visitors(school: School | int, first: dt.date, last: dt.date) -> int:
    """How many came to the room from `first` to `last`, in one query."""
    sums = (
        Visit.objects.for_school(school)
        .between(first, last)
        .aggregate(y7=Sum("year7"), y8=Sum("year8"), older=Sum("older"))
    )
    return sum(value or 0 for value in sums.values())
