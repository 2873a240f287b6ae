"""Meetings on staff home pages: the pairings that have gone quiet, this term's total."""

from __future__ import annotations

from typing import Any

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.meetings import rules
from peermentoring.meetings.counting import quiet_pairings, total
from peermentoring.schools.models import Term


def quiet_items(membership: Any) -> list[TodoItem]:
    """ "N pairings with no meeting for two school weeks", linked to the list of them."""
    count = quiet_pairings(membership.school, rules.now().date()).count()
    if not count:
        return []
    url = school_url(membership, "meetings:staff-overview")
    return [
        TodoItem(
            label=f"{count} pairing{'s' if count != 1 else ''} with no meeting for two school weeks",
            url=f"{url}#quiet" if url else "",
        )
    ]


def meetings_this_term(membership: Any) -> int:
    """The one-to-one meetings of this term so far (the term of today; 0 in the holidays)."""
    today = rules.now().date()
    term = Term.objects.for_school(membership.school).containing(today).first()
    if term is None:
        return 0
    return total(membership.school, term.starts_on, today)
