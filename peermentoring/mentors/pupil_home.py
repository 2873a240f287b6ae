"""A pupil's standing as a peer mentor, on their home page: one card, following the real state.

Registered in MentorsConfig.ready(), shown by schools. The card says where the pupil
stands today, from their `Mentor` records: in training, trained, paused, stepped down,
or an experienced mentor from an earlier year. Applying and being offered a place are
recruitment's cards until accepting the place makes the pupil a `Mentor`; from then on
this card alone speaks.

What a later stage knows better it says instead: matching registers the "mentoring"
card (a trained mentor with mentees) through `register_mentor_stage`, as training
registers its readiness check, so this app never imports it and the pupil reads one
status, never two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from peermentoring.core.registry import TodoItem
from peermentoring.mentors.models import Mentor

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership

STATUS_TEMPLATE = "mentors/_todo_status.html"


@dataclass(frozen=True)
class MentorStanding:
    """Where one pupil stands as a mentor today: what a stage's card is built from."""

    membership: Membership
    # This year's record; before September, the record of the year they start in.
    mentor: Mentor | None
    # Mentored in an earlier year, or the school flagged them experienced.
    is_experienced: bool
    # The record is for next year: they have accepted a place and start in September.
    starts_later: bool

    @property
    def is_mentoring_this_year(self) -> bool:
        """Trained, serving this year: the only standing in which a mentor has mentees."""
        return self.mentor is not None and self.mentor.is_trained and not self.starts_later


@dataclass(frozen=True)
class MentorStage:
    name: str
    # The card to show instead of this app's own, or None when the stage has nothing to say.
    card: Callable[[MentorStanding], TodoItem | None]


_stages: dict[str, MentorStage] = {}


def register_mentor_stage(*, name: str, card: Callable[[MentorStanding], TodoItem | None]) -> None:
    """Let a later stage say where a mentor stands (registering the same name replaces it)."""
    _stages[name] = MentorStage(name=name, card=card)


@dataclass(frozen=True)
class StatusCard:
    """What the mentor's status card says: who they are, then what happens next."""

    status: str  # in_training, trained, paused, stepped_down, experienced
    text: str


def mentor_standing(membership: Membership) -> MentorStanding | None:
    """The pupil's standing, or None for a pupil who has never been a mentor."""
    pupil = membership.pupil
    if pupil is None:
        return None
    today = timezone.localdate()
    records = list(
        Mentor.objects.for_school(membership.school)
        .filter(pupil=pupil)
        .select_related("academic_year")
        .order_by("academic_year__starts_on")
    )
    current = next((r for r in records if r.academic_year.ends_on >= today), None)
    earlier = [r for r in records if r.academic_year.ends_on < today]
    if not records:
        return None
    return MentorStanding(
        membership=membership,
        mentor=current,
        is_experienced=bool(earlier) or (current is not None and current.is_experienced),
        starts_later=current is not None and current.academic_year.starts_on > today,
    )


def _own_card(standing: MentorStanding) -> TodoItem | None:
    mentor, experienced = standing.mentor, standing.is_experienced
    if mentor is None:
        if not experienced:
            return None
        return _card(
            "experienced",
            "You are an experienced peer mentor",
            "Thank you for mentoring! You may be asked to help interview new peer mentors "
            "and to help at their training.",
        )
    who = "an experienced peer mentor" if experienced else "a peer mentor"
    september = f"September {mentor.academic_year.starts_on.year}"
    if mentor.status == Mentor.Status.PAUSED:
        return _card(
            "paused",
            "Your peer mentoring is paused",
            "You are not mentoring for now. If you have any questions, talk to your coordinator.",
        )
    if mentor.status == Mentor.Status.STEPPED_DOWN:
        return _card(
            "stepped_down",
            "Thank you for being a peer mentor",
            "You have stepped down from peer mentoring. Thank you for all your help.",
        )
    if mentor.status == Mentor.Status.IN_TRAINING:
        if standing.starts_later:
            return _card(
                "in_training",
                "Welcome to the peer mentoring team!",
                "You have accepted your place. Your training comes next: your coordinator "
                f"will tell you when each session is. You start mentoring in {september}.",
            )
        return _card(
            "in_training",
            f"You are training to be {who}",
            "Come to every training session. When you have finished your training, we will "
            "match you with a Year 7 pupil to mentor.",
        )
    if standing.starts_later:
        return _card(
            "trained",
            f"You are {who}",
            "You have finished your training: well done! You start mentoring in "
            f"{september}, when we will match you with a Year 7 pupil.",
        )
    return _card(
        "trained",
        f"You are {who}",
        "You have finished your training: well done! We will match you with a Year 7 pupil "
        "soon, and your coordinator will tell you who it is.",
    )


def _card(status: str, heading: str, text: str) -> TodoItem:
    return TodoItem(
        label=heading, url="", template=STATUS_TEMPLATE, detail=StatusCard(status, text)
    )


def mentor_status(membership: Membership) -> list[TodoItem]:
    """One card saying where the pupil stands as a mentor: a later stage's, else this app's."""
    standing = mentor_standing(membership)
    if standing is None:
        return []
    for stage in _stages.values():
        item = stage.card(standing)
        if item is not None:
            return [item]
    own = _own_card(standing)
    return [own] if own is not None else []
