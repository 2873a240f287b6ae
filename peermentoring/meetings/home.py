"""Meetings on the coordinator's home page: the pairings that have gone quiet."""

from __future__ import annotations

from typing import Any

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.meetings import rules
from peermentoring.meetings.counting import quiet_pairings


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
            count=count,
        )
    ]
