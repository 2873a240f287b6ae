"""Training's part of "may this mentor mentor?": every required module completed.

Registered with `peermentoring.mentors.readiness` in `TrainingConfig.ready()`, so
`Mentor.can_mentor()` asks it without the mentors app importing training.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from peermentoring.mentors.models import Mentor
from peermentoring.mentors.readiness import ReadinessCheck
from peermentoring.training.models import ModuleCompletion, TrainingModule

MENTOR_NOT_TRAINED = (
    "{mentor} has not completed {missing}, which every mentor needs before mentoring."
)


def missing_modules(mentor: Mentor) -> list[TrainingModule]:
    """Required training modules this mentor has not completed, in programme order."""
    done = ModuleCompletion.objects.filter(mentor=mentor, status__in=ModuleCompletion.COMPLETE)
    return list(
        TrainingModule.objects.for_school(mentor.school_id)
        .required()
        .exclude(pk__in=done.values("module"))
        .order_by("order")
    )


def trained_on(mentor: Mentor) -> dt.date | None:
    """The day of the mentor's last required module; None while one is missing."""
    if missing_modules(mentor):
        return None
    days = ModuleCompletion.objects.filter(
        mentor=mentor, status__in=ModuleCompletion.COMPLETE, module__is_required=True
    ).values_list("completed_on", flat=True)
    known = [day for day in days if day is not None]
    return max(known) if known else None


def is_trained(mentor: Mentor) -> bool:
    return not missing_modules(mentor)


def _missing_in_words(mentor: Mentor) -> list[str]:
    return [f"module {m.order} “{m.title}”" for m in missing_modules(mentor)]


def fully_trained_ids(mentors: Sequence[Mentor]) -> set[int]:
    """The mentors (of one school) with no missing required module, in two queries for the lot."""
    if not mentors:
        return set()
    required = set(
        TrainingModule.objects.for_school(mentors[0].school_id)
        .required()
        .values_list("pk", flat=True)
    )
    done: dict[int, set[int]] = defaultdict(set)
    for mentor_id, module_id in ModuleCompletion.objects.filter(
        mentor__in=[m.pk for m in mentors], status__in=ModuleCompletion.COMPLETE
    ).values_list("mentor_id", "module_id"):
        done[mentor_id].add(module_id)
    return {m.pk for m in mentors if required <= done[m.pk]}


TRAINED_IN_EVERY_REQUIRED_MODULE = ReadinessCheck(
    name="training",
    missing=_missing_in_words,
    ready_ids=fully_trained_ids,
    message=MENTOR_NOT_TRAINED,
    ready_since=trained_on,
)
