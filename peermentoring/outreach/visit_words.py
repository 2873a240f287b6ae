"""A visit in the coordinator's and the primary's words: dates, times, the primary's answer."""

from __future__ import annotations

import datetime as dt

from peermentoring.meetings import rules
from peermentoring.outreach.models import PrimaryVisit


def today() -> dt.date:
    """The school's clock (Europe/London), as the meetings rules read it (tests set it)."""
    return rules.now().date()


def day_words(day: dt.date, on: dt.date | None = None) -> str:
    """ "Tuesday 16 June", with the year when it is not this year's."""
    on = on or today()
    words = f"{day:%A} {day.day} {day:%B}"
    return words if day.year == on.year else f"{words} {day.year}"


def full_day_words(day: dt.date) -> str:
    """ "Tuesday 16 June 2026": for an e-mail, read on any day."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def time_words(moment: dt.time) -> str:
    return f"{moment:%H:%M}"


def times_words(visit: PrimaryVisit) -> str:
    """ "13:30 to 14:30"."""
    return f"{time_words(visit.starts_at)} to {time_words(visit.ends_at)}"


def mentors_words(count: int) -> str:
    """ "4 peer mentors": what the primary is told (no pupil's name leaves the school)."""
    if count == 0:
        return "peer mentors (how many is still to be settled)"
    return f"{count} peer mentor{'s' if count != 1 else ''}"


def has_happened(visit: PrimaryVisit, now: dt.datetime | None = None) -> bool:
    """Its date has come and its time is over (or the day has gone)."""
    now = now or rules.now()
    return visit.visit_on < now.date() or (
        visit.visit_on == now.date() and visit.ends_at <= now.time()
    )


def answer_words(visit: PrimaryVisit, on: dt.date | None = None) -> str:
    """The visit as the coordinator reads it: the primary's answer, or what is left to do."""
    if visit.status == PrimaryVisit.Status.CANCELLED:
        return "Cancelled"
    if visit.status == PrimaryVisit.Status.DONE:
        return "Done"
    on = on or today()
    if visit.visit_on < on:
        return "Happened: record how it went"
    if visit.status == PrimaryVisit.Status.CONFIRMED:
        return "Confirmed by the primary"
    if visit.status == PrimaryVisit.Status.OTHER_DATE:
        if visit.suggested_date:
            return f"Asked for another date: {day_words(visit.suggested_date, on)}"
        return "Asked for another date"
    if visit.link_sent_at is None:
        return "Plan not sent yet"
    return "Waiting for their answer"
