"""When a check-in or a reflection is due: the one rule the pupils' pages, their home to-dos and
the coordinator's "Check-ins" page all read.

A pairing's check-ins run within the academic year it started in, up to the last day of
that year's summer term (the year's end when it has no summer term):

- **start**: due from the day the pairing starts, until answered;
- **mid-way**: due from half-way between the pairing's start and the summer term's last
  day (a September pairing: early February), until answered. Half-way, not "after six
  school weeks": a pairing made in March is asked mid-way in May, not at once;
- **end**: due from the day the pairing ends, or from the Monday of the last three weeks of
  the summer term if sooner, until the academic year ends.

Once the end check-in is due, a start or mid-way one not answered is no longer asked: an
answer given beside the last one would measure no change. Only this year's pairings are
asked: last year's unanswered check-ins are not chased.

A mentor's reflection is due in the second half of the summer term (from the first day
after its half-term; without one, from half-way through the term) until the year ends,
for every mentor of the year who has not stepped down.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from peermentoring.evaluation.models import Response
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, Term

Moment = Response.Moment
FAR = dt.date.max


def end_window_opens(last_day: dt.date) -> dt.date:
    """The Monday of the summer term's last three weeks (the last day's week counts)."""
    return last_day - dt.timedelta(days=last_day.weekday()) - dt.timedelta(weeks=2)


@dataclass(frozen=True)
class CheckInDates:
    """When each check-in of one pairing is asked, and until when any is."""

    start_from: dt.date
    mid_from: dt.date
    end_from: dt.date
    closes_on: dt.date  # the academic year's last day

    def due_on(self, moment: str, day: dt.date) -> bool:
        """Whether the moment's check-in is asked on that day (answered or not)."""
        if not self.start_from <= day <= self.closes_on:
            return False
        if moment == Moment.END:
            return day >= self.end_from
        if day >= self.end_from:
            return False
        return day >= (self.start_from if moment == Moment.START else self.mid_from)

    def opened(self, moment: str, day: dt.date) -> bool:
        """Whether the moment's time has come on that day (a paper form for it may be typed in)."""
        if moment == Moment.START:
            return self.start_from <= day
        if moment == Moment.MID:
            # A pairing that ended before its half-way day had no mid-way check-in.
            return self.mid_from < self.end_from and self.mid_from <= day
        return self.end_from <= day


def check_in_dates(
    *, started_on: dt.date, ended_on: dt.date | None, last_day: dt.date, year_ends_on: dt.date
) -> CheckInDates:
    """A pairing's check-in dates, from its own dates and its academic year's."""
    half_way = started_on + dt.timedelta(days=max((last_day - started_on).days, 0) // 2)
    end_from = min(ended_on or FAR, max(end_window_opens(last_day), started_on))
    return CheckInDates(
        start_from=started_on, mid_from=half_way, end_from=end_from, closes_on=year_ends_on
    )


def _year_of_pairing() -> QuerySet[AcademicYear]:
    return AcademicYear.objects.filter(
        school=OuterRef("school"),
        starts_on__lte=OuterRef("started_on"),
        ends_on__gte=OuterRef("started_on"),
    )


def _summer_of_pairing(field: str) -> Subquery:
    summer = Term.objects.filter(
        academic_year__school=OuterRef("school"),
        academic_year__starts_on__lte=OuterRef("started_on"),
        academic_year__ends_on__gte=OuterRef("started_on"),
        name=Term.Name.SUMMER,
    )
    return Subquery(summer.values(field)[:1])


def with_check_in_facts(pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """Pairings with their year's last day, summer term's last day and answered moments,
    in the pairings' own query (one however many)."""
    answered = Response.objects.filter(pairing=OuterRef("pk"))
    return pairings.annotate(
        year_ends_on=Subquery(_year_of_pairing().values("ends_on")[:1]),
        summer_ends_on=_summer_of_pairing("ends_on"),
        has_start=Exists(answered.filter(moment=Moment.START)),
        has_mid=Exists(answered.filter(moment=Moment.MID)),
        has_end=Exists(answered.filter(moment=Moment.END)),
    )


def dates_of(pairing: Any) -> CheckInDates | None:
    """The check-in dates of a pairing read through `with_check_in_facts` (None: no year)."""
    if pairing.year_ends_on is None:
        return None
    return check_in_dates(
        started_on=pairing.started_on,
        ended_on=pairing.ended_on,
        last_day=pairing.summer_ends_on or pairing.year_ends_on,
        year_ends_on=pairing.year_ends_on,
    )


def answered_moments(pairing: Any) -> set[str]:
    """The moments answered, read through `with_check_in_facts`."""
    flags = {Moment.START: pairing.has_start, Moment.MID: pairing.has_mid}
    flags[Moment.END] = pairing.has_end
    return {moment for moment, done in flags.items() if done}


@dataclass(frozen=True)
class DueCheckIn:
    pairing: Pairing
    moment: str

    @property
    def moment_label(self) -> str:
        return Moment(self.moment).label


def due_check_ins(pairings: QuerySet[Pairing], day: dt.date) -> list[DueCheckIn]:
    """Every check-in asked on that day and not answered, of these pairings, in one query."""
    due = []
    for pairing in with_check_in_facts(pairings):
        dates = dates_of(pairing)
        if dates is None:
            continue
        done = answered_moments(pairing)
        for moment in Response.CHECK_IN_MOMENTS:
            if moment not in done and dates.due_on(moment, day):
                due.append(DueCheckIn(pairing=pairing, moment=moment))
    return due


# --- The mentor's reflection ---------------------------------------------------------------


def reflection_opens(summer: Term) -> dt.date:
    """The first day of the summer term's second half."""
    if summer.half_term_ends_on is not None:
        return summer.half_term_ends_on + dt.timedelta(days=1)
    return summer.starts_on + dt.timedelta(days=(summer.ends_on - summer.starts_on).days // 2)


def reflection_due_on(summer: Term | None, year: AcademicYear, day: dt.date) -> bool:
    """Whether the year's reflections are asked on that day."""
    return summer is not None and reflection_opens(summer) <= day <= year.ends_on


def mentors_to_reflect(mentors: QuerySet[Mentor]) -> QuerySet[Mentor]:
    """Mentors who have not stepped down and have not written their reflection yet."""
    done = Response.objects.filter(mentor=OuterRef("pk"))
    return mentors.exclude(status=Mentor.Status.STEPPED_DOWN).exclude(Exists(done))


def summer_of(year: AcademicYear) -> Term | None:
    found: Term | None = Term.objects.filter(academic_year=year, name=Term.Name.SUMMER).first()
    return found
