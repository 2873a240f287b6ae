"""Recruitment on the staff home pages: registered in RecruitmentConfig.ready(), shown by schools.

The next step of the year for recruiting next year's mentors, from this year's rounds
and the calendar. (What pupils see is in `home.py`.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils import timezone

from peermentoring.core.registry import TodoItem, day_words, school_url
from peermentoring.recruitment.models import Application, RecruitmentRound
from peermentoring.recruitment.services import default_round_dates
from peermentoring.schools.school_year import school_year

if TYPE_CHECKING:
    from peermentoring.schools.models import AcademicYear, Membership

UNDECIDED = (
    Application.Status.SUBMITTED,
    Application.Status.SHORTLISTED,
    Application.Status.INTERVIEW_BOOKED,
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass
class _Round:
    """One of this year's rounds, with its applications counted."""

    pk: int
    year_group: int
    opens_on: dt.date
    closes_on: dt.date
    submitted: int = 0  # not drafts
    undecided: int = 0  # to shortlist, interview and offer places to
    decided: int = 0  # offers made


def _rounds(year: AcademicYear) -> list[_Round]:
    """This year's rounds in order, with their applications counted by status.

    One row per round and status (grouped in the database, so a few rows however many
    apply), added up here: cheaper to build than three filtered counts a round.
    """
    rows = (
        RecruitmentRound.objects.filter(school=year.school_id, academic_year=year)
        .values_list("pk", "year_group", "opens_on", "closes_on", "applications__status")
        .annotate(n=Count("applications"))
        .order_by("opens_on", "pk")
    )
    rounds: dict[int, _Round] = {}
    for pk, year_group, opens_on, closes_on, status, n in rows:
        round_ = rounds.setdefault(pk, _Round(pk, year_group, opens_on, closes_on))
        if status is None:  # a round with no applications yet
            continue
        if status != Application.Status.DRAFT:
            round_.submitted += n
        if status in UNDECIDED:
            round_.undecided += n
        if status in Application.OFFERS_MADE:
            round_.decided += n
    return list(rounds.values())


def _round_step(membership: Membership, round_: _Round, today: dt.date) -> TodoItem:
    """What comes next for one of this year's rounds."""
    url = school_url(membership, "recruitment:round-detail", round_pk=round_.pk)
    who = f"Year {round_.year_group}"
    if round_.opens_on > today:
        label = f"Recruitment opens on {day_words(round_.opens_on, today)} ({who})"
    elif round_.closes_on >= today:
        so_far = _plural(round_.submitted, "application")
        label = (
            f"Recruitment ({who}) is open until {day_words(round_.closes_on, today)}: "
            f"{so_far} so far"
        )
    else:
        undecided = _plural(round_.undecided, "application")
        label = (
            f"Recruitment ({who}) closed on {day_words(round_.closes_on, today)}: "
            f"{undecided} to shortlist, interview and offer places to"
        )
    return TodoItem(label=label, url=url)


def next_recruitment_step(membership: Membership) -> list[TodoItem]:
    """This year's rounds still to open, open, or closed with applications to decide; else
    when recruitment usually opens (the spring term), with the way to set the round up."""
    today = timezone.localdate()
    year = school_year(membership, today).year
    if year is None:
        return []  # the school admin is asked to set up the year first
    rounds = _rounds(year)
    if rounds:
        return [
            _round_step(membership, r, today)
            for r in rounds
            if r.closes_on >= today or (r.undecided and not r.decided)
        ]
    opens_on, closes_on = default_round_dates(year)
    create = school_url(membership, "recruitment:round-create")
    if today < opens_on:
        label = f"Recruitment opens in {opens_on:%B}: set up this year's round"
    elif today <= closes_on:
        label = "Recruitment usually runs now, in the spring term: set up this year's round"
    else:
        label = "No recruitment this year yet: next year's mentors need recruiting"
    return [TodoItem(label=label, url=create)]
