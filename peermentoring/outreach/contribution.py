"""A mentor's contribution across their academic year: the basis for the celebration.

Four figures, each counted the way its own app counts it:
- meetings held with their mentee(s): `meetings.counting` (a meeting logged, or a week's
  "met N times", whichever is more; meetings that did not happen are not counted);
- drop-in duties done (`Duty.Attendance.DONE`);
- visits to feeder primaries they went on that are done (`PrimaryVisit.Status.DONE`);
- events they took part in.

A `Mentor` row is one pupil's year as a mentor, so a record is of that row and its
academic year. The whole year's list costs the same few queries however many mentors
there are (`contributions_for_year`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from peermentoring.dropin.models import Duty
from peermentoring.matching.models import Pairing
from peermentoring.meetings.counting import mentor_totals, pairing_week_totals
from peermentoring.meetings.models import Meeting
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.models import Event, PrimaryVisit
from peermentoring.schools.models import AcademicYear, School


@dataclass
class Contribution:
    """A mentor's four figures for their academic year."""

    mentor: Mentor
    meetings: int = 0
    duties: int = 0
    visits: int = 0
    events: int = 0

    @property
    def has_any(self) -> bool:
        return bool(self.meetings or self.duties or self.visits or self.events)


@dataclass
class ContributionRecord(Contribution):
    """The figures with the rows behind them, for one mentor's page."""

    meeting_rows: list[Meeting] = field(default_factory=list)
    duty_rows: list[Duty] = field(default_factory=list)
    visit_rows: list[PrimaryVisit] = field(default_factory=list)
    event_rows: list[Event] = field(default_factory=list)

    @property
    def meetings_from_counts(self) -> int:
        """Meetings counted from weekly numbers ("met 3 times") rather than logged one by one."""
        return max(0, self.meetings - len(self.meeting_rows))


def _span(year: AcademicYear) -> tuple[dt.date, dt.date]:
    return year.starts_on, year.ends_on


def _counts(rows: Iterable[dict[str, int]]) -> dict[int, int]:
    """Mentor id -> n, from `values("mentor_id").annotate(n=...)` rows."""
    return {row["mentor_id"]: row["n"] for row in rows}


def contributions_for_year(school: School, year: AcademicYear) -> list[Contribution]:
    """Every mentor of the year with their figures, by name: a few queries, however many."""
    first, last = _span(year)
    mentors = list(
        Mentor.objects.for_school(school)
        .for_year(year)
        .select_related("pupil", "academic_year")
        .order_by("pupil__family_name", "pupil__given_name", "pk")
    )
    meetings = mentor_totals(school, first, last)
    duties = _counts(
        Duty.objects.for_school(school)
        .filter(
            mentor__academic_year=year,
            attendance=Duty.Attendance.DONE,
            held_on__gte=first,
            held_on__lte=last,
        )
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("pk"))
    )
    visits = _counts(
        PrimaryVisit.mentors.through.objects.filter(
            primaryvisit__school=school,
            primaryvisit__status=PrimaryVisit.Status.DONE,
            primaryvisit__visit_on__gte=first,
            primaryvisit__visit_on__lte=last,
            mentor__academic_year=year,
        )
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("pk"))
    )
    events = _counts(
        Event.mentors.through.objects.filter(
            event__school=school, event__academic_year=year, mentor__academic_year=year
        )
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("pk"))
    )
    return [
        Contribution(
            mentor=m,
            meetings=meetings.get(m.pk, 0),
            duties=duties.get(m.pk, 0),
            visits=visits.get(m.pk, 0),
            events=events.get(m.pk, 0),
        )
        for m in mentors
    ]


def record_for(mentor: Mentor) -> ContributionRecord:
    """One mentor's figures for their academic year, with the meetings, duties, visits and
    events behind them (meetings with the mentee's first name only)."""
    school_id, year = mentor.school_id, mentor.academic_year
    first, last = _span(year)
    pairing_ids = list(Pairing.objects.filter(mentor=mentor).values_list("pk", flat=True))
    meetings = sum(pairing_week_totals(school_id, first, last, pairings=pairing_ids).values())
    meeting_rows = list(
        Meeting.objects.for_school(school_id)
        .happened()
        .between(first, last)
        .filter(pairing__in=pairing_ids)
        .select_related("pairing__mentee", "window")
        .order_by("held_on", "window__start_time")
    )
    duty_rows = list(
        Duty.objects.for_school(school_id)
        .filter(
            mentor=mentor,
            attendance=Duty.Attendance.DONE,
            held_on__gte=first,
            held_on__lte=last,
        )
        .select_related("room", "window")
        .order_by("held_on", "window__start_time")
    )
    visit_rows = list(
        PrimaryVisit.objects.for_school(school_id)
        .filter(
            mentors=mentor,
            status=PrimaryVisit.Status.DONE,
            visit_on__gte=first,
            visit_on__lte=last,
        )
        .select_related("primary")
        .order_by("visit_on", "starts_at")
    )
    event_rows = list(
        Event.objects.for_school(school_id)
        .filter(mentors=mentor, academic_year=year)
        .order_by("starts_on", "name")
    )
    return ContributionRecord(
        mentor=mentor,
        meetings=meetings,
        duties=len(duty_rows),
        visits=len(visit_rows),
        events=len(event_rows),
        meeting_rows=meeting_rows,
        duty_rows=duty_rows,
        visit_rows=visit_rows,
        event_rows=event_rows,
    )


# --- In words, for the certificate --------------------------------------------------------

_ONES = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_in_words(n: int) -> str:
    """ "twenty-three", "one hundred and five", "two thousand and forty": British English.

    Up to 999,999; beyond, the figure itself (no mentor does a million duties).
    """
    if n < 0 or n > 999_999:
        return f"{n:,}"
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        words = f"{_ONES[hundreds]} hundred"
        return f"{words} and {number_in_words(rest)}" if rest else words
    thousands, rest = divmod(n, 1000)
    words = f"{number_in_words(thousands)} thousand"
    if not rest:
        return words
    joiner = " and " if rest < 100 else " "
    return f"{words}{joiner}{number_in_words(rest)}"


def _counted(n: int, one: str, many: str) -> str:
    return f"{number_in_words(n)} {one if n == 1 else many}"


def certificate_lines(c: Contribution) -> list[str]:
    """What the certificate says the mentor did, figures in words; nothing for a nought."""
    lines = []
    if c.meetings:
        lines.append(
            f"held {_counted(c.meetings, 'meeting', 'meetings')} with the pupils they mentored"
        )
    if c.duties:
        lines.append(f"did {_counted(c.duties, 'duty', 'duties')} in the drop-in room")
    if c.visits:
        lines.append(
            f"went on {_counted(c.visits, 'visit', 'visits')} to our feeder primary schools"
        )
    if c.events:
        lines.append(f"took part in {_counted(c.events, 'event', 'events')}")
    return lines
