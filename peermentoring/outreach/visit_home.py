"""The visits of a school year, as the Visits page shows them, and the coordinator's to-dos.

The page groups a year's visits as still to come (with the primary's answer), happened
but not yet recorded, done, and cancelled, and names the feeder primaries with no visit
done or planned that year. The coordinator's home lists what is left: visits to record,
a primary that asked for another date, a plan not yet sent, follow-ups still to do, and in
the summer term the feeder primaries not yet visited. A few queries, however many visits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.meetings import rules
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.models import PrimaryVisit
from peermentoring.outreach.visit_words import answer_words, day_words, has_happened
from peermentoring.schools.models import AcademicYear, FeederPrimary, School, Term
from peermentoring.schools.school_year import school_year

# A visit left unrecorded is asked about for a year, then left alone.
ASK_FOR_DAYS = 365


@dataclass(frozen=True)
class VisitRow:
    """One visit as a table row: the primary's answer or what is left, in words."""

    visit: PrimaryVisit
    day: str  # "Tuesday 16 June", with the year when not this year's
    status: str
    mentors: list[str]
    open_follow_ups: int = 0


@dataclass
class YearOfVisits:
    year: AcademicYear | None
    coming: list[VisitRow] = field(default_factory=list)
    to_record: list[VisitRow] = field(default_factory=list)
    done: list[VisitRow] = field(default_factory=list)
    cancelled: list[VisitRow] = field(default_factory=list)
    not_visited: list[FeederPrimary] = field(default_factory=list)

    @property
    def year6_met(self) -> int:
        return sum(row.visit.year6_met or 0 for row in self.done)


def _visits(school: School) -> Any:
    return (
        PrimaryVisit.objects.for_school(school)
        .select_related("primary")
        .prefetch_related(
            Prefetch(
                "mentors",
                queryset=Mentor.objects.select_related("pupil").order_by(
                    "pupil__given_name", "pupil__family_name"
                ),
            )
        )
        .annotate(
            open_follow_ups=Count(
                "follow_ups",
                filter=Q(follow_ups__done_at__isnull=True, follow_ups__referral__isnull=True),
            )
        )
    )


def year_of_visits(school: School, year: AcademicYear | None) -> YearOfVisits:
    """A school year's visits, grouped, and the feeder primaries none was done or planned for."""
    found = YearOfVisits(year=year)
    if year is None:
        return found
    now = rules.now()
    visits = _visits(school).filter(visit_on__gte=year.starts_on, visit_on__lte=year.ends_on)
    visited = set()
    for visit in visits.order_by("visit_on", "starts_at"):
        row = VisitRow(
            visit=visit,
            day=day_words(visit.visit_on, now.date()),
            status=answer_words(visit, now.date()),
            mentors=[m.pupil.full_name for m in visit.mentors.all()],
            open_follow_ups=visit.open_follow_ups,
        )
        if visit.status == PrimaryVisit.Status.CANCELLED:
            found.cancelled.append(row)
            continue
        visited.add(visit.primary_id)
        if visit.status == PrimaryVisit.Status.DONE:
            found.done.append(row)
        elif has_happened(visit, now):
            found.to_record.append(row)
        else:
            found.coming.append(row)
    found.not_visited = list(FeederPrimary.objects.for_school(school).exclude(pk__in=visited))
    return found


def chosen_year(school: School, asked: str, today: dt.date) -> AcademicYear | None:
    """The year asked for (`?year=<pk>`, the school's own), else the one holding today, else
    the latest."""
    years = AcademicYear.objects.for_school(school)
    if asked.isdecimal() and len(asked) <= 18:
        year = years.filter(pk=int(asked)).first()
        if year is not None:
            return year
    return years.containing(today).first() or years.order_by("-starts_on").first()


# --- The coordinator's home ------------------------------------------------------------


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def todo_items(membership: Any) -> list[TodoItem]:
    """What is left to do about visits, for the coordinator's home page: one query (two in
    the summer term), however many visits or follow-ups."""
    school = membership.school
    now = rules.now()
    today = now.date()
    since = today - dt.timedelta(days=ASK_FOR_DAYS)
    # Visits not yet recorded, and recorded ones with follow-ups still to do.
    visits = list(
        PrimaryVisit.objects.for_school(school)
        .filter(visit_on__gte=since)
        .exclude(status=PrimaryVisit.Status.CANCELLED)
        .annotate(
            open_follow_ups=Count(
                "follow_ups",
                filter=Q(follow_ups__done_at__isnull=True, follow_ups__referral__isnull=True),
            )
        )
        .filter(~Q(status=PrimaryVisit.Status.DONE) | Q(open_follow_ups__gt=0))
        .select_related("primary")
        .order_by("visit_on", "starts_at")
    )
    open_visits = [v for v in visits if v.status != PrimaryVisit.Status.DONE]
    items: list[TodoItem] = []
    list_url = school_url(membership, "outreach:visits")
    to_record = [v for v in open_visits if has_happened(v, now)]
    if len(to_record) == 1:
        visit = to_record[0]
        items.append(
            TodoItem(
                label=f"Record the visit to {visit.primary.name}",
                url=school_url(membership, "outreach:visit-record", visit_pk=visit.pk),
            )
        )
    elif to_record:
        items.append(
            TodoItem(
                label=f"{len(to_record)} visits to record",
                url=f"{list_url}#to-record" if list_url else "",
                count=len(to_record),
            )
        )
    for visit in open_visits:
        if has_happened(visit, now):
            continue
        if visit.status == PrimaryVisit.Status.OTHER_DATE:
            label = f"{visit.primary.name} asked for another date"
        elif visit.status == PrimaryVisit.Status.PLANNED and visit.link_sent_at is None:
            label = f"Send the visit plan to {visit.primary.name}"
        else:
            continue
        items.append(
            TodoItem(label=label, url=school_url(membership, "outreach:visit", visit_pk=visit.pk))
        )
    follow_ups = sum(v.open_follow_ups for v in visits)
    if follow_ups:
        items.append(
            TodoItem(
                label=_plural(follow_ups, "visit follow-up to do", "visit follow-ups to do"),
                url=f"{list_url}#done" if list_url else "",
                count=follow_ups,
            )
        )
    this_year = school_year(membership, today)
    year, term = this_year.year, this_year.term
    if year is not None and term is not None and term.name == Term.Name.SUMMER:
        left = (
            FeederPrimary.objects.for_school(school)
            .annotate(
                visits_this_year=Count(
                    "visits",
                    filter=Q(
                        visits__visit_on__gte=year.starts_on, visits__visit_on__lte=year.ends_on
                    )
                    & ~Q(visits__status=PrimaryVisit.Status.CANCELLED),
                )
            )
            .filter(visits_this_year=0)
            .count()
        )
        if left:
            items.append(
                TodoItem(
                    label=_plural(
                        left,
                        "feeder primary not yet visited",
                        "feeder primaries not yet visited",
                    ),
                    url=f"{list_url}#not-visited" if list_url else "",
                    count=left,
                )
            )
    return items
