"""What the home pages say about safeguarding: the lead's waiting concerns (a count, no
detail), and every pupil's way to say they are worried about someone."""

from __future__ import annotations

from typing import Any

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.safeguarding.models import Concern


def lead_items(membership: Any) -> list[TodoItem]:
    waiting = Concern.objects.for_school(membership.school).filter(status=Concern.Status.NEW)
    count = waiting.count()
    if not count:
        return []
    return [
        TodoItem(
            label=f"Safeguarding concern{'s' if count > 1 else ''} to acknowledge",
            url=school_url(membership, "safeguarding:concern-list"),
            count=count,
            urgent=True,
        )
    ]


def worried_about_someone(membership: Any) -> list[TodoItem]:
    return [
        TodoItem(
            label="I'm worried about someone",
            url=school_url(membership, "safeguarding:concern-raise"),
        )
    ]
