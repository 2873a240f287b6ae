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


def required_module_gaps(membership: Membership) -> list[TodoItem]:
    """Serving mentors who lack a required module and should have it by now, one item a module.

    "By now": their mentoring year has started (they cannot mentor without it: urgent),
    or a session covering the module has been held for their cohort (they missed it).
    Trainees whose training is still to come are not counted. Two queries, and a third
    only when next year's trainees lack a module.
    """
    school, today = membership.school, timezone.localdate()
    modules = list(TrainingModule.objects.filter(school=school, is_required=True).order_by("order"))
    if not modules:
        return []
    # Each cohort (academic year) of serving mentors, and how many of them have done each
    # module: a mentor has one completion a module (a unique constraint), so counting the
    # completions counts the mentors. A few rows, however large the school.
    cohorts = (
        Mentor.objects.filter(
            school=school, status__in=Mentor.SERVING, academic_year__ends_on__gte=today
        )
        .values("academic_year_id", "academic_year__starts_on")
        .annotate(
            serving=Count("pk", distinct=True),
            **{
                f"done_{m.pk}": Count(
                    "completions",
                    filter=Q(
                        completions__module=m.pk,
                        completions__status__in=ModuleCompletion.COMPLETE,
                    ),
                )
                for m in modules
            },
        )
        .order_by()
    )
    now = dict.fromkeys((m.pk for m in modules), 0)  # mentoring this year: urgent
    missed = dict.fromkeys((m.pk for m in modules), 0)  # next year's, the session held
    later: list[tuple[int, int, int]] = []  # (year, module, mentors lacking it)
    for cohort in cohorts:
        for m in modules:
            short = cohort["serving"] - cohort[f"done_{m.pk}"]
            if cohort["academic_year__starts_on"] <= today:
                now[m.pk] += short
            elif short:
                later.append((cohort["academic_year_id"], m.pk, short))
    if later:
        held = set(
            TrainingSession.objects.filter(
                school=school,
                academic_year__in={year for year, _, _ in later},
                held_on__lt=today,
                modules__in=modules,
            )
            .order_by()
            .values_list("academic_year_id", "modules")
            .distinct()
        )
        for year, module, short in later:
            if (year, module) in held:
                missed[module] += short
    items = []
    for m in modules:
        count = now[m.pk] + missed[m.pk]
        if not count:
            continue
        who = "1 trainee has" if count == 1 else f"{count} trainees have"
        label = f"{who} not completed module {m.order} “{m.title}”, needed before any mentoring"
        url = school_url(membership, "training:grid")
        items.append(TodoItem(label=label, url=url, urgent=bool(now[m.pk])))
    return items


def next_training_session(membership: Membership) -> list[TodoItem]:
    """The next training session; or, if trainees wait and none is booked, booking one."""
    school, today = membership.school, timezone.localdate()
    session = (
        TrainingSession.objects.filter(school=school, held_on__gte=today)
        .order_by("held_on", "pk")
        .first()
    )
    if session is not None:
        when = "today" if session.held_on == today else f"on {day_words(session.held_on, today)}"
        url = school_url(membership, "training:session-register", session_pk=session.pk)
        return [TodoItem(label=f"Next training session {when}: {session.title}", url=url)]
    booked = TrainingSession.objects.filter(school=school).values("academic_year")
    trainees = Mentor.objects.filter(
        ~Q(academic_year__in=booked),
        school=school,
        status=Mentor.Status.IN_TRAINING,
        academic_year__ends_on__gte=today,
    ).count()
    if not trainees:
        return []
    who = "1 new mentor is" if trainees == 1 else f"{trainees} new mentors are"
    return [
        TodoItem(
            label=f"{who} waiting for training: book the training sessions",
            url=school_url(membership, "training:session-create"),
        )
    ]
