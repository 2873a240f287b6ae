"""Domain functions for training: the programme, sessions, the register and catch-ups.

A mentor's status follows their record: when the last required module is
complete they become trained; if a school later makes another module required,
anyone missing it goes back to in training. Each change is an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.models import User
from peermentoring.core.roles import STAFF_ROLES
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, Membership, School
from peermentoring.training.defaults import DEFAULT_MODULES
from peermentoring.training.models import ModuleCompletion, TrainingModule, TrainingSession
from peermentoring.training.readiness import missing_modules

MODULE_FIELDS = ("order", "title", "description", "is_required")
NO_CONSENT = "Parental consent for {mentor} has not been recorded yet, so they cannot train."
NOT_A_TRAINEE = "{mentor} is not a trainee in this session's cohort."
MODULE_NOT_IN_SESSION = "{module} is not covered by this session."
SIGN_OFF_BY_STAFF = "A catch-up must be signed off by a member of staff at this school."
SESSION_NEEDS_MODULES = "Choose at least one module for the session."
CATCH_UP_DATE_FUTURE = "A catch-up cannot be signed off for a date in the future."
OUTSIDE_TRAINING_YEARS = (
    "Training for the {year} cohort happens between {start:%-d %B %Y} and {end:%-d %B %Y}: "
    "in the year before they start mentoring, or during it."
)


def training_dates(academic_year: AcademicYear) -> tuple[dt.date, dt.date]:
    """When a cohort may train: from a year before the year they serve in, to its end.

    Mentors recruited in one year usually train in its summer term (activities week)
    and serve the next; catch-ups happen during the year they serve.
    """
    start = academic_year.starts_on
    try:
        earliest = start.replace(year=start.year - 1)
    except ValueError:  # 29 February
        earliest = start.replace(year=start.year - 1, day=28)
    return earliest, academic_year.ends_on


def _check_training_date(academic_year: AcademicYear, day: dt.date, field: str) -> None:
    earliest, latest = training_dates(academic_year)
    if not earliest <= day <= latest:
        raise ValidationError(
            {
                field: OUTSIDE_TRAINING_YEARS.format(
                    year=academic_year.name, start=earliest, end=latest
                )
            }
        )


@transaction.atomic
def create_default_programme(*, school: School, by: User | None) -> list[TrainingModule]:
    """Give a school the six default modules; module 5 (safeguarding) is required."""
    modules = []
    for order, (title, description, required) in enumerate(DEFAULT_MODULES, start=1):
        module = TrainingModule(
            school=school, order=order, title=title, description=description, is_required=required
        )
        module.full_clean()
        module.save()
        modules.append(module)
    record(
        action="training.programme_created",
        target=school,
        by=by,
        changes={"modules": len(modules)},
    )
    return modules


def refresh_mentor_status(*, mentor: Mentor, by: User | None) -> Mentor:
    """Trained when no required module is missing; back to in training if one is."""
    missing = missing_modules(mentor)
    status = mentor.status
    if status == Mentor.Status.IN_TRAINING and not missing:
        status = Mentor.Status.TRAINED
    elif status == Mentor.Status.TRAINED and missing:
        status = Mentor.Status.IN_TRAINING
    if status != mentor.status:
        before = mentor.status
        mentor.status = status
        mentor.full_clean()
        mentor.save(update_fields=["status"])
        record(
            action=f"mentor.{status}",
            target=mentor,
            by=by,
            changes={
                "status": [before, status],
                "missing": [str(m) for m in missing],
            },
        )
    return mentor


def _refresh_school(school: School, by: User | None) -> None:
    # Past years' records are history: only mentors serving now or later follow the programme.
    current = Mentor.objects.for_school(school).serving()
    current = current.filter(academic_year__ends_on__gte=timezone.localdate())
    for mentor in current.select_related("pupil"):
        refresh_mentor_status(mentor=mentor, by=by)


@transaction.atomic
def save_module(
    *,
    school: School,
    title: str,
    description: str,
    is_required: bool,
    order: int,
    module: TrainingModule | None = None,
    by: User,
) -> TrainingModule:
    """Add a module to the programme or change one; required changes update mentors' status."""
    if module is None:
        module = TrainingModule(school=school)
    before = snapshot(module, MODULE_FIELDS) if module.pk else {}
    module.order, module.title = order, title
    module.description, module.is_required = description, is_required
    module.full_clean()
    module.save()
    changes = diff(before, snapshot(module, MODULE_FIELDS))
    if changes:
        action = "training.module_changed" if before else "training.module_added"
        record(action=action, target=module, by=by, changes=changes)
    if "is_required" in changes:
        _refresh_school(school, by)
    return module


