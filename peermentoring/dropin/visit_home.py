"""The drop-in room on home pages.

- A mentee (and any Year 7 pupil with an account) reads "The drop-in room" card: where
  it is, when it is open this week, and who is on duty today (first names only, from a
  published rota). Three queries, however many rooms, times or duties.
- A mentor on duty today gets a link to record who came, for each duty (one query).
- Staff read "Drop-in visits this term" (one query: the term is the page's own).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peermentoring.core.registry import TodoItem
from peermentoring.core.roles import Role
from peermentoring.dropin.counting import visitors
from peermentoring.dropin.models import Duty, Room, RoomOpening
from peermentoring.dropin.schedule import teaching_days, weekly_openings
from peermentoring.meetings import rules
from peermentoring.meetings.counting import monday
from peermentoring.schools.school_year import school_year

CARD_TEMPLATE = "dropin/visit_home_card.html"
# The room is open to every Year 7 pupil: a pupil of another year who signs in (an
# applicant to be a mentor) is not shown it, a mentee of any year is.
YEAR_7 = 7


@dataclass(frozen=True)
class Time:
    """One opening as a Year 7 reads it: "break", "10:50 to 11:10"."""

    kind: str
    times: str


@dataclass(frozen=True)
class Day:
    name: str  # "Monday", or "Today"; "Monday to Friday" for days alike in a row
    times: list[Time]
    weekday: int = -1


@dataclass(frozen=True)
class RoomWeek:
    name: str
    where: str
    days: list[Day]


@dataclass(frozen=True)
class OnDuty:
    kind: str  # "break", "lunch"
    room: str
    names: list[str]  # first names


@dataclass(frozen=True)
class DropInCard:
    rooms: list[RoomWeek]
    # "this week", "next week"; "" when no school day is left in either (a holiday):
    # the room's usual week is shown then.
    week: str
    on_duty: list[OnDuty]
    many_rooms: bool


def _kind(opening: RoomOpening) -> str:
    window = opening.window
    kind = window.get_kind_display()
    return kind if window.kind == window.Kind.AM_REGISTRATION else kind.lower()


def _openings(membership: Any) -> list[RoomOpening]:
    school = membership.school
    openings = list(
        RoomOpening.objects.for_school(school)
        .filter(room__is_active=True, window__is_active=True)
        .select_related("room", "window")
    )
    if not openings and not Room.objects.for_school(school).exists():
        # The school has not looked at the drop-in yet: its default room and times.
        openings = weekly_openings(school)
    return openings


def dropin_card(membership: Any) -> list[TodoItem]:
    """The mentee's (or Year 7 pupil's) card: where the room is, this week's times, who is on
    duty today."""
    pupil = membership.pupil
    if pupil is None:
        return []
    if membership.role != Role.MENTEE and pupil.year_group != YEAR_7:
        return []
    openings = _openings(membership)
    if not openings:
        return []
    today = rules.now().date()
    # From today to Friday; at a weekend, next week.
    first = today if today.weekday() < 5 else monday(today) + dt.timedelta(days=7)
    friday = monday(first) + dt.timedelta(days=4)
    days = teaching_days(membership.school, first, friday)
    week = "next week" if first > today else "this week"
    if not days:
        week = ""
    rooms: dict[int, tuple[RoomOpening, dict[int, list[Time]]]] = {}
    for opening in openings:
        _, by_day = rooms.setdefault(opening.room_id, (opening, {}))
        window = opening.window
        by_day.setdefault(window.weekday, []).append(
            Time(_kind(opening), f"{window.start_time:%H:%M} to {window.end_time:%H:%M}")
        )
    weeks = []
    for opening, by_day in rooms.values():
        if week:
            listed = [
                Day("Today" if d == today else f"{d:%A}", by_day[d.weekday()], d.weekday())
                for d in days
                if d.weekday() in by_day
            ]
        else:
            listed = [Day(_weekday(n), times, n) for n, times in sorted(by_day.items())]
        if listed:
            weeks.append(RoomWeek(opening.room.name, opening.room.where, _fold(listed)))
    if not weeks:
        return []
    on_duty = _on_duty_today(membership, today) if today in days else []
    card = DropInCard(rooms=weeks, week=week, on_duty=on_duty, many_rooms=len(weeks) > 1)
    return [TodoItem(label="The drop-in room", url="", template=CARD_TEMPLATE, detail=card)]


def _fold(days: list[Day]) -> list[Day]:
    """Days in a row with the same times as one line: "Monday to Friday: break and lunch"
    reads at a glance on a phone; five lines of the same times do not."""
    runs: list[list[Day]] = []
    for day in days:
        last = runs[-1][-1] if runs else None
        if last is not None and last.times == day.times and day.weekday == last.weekday + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [
        run[0] if len(run) == 1 else Day(f"{run[0].name} to {run[-1].name}", run[0].times)
        for run in runs
    ]


def _weekday(n: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")[n]


def _on_duty_today(membership: Any, today: dt.date) -> list[OnDuty]:
    """Who is on duty today in a published rota, by window: first names only."""
    found: dict[tuple[int, int], OnDuty] = {}
    for duty in (
        Duty.objects.for_school(membership.school)
        .live()
        .filter(held_on=today, room__is_active=True)
        .select_related("window", "room", "mentor__pupil")
        .order_by("window__start_time", "room__order", "mentor__pupil__given_name")
    ):
        key = (duty.room_id, duty.window_id)
        if key not in found:
            kind = duty.window.get_kind_display()
            if duty.window.kind != duty.window.Kind.AM_REGISTRATION:
                kind = kind.lower()
            found[key] = OnDuty(kind=kind, room=duty.room.name, names=[])
        name = duty.mentor.pupil.first_name
        if name not in found[key].names:
            found[key].names.append(name)
    return list(found.values())


def visits_this_term(membership: Any) -> int:
    """This term's drop-in visitors so far (the term of today; 0 in the holidays)."""
    today = rules.now().date()
    term = school_year(membership, today).term
    if term is None:
        return 0
    return visitors(membership.school, term.starts_on, today)
