"""Matching on the home pages: registered in MatchingConfig.ready(), shown by schools."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from peermentoring.core.registry import TodoItem
from peermentoring.matching.models import Pairing

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership


def mentees_with_a_mentor(membership: Membership) -> int:
    """Pupils with an active pairing in the membership's school."""
    return Pairing.objects.for_school(membership.school).active().count()


def my_mentee(membership: Membership) -> list[TodoItem]:
    """A mentor's way to their mentee."""
    url = reverse("matching:my-mentee", kwargs={"school_slug": membership.school.slug})
    return [TodoItem(label="My mentee", url=url)]
