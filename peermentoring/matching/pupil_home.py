"""Pairings on pupils' home pages: the mentee's "Your peer mentor" card and the mentor's "mentoring".

Registered in MatchingConfig.ready(), shown by schools. A mentee reads their mentor's
first name, form and when they can meet; a mentor with mentees reads their first names
and forms, as `my_mentee` shows them: nothing else of either pupil leaves the staff pages.
The mentor's card is a stage of `mentors.pupil_home`, so the pupil sees one status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from peermentoring.core.registry import TodoItem
from peermentoring.core.roles import Role
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import MentorFreeWindow
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import SchoolDayWindow

if TYPE_CHECKING:
    from peermentoring.mentors.pupil_home import MentorStanding
    from peermentoring.schools.models import Membership, Pupil

MENTOR_TEMPLATE = "matching/_todo_my_mentor.html"
MENTORING_TEMPLATE = "matching/_todo_mentoring.html"


@dataclass(frozen=True)
class MeetingTime:
    """A window as a Year 7 reads it: "Monday break", "10:50 to 11:10"."""

    label: str
    times: str


@dataclass(frozen=True)
class MyMentor:
    first_name: str
    form_group: str
    year_group: int
    started_on: dt.date
    # When they are both free; empty when none is shared (the coordinator finds a time).
    times: list[MeetingTime]
    # Neither said when they are free: any AM registration, break or lunch will do.
    any_time: bool


def meeting_times(windows: Iterable[SchoolDayWindow]) -> list[MeetingTime]:
    return [
        MeetingTime(label=w.label, times=f"{w.start_time:%H:%M} to {w.end_time:%H:%M}")
        for w in sorted(windows, key=lambda w: (w.weekday, w.start_time))
    ]


def _ticked(windows: list[SchoolDayWindow]) -> set[SchoolDayWindow] | None:
    """The windows someone is free at that are on; None when they ticked none (free at any)."""
    if not windows:
        return None
    return {w for w in windows if w.is_active}


def my_mentor(membership: Membership) -> list[TodoItem]:
    """A mentee's card: their mentor's first name and form, and when they can meet."""
    if membership.pupil_id is None:
        return []
    # A mentee has one active pairing at most (a unique constraint).
    pairing = (
        Pairing.objects.filter(
            school=membership.school, status=Pairing.Status.ACTIVE, mentee=membership.pupil_id
        )
        .select_related("mentor__pupil")
        .order_by("pk")
        .first()
    )
    if pairing is None:
        return []
    mentor: Pupil = pairing.mentor.pupil
    # The windows each of them ticked, then those windows: three small queries cost the
    # page half what prefetching them through the pairing did.
    mentor_ticked = set(
        MentorFreeWindow.objects.filter(mentor=pairing.mentor_id).values_list(
            "window_id", flat=True
        )
    )
    mentee_ticked = set(
        Referral.free_windows.through.objects.filter(referral=pairing.referral_id).values_list(
            "schooldaywindow_id", flat=True
        )
    )
    windows = (
        {w.pk: w for w in SchoolDayWindow.objects.filter(pk__in=mentor_ticked | mentee_ticked)}
        if mentor_ticked or mentee_ticked
        else {}
    )
    theirs = _ticked([windows[pk] for pk in mentor_ticked])
    mine = _ticked([windows[pk] for pk in mentee_ticked])
    ticked = [windows for windows in (theirs, mine) if windows is not None]
    shared = set.intersection(*ticked) if ticked else set()
    detail = MyMentor(
        first_name=mentor.first_name,
        form_group=mentor.form_group,
        year_group=mentor.year_group,
        started_on=pairing.started_on,
        times=meeting_times(shared),
        any_time=theirs is None and mine is None,
    )
    return [TodoItem(label="Your peer mentor", url="", template=MENTOR_TEMPLATE, detail=detail)]


@dataclass(frozen=True)
class Mentee:
    first_name: str
    form_group: str


def mentoring_card(standing: MentorStanding) -> TodoItem | None:
    """A trained mentor with mentees this year: who they mentor, and the way to My mentee."""
    mentor = standing.mentor
    if mentor is None or not standing.is_mentoring_this_year:
        return None
    mentees = [
        Mentee(first_name=p.mentee.first_name, form_group=p.mentee.form_group)
        for p in Pairing.objects.for_school(mentor.school_id)
        .active()
        .filter(mentor=mentor)
        .select_related("mentee")
        .order_by("started_on", "pk")
    ]
    if not mentees:
        return None
    who = "an experienced peer mentor" if standing.is_experienced else "a peer mentor"
    url = reverse("matching:my-mentee", kwargs={"school_slug": standing.membership.school.slug})
    return TodoItem(label=f"You are {who}", url=url, template=MENTORING_TEMPLATE, detail=mentees)


def own_mentees(membership: Any) -> set[int]:
    """The pupils a mentor mentors now: the only records a mentor may name in a concern."""
    if membership.pupil_id is None or membership.role != Role.MENTOR:
        return set()
    return set(
        Pairing.objects.for_school(membership.school_id)
        .active()
        .filter(mentor__pupil=membership.pupil_id)
        .values_list("mentee_id", flat=True)
    )
