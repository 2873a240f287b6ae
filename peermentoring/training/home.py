"""Training on the staff home pages: registered in TrainingConfig.ready(), shown by schools.

Trainees missing a required module (module 5, "Ground rules and safeguarding", by
default), and the next training session. Counts only: nothing here names a pupil.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from peermentoring.core.registry import TodoItem, day_words, school_url
from peermentoring.mentors.models import Mentor
from peermentoring.training.models import ModuleCompletion, TrainingModule, TrainingSession

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership


def _completed(module: TrainingModule) -> Q:
    done = ModuleCompletion.objects.filter(module=module, status__in=ModuleCompletion.COMPLETE)
    return Q(pk__in=done.values("mentor_id"))


def required_module_gaps(membership: Membership) -> list[TodoItem]:
    """Serving mentors who lack a required module and should have it by now, one item a module.

    "By now": their mentoring year has started (they cannot mentor without it: urgent),
    or a session covering the module has been held for their cohort (they missed it).
    Trainees whose training is still to come are not counted. Three queries in all.
    """
    school, today = membership.school, timezone.localdate()
    modules = list(TrainingModule.objects.for_school(school).required().order_by("order"))
    if not modules:
        return []
    held = set(
        TrainingSession.objects.for_school(school)
        .filter(held_on__lt=today, academic_year__ends_on__gte=today, modules__in=modules)
        .values_list("academic_year_id", "modules")
        .distinct()
    )
    serving = Q(status__in=Mentor.SERVING, academic_year__ends_on__gte=today)
    mentoring_now = Q(academic_year__starts_on__lte=today)
    aggregates = {}
    for m in modules:
        missed_it = Q(academic_year__in=[year for year, module in held if module == m.pk])
        lacking = serving & ~_completed(m)
        aggregates[f"now_{m.pk}"] = Count("pk", filter=lacking & mentoring_now)
        aggregates[f"missed_{m.pk}"] = Count("pk", filter=lacking & ~mentoring_now & missed_it)
    counts = Mentor.objects.for_school(school).aggregate(**aggregates)
    items = []
    for m in modules:
        now, missed = counts[f"now_{m.pk}"], counts[f"missed_{m.pk}"]
        if not now + missed:
            continue
        who = "1 trainee has" if now + missed == 1 else f"{now + missed} trainees have"
        label = f"{who} not completed module {m.order} “{m.title}”, needed before any mentoring"
        url = school_url(membership, "training:grid")
        items.append(TodoItem(label=label, url=url, urgent=bool(now)))
    return items


def next_training_session(membership: Membership) -> list[TodoItem]:
    """The next training session; or, if trainees wait and none is booked, booking one."""
    school, today = membership.school, timezone.localdate()
    session = (
        TrainingSession.objects.for_school(school)
        .filter(held_on__gte=today)
        .order_by("held_on", "pk")
        .first()
    )
    if session is not None:
        when = "today" if session.held_on == today else f"on {day_words(session.held_on, today)}"
        url = school_url(membership, "training:session-register", session_pk=session.pk)
        return [TodoItem(label=f"Next training session {when}: {session.title}", url=url)]
    trainees = (
        Mentor.objects.for_school(school)
        .filter(status=Mentor.Status.IN_TRAINING, academic_year__ends_on__gte=today)
        .exclude(
            academic_year__in=TrainingSession.objects.for_school(school).values("academic_year")
        )
        .count()
    )
    if not trainees:
        return []
    who = "1 new mentor is" if trainees == 1 else f"{trainees} new mentors are"
    return [
        TodoItem(
            label=f"{who} waiting for training: book the training sessions",
            url=school_url(membership, "training:session-create"),
        )
    ]
