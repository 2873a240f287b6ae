"""The school's list of meeting topics: renamed, reordered, switched off or added.

A topic is never deleted (meetings already logged keep it): one the school no longer
wants is switched off, so the mentor's form stops offering it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.meetings.models import Topic
from peermentoring.schools.models import School

NAME_MAX = 60
NAME_NEEDED = "Give each topic a name (switch a topic off rather than emptying its name)."
NAME_TOO_LONG = f"Keep a topic's name to {NAME_MAX} characters."
NAME_TWICE = "“{name}” is in the list twice: give each topic its own name."
NOT_THIS_SCHOOL = "That topic is not on your school's list."
NONE_OFFERED = "Keep at least one topic offered, so mentors have something to choose."


@dataclass(frozen=True)
class TopicChange:
    """One existing topic as the coordinator left it."""

    topic_id: int
    name: str
    order: int
    is_active: bool


@transaction.atomic
def save_topics(
    *, school: School, changes: Sequence[TopicChange], new: Sequence[str], by: User | None
) -> list[Topic]:
    """Rename, reorder and switch topics on or off, and add new ones at the end.

    Every topic named must be the school's; names are unique (ignoring case) and not
    empty; at least one topic stays offered.
    """
    topics = {t.pk: t for t in Topic.objects.for_school(school).select_for_update()}
    if any(change.topic_id not in topics for change in changes):
        raise ValidationError(NOT_THIS_SCHOOL)
    wanted = {t.pk: (t.name, t.order, t.is_active) for t in topics.values()}
    for change in changes:
        wanted[change.topic_id] = (change.name.strip(), change.order, change.is_active)
    added = [name.strip() for name in new if name.strip()]
    names = [name for name, _, _ in wanted.values()] + added
    if any(not name for name, _, _ in wanted.values()):
        raise ValidationError(NAME_NEEDED)
    if any(len(name) > NAME_MAX for name in names):
        raise ValidationError(NAME_TOO_LONG)
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise ValidationError(NAME_TWICE.format(name=name))
        seen.add(name.casefold())
    if not added and not any(on for _, _, on in wanted.values()):
        raise ValidationError(NONE_OFFERED)
    changed = []
    # Names are unique per school: clear the old ones first so two topics can swap names.
    moving = [t for pk, t in topics.items() if wanted[pk][0] != t.name]
    for topic in moving:
        topic.name = f"(renaming {topic.pk})"
    Topic.objects.bulk_update(moving, ["name"])
    for pk, topic in topics.items():
        name, order, on = wanted[pk]
        if (topic.name, topic.order, topic.is_active) != (name, order, on):
            topic.name, topic.order, topic.is_active = name, order, on
            changed.append(topic)
    Topic.objects.bulk_update(changed, ["name", "order", "is_active"])
    last = max((order for _, order, _ in wanted.values()), default=-1)
    created = Topic.objects.bulk_create(
        [
            Topic(school=school, name=name, order=last + n, is_active=True)
            for n, name in enumerate(added, start=1)
        ]
    )
    if changed or created:
        record(
            action="meetings.topics_saved",
            target=school,
            by=by,
            school=school,
            changes={
                "changed": {str(t.pk): [t.name, t.order, t.is_active] for t in changed},
                "added": [t.name for t in created],
            },
        )
    return list(Topic.objects.for_school(school))
