"""What the home pages say about safeguarding: the lead's waiting concerns (a count, no
detail), and every pupil's way to say they are worried about someone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count
from django.utils import timezone

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


def open_concerns_by_school(schools: Sequence[Any]) -> Mapping[int, int]:
    """The trust lead's figure: how many concerns are open in each school (a count only)."""
    rows = (
        Concern.objects.filter(school__in=[s.pk for s in schools])
        .exclude(status=Concern.Status.CLOSED)
        .values("school")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["school"]: row["n"] for row in rows}


def concerns_this_year_by_school(schools: Sequence[Any]) -> Mapping[int, int]:
    """Concerns raised since 1 September (counts only, never who or what)."""
    today = timezone.localdate()
    start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    rows = (
        Concern.objects.filter(school__in=[s.pk for s in schools], created_at__date__gte=start)
        .values("school")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["school"]: row["n"] for row in rows}
