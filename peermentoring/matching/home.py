"""Matching on the home pages: registered in MatchingConfig.ready(), shown by schools."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.db.models import Count

from peermentoring.matching.models import Pairing

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership, School


def mentees_with_a_mentor(membership: Membership) -> int:
    """Pupils with an active pairing in the membership's school."""
    return Pairing.objects.for_school(membership.school).active().count()


# --- Staff: the trust's figures per school ------------------------------------------------


def mentees_with_a_mentor_by_school(schools: Sequence[School]) -> Mapping[int, int]:
    """Pupils with an active pairing, per school, in one query."""
    rows = (
        Pairing.objects.filter(school__in=[s.pk for s in schools])
        .active()
        .values("school")
        .annotate(n=Count("mentee", distinct=True))
        .order_by()
    )
    return {row["school"]: row["n"] for row in rows}