@transaction.atomic
def schedule_session(
    *,
    school: School,
    academic_year: AcademicYear,
    title: str,
    held_on: dt.date,
    modules: Iterable[TrainingModule],
    by: User,
) -> TrainingSession:
    """Schedule a training session for a cohort (mentors serving in `academic_year`)."""
    modules = list(modules)
    if not modules:
        raise ValidationError({"modules": SESSION_NEEDS_MODULES})
    if academic_year.school_id != school.pk or any(m.school_id != school.pk for m in modules):
        raise ValidationError("That cohort or module is not at this school.")
    _check_training_date(academic_year, held_on, "held_on")
    session = TrainingSession(
        school=school, academic_year=academic_year, title=title, held_on=held_on
    )
    session.full_clean()
    session.save()
    session.modules.set(modules)
    record(
        action="training.session_scheduled",
        target=session,
        by=by,
        changes={"held_on": held_on.isoformat(), "modules": [str(m) for m in modules]},
    )
    return session


def trainees(*, school: School, academic_year: AcademicYear) -> list[Mentor]:
    """The cohort: mentors serving in the year, trained or still in training."""
    return list(
        Mentor.objects.for_school(school)
        .for_year(academic_year)
        .serving()
        .select_related("pupil", "application", "academic_year")
    )


def _check_consent(mentor: Mentor) -> None:
    application = getattr(mentor, "application", None)
    if application is not None and application.parental_consent_on is None:
        raise ValidationError(NO_CONSENT.format(mentor=mentor))


@transaction.atomic
def take_register(
    *,
    session: TrainingSession,
    marks: Mapping[tuple[int, int], str],
    by: User,
) -> int:
    """Record present or absent per trainee per module of the session; returns rows changed.

    A module already caught up is never turned back into an absence by a register.
    """
    cohort = {m.pk: m for m in trainees(school=session.school, academic_year=session.academic_year)}
    modules = {m.pk: m for m in session.modules.all()}
    existing = {
        (c.mentor_id, c.module_id): c
        for c in ModuleCompletion.objects.filter(mentor__in=list(cohort), module__in=list(modules))
    }
    touched: set[int] = set()
    changed = 0
    for (mentor_pk, module_pk), status in marks.items():
        mentor, module = cohort.get(mentor_pk), modules.get(module_pk)
        if mentor is None:
            raise ValidationError(NOT_A_TRAINEE.format(mentor=mentor_pk))
        if module is None:
            raise ValidationError(MODULE_NOT_IN_SESSION.format(module=module_pk))
        if status == ModuleCompletion.Status.PRESENT:
            _check_consent(mentor)
        completion = existing.get((mentor_pk, module_pk))
        if completion is not None and (
            completion.status == status or completion.status == ModuleCompletion.Status.CAUGHT_UP
        ):
            continue
        completion = completion or ModuleCompletion(mentor=mentor, module=module)
        before = completion.status or ""
        completion.status, completion.session = status, session
        is_present = status == ModuleCompletion.Status.PRESENT
        completion.completed_on = session.held_on if is_present else None
        completion.signed_off_by = by if is_present else None
        completion.full_clean()
        completion.save()
        record(
            action="training.register",
            target=mentor,
            by=by,
            changes={"module": str(module), "status": [before, status]},
        )
        touched.add(mentor_pk)
        changed += 1
    for mentor_pk in touched:
        refresh_mentor_status(mentor=cohort[mentor_pk], by=by)
    return changed


@transaction.atomic
def record_catch_up(
    *,
    mentor: Mentor,
    module: TrainingModule,
    completed_on: dt.date,
    signed_off_by: User,
    by: User,
    today: dt.date | None = None,
) -> ModuleCompletion:
    """A trainee made up a module they missed, on a date, signed off by a member of staff."""
    if module.school_id != mentor.school_id:
        raise ValidationError("That module is not in this school's programme.")
    if (
        not Membership.objects.for_school(mentor.school)
        .active()
        .filter(user=signed_off_by, role__in=STAFF_ROLES)
        .exists()
    ):
        raise ValidationError({"signed_off_by": SIGN_OFF_BY_STAFF})
    if completed_on > (today or timezone.localdate()):
        raise ValidationError({"completed_on": CATCH_UP_DATE_FUTURE})
    _check_training_date(mentor.academic_year, completed_on, "completed_on")
    _check_consent(mentor)
    completion = ModuleCompletion.objects.filter(mentor=mentor, module=module).first()
    completion = completion or ModuleCompletion(mentor=mentor, module=module)
    before = completion.status or ""
    completion.status = ModuleCompletion.Status.CAUGHT_UP
    completion.completed_on, completion.signed_off_by = completed_on, signed_off_by
    completion.full_clean()
    completion.save()
    record(
        action="training.caught_up",
        target=mentor,
        by=by,
        changes={
            "module": str(module),
            "status": [before, completion.status],
            "completed_on": completed_on.isoformat(),
            "signed_off_by": signed_off_by.display_name,
        },
    )
    refresh_mentor_status(mentor=mentor, by=by)
    return completion
