"""Meetings on pupils' home pages: the mentee's "Your peer mentor" card says when they
last met and when they usually meet; the mentor's card nudges, gently, after two school
weeks with no meeting logged, and leads to My mentee and "Log a meeting".

These replace matching's cards (registered under the same keys in MeetingsConfig.ready)
and build on them: the facts of the pairing come from matching.pupil_home.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from peermentoring.core.registry import TodoItem
from peermentoring.matching import pupil_home as matching_home
from peermentoring.matching.models import Pairing
from peermentoring.meetings import rules
from peermentoring.meetings.counting import quiet_pairings
from peermentoring.meetings.models import Meeting, UsualWindow

if TYPE_CHECKING:
    from peermentoring.mentors.pupil_home import MentorStanding

MENTOR_TEMPLATE = "meetings/_todo_my_mentor.html"
MENTORING_TEMPLATE = "meetings/_todo_mentoring.html"


@dataclass(frozen=True)
class MyMentorMeetings:
    mentor: matching_home.MyMentor
    last_met: dt.date | None
    # The pair (or the coordinator) chose when they usually meet: mentor.times are those.
    usual_chosen: bool


def my_mentor(membership: Any) -> list[TodoItem]:
    """The mentee's card: matching's facts, the pair's usual windows, when they last met."""
    items = matching_home.my_mentor(membership)
    if not items:
        return items
    last_meeting = (
        Meeting.objects.filter(pairing=OuterRef("pk"), status=Meeting.Status.HAPPENED)
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    pairing_id, last_met = (
        Pairing.objects.filter(
            school=membership.school, status=Pairing.Status.ACTIVE, mentee=membership.pupil_id
        )
        .annotate(last_met=Subquery(last_meeting))
        .values_list("pk", "last_met")
        .first()
    ) or (None, None)
    facts: matching_home.MyMentor = items[0].detail
    chosen = [
        u.window
        for u in UsualWindow.objects.filter(pairing=pairing_id, window__is_active=True)
        .select_related("window")
        .order_by("window__weekday", "window__start_time")
    ]
    if chosen:
        facts = replace(facts, times=matching_home.meeting_times(chosen), any_time=False)
    detail = MyMentorMeetings(mentor=facts, last_met=last_met, usual_chosen=bool(chosen))
    return [replace(items[0], template=MENTOR_TEMPLATE, detail=detail)]


@dataclass(frozen=True)
class Mentoring:
    mentees: list[matching_home.Mentee]
    # First names of the mentees with no meeting logged for two school weeks.
    quiet: list[str]
    log_url: str


def mentoring_card(standing: MentorStanding) -> TodoItem | None:
    """The mentor's card: who they mentor, a nudge when a meeting is overdue, and the way in."""
    card = matching_home.mentoring_card(standing)
    if card is None or standing.mentor is None:
        return card
    school = standing.membership.school
    quiet = list(
        quiet_pairings(school, rules.now().date())
        .filter(mentor=standing.mentor)
        .values_list("mentee__given_name", "mentee__preferred_name")
    )
    names = [preferred or given for given, preferred in quiet]
    url = reverse("meetings:my-mentee", kwargs={"school_slug": school.slug})
    log_url = reverse("meetings:log", kwargs={"school_slug": school.slug})
    detail = Mentoring(mentees=card.detail, quiet=names, log_url=log_url)
    return replace(card, url=url, template=MENTORING_TEMPLATE, detail=detail)
