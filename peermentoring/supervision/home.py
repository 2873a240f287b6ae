"""The coordinator's to-do items: this week's supervision not yet finished, overdue actions."""

from __future__ import annotations

from typing import Any

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.meetings import rules
from peermentoring.meetings.counting import monday
from peermentoring.supervision.models import Action, Session, SupervisionGroup


def items(membership: Any) -> list[TodoItem]:
    school, user = membership.school, membership.user
    today = rules.now().date()
    groups = list(SupervisionGroup.objects.for_school(school).filter(coordinator=user))
    finished = set(
        Session.objects.filter(
            group__in=groups, week_of=monday(today), status=Session.Status.FINISHED
        ).values_list("group_id", flat=True)
    )
    todo = [
        TodoItem(
            label=f"Supervision this week: {group.name}",
            url=school_url(membership, "supervision:group-week", group_pk=group.pk),
        )
        for group in groups
        if group.pk not in finished
    ]
    overdue = Action.objects.for_school(school).overdue(today).filter(group__in=groups).count()
    if overdue:
        todo.append(
            TodoItem(
                label=f"{overdue} action{'s' if overdue > 1 else ''} overdue",
                url=school_url(membership, "supervision:action-list"),
            )
        )
    return todo
