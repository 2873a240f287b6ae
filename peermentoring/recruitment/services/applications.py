"""Applying (online or from a paper form), then shortlisting or declining."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.core.roles import PUPIL_ROLES
from peermentoring.recruitment.models import Application, RecruitmentRound
from peermentoring.recruitment.services._common import _set_status, _tell_applicant
from peermentoring.schools.calendar import academic_year_start
from peermentoring.schools.models import Membership, Pupil, PupilQuerySet

NOON = dt.time(12, 0)

NOT_A_PUPIL = "Applications are made by pupils from their own account."
WRONG_YEAR_GROUP = "This round is for Year {wanted} pupils, and you are in Year {actual}."
NOT_OPEN_YET = "Applications open on {day:%A %-d %B}. Come back then!"
ROUND_CLOSED = "Applications closed on {day:%A %-d %B %Y}."
ALREADY_APPLIED = "You have already applied to this round. You can apply only once."
ANSWER_EVERY_QUESTION = "Please answer every question before you submit."
CHOOSE_AVAILABILITY = "Tick at least one time you could meet a mentee."
NOT_SUBMITTED = "Only a submitted application can be shortlisted."
CANNOT_DECLINE = "This application has already been decided."
REASON_REQUIRED = "Give a reason: it is kept with the application."
# Typing in a paper form: the same rules, in words for the member of staff doing it.
PAPER_NOT_HERE = "That pupil is not at this school."
PAPER_ALREADY_APPLIED = (
    "{pupil} has already applied to this round ({day:%-d %B %Y}), so nothing new was saved. "
    "Their application is in the round's list."
)
PAPER_WRONG_YEAR_GROUP = (
    "{pupil} was in Year {actual} when the form was received; "
    "this round is for Year {wanted} pupils."
)
PAPER_IN_FUTURE = "The date the form was received cannot be in the future."
PAPER_BEFORE_OPENING = (
    "This round takes applications from {day:%A %-d %B %Y}; "
    "a form received before that day cannot be entered."
)
PAPER_AFTER_CLOSING = (
    "This round's last day for applications is {day:%A %-d %B %Y}; "
    "a form received after that day cannot be entered."
)
PAPER_ANSWER_EVERY_QUESTION = (
    "Type in the answer to every question. If the form leaves one blank, type “Left blank”."
)
PAPER_CHOOSE_AVAILABILITY = "Tick at least one time they could meet a mentee, as on the form."


def year_group_on(pupil: Pupil, day: dt.date) -> int:
    """The pupil's year group on a day: today's, less a year for each academic year back."""
    years_back = academic_year_start(timezone.localdate()) - academic_year_start(day)
    return pupil.year_group - years_back


def _why_pupil_cannot_apply(round: RecruitmentRound, pupil: Pupil, today: dt.date) -> str | None:
    existing = Application.objects.filter(round=round, pupil=pupil).first()
    if existing is not None and not existing.is_draft:
        return ALREADY_APPLIED
    actual = year_group_on(pupil, today)
    if actual != round.year_group:
        return WRONG_YEAR_GROUP.format(wanted=round.year_group, actual=actual)
    if today < round.opens_on:
        return NOT_OPEN_YET.format(day=round.opens_on)
    if today > round.closes_on:
        return ROUND_CLOSED.format(day=round.closes_on)
    return None


def _check_paper(
    round: RecruitmentRound, pupil: Pupil, received_on: dt.date, today: dt.date
) -> None:
    if pupil.school_id != round.school_id:
        raise ValidationError({"pupil": PAPER_NOT_HERE})
    existing = Application.objects.filter(round=round, pupil=pupil).submitted().first()
    if existing is not None:
        day = existing.paper_received_on or timezone.localdate(existing.submitted_at)
        raise ValidationError({"pupil": PAPER_ALREADY_APPLIED.format(pupil=pupil, day=day)})
    if received_on > today:
        raise ValidationError({"received_on": PAPER_IN_FUTURE})
    if received_on < round.opens_on:
        raise ValidationError({"received_on": PAPER_BEFORE_OPENING.format(day=round.opens_on)})
    if received_on > round.closes_on:
        raise ValidationError({"received_on": PAPER_AFTER_CLOSING.format(day=round.closes_on)})
    actual = year_group_on(pupil, received_on)
    if actual != round.year_group:
        raise ValidationError(
            {
                "pupil": PAPER_WRONG_YEAR_GROUP.format(
                    pupil=pupil, actual=actual, wanted=round.year_group
                )
            }
        )


def paper_applicants(round: RecruitmentRound) -> PupilQuerySet:
    """Pupils whose paper form may still be typed in: on roll, in the round's year group, not applied.

    The year group is the one they were in when the round ran (a pupil in Year 10 now
    was in Year 9 for last year's round).
    """
    years_since = academic_year_start(timezone.localdate()) - academic_year_start(round.opens_on)
    applied = Application.objects.filter(round=round).submitted().values("pupil")
    return (
        Pupil.objects.for_school(round.school_id)
        .on_roll()
        .in_year(round.year_group + years_since)
        .exclude(pk__in=applied)
    )


def why_cannot_apply(
    *, round: RecruitmentRound, membership: Membership, now: dt.datetime | None = None
) -> str | None:
    """The reason this person cannot apply (or edit their draft) now, or None if they can."""
    today = timezone.localtime(now).date() if now else timezone.localdate()
    if membership.role not in PUPIL_ROLES or membership.pupil is None:
        return NOT_A_PUPIL
    return _why_pupil_cannot_apply(round, membership.pupil, today)


def _save(
    *,
    round: RecruitmentRound,
    pupil: Pupil,
    answers: Sequence[str],
    availability: Iterable[str],
    interests: str,
    languages: str,
    submit: bool,
    by: User,
    now: dt.datetime | None,
    paper_received_on: dt.date | None = None,
    parent_signed: bool = False,
) -> Application:
    # Lock the round so two tabs submitting at once cannot both pass the "applied" check.
    round = RecruitmentRound.objects.select_for_update().get(pk=round.pk)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    paper = paper_received_on is not None
    if paper_received_on is not None:
        _check_paper(round, pupil, paper_received_on, today)
    else:
        reason = _why_pupil_cannot_apply(round, pupil, today)
        if reason:
            raise ValidationError(reason)
    application, created = Application.objects.get_or_create(
        round=round, pupil=pupil, defaults={"created_at": now}
    )
    application.answers = [
        {"question": q, "answer": (a or "").strip()}
        for q, a in zip(round.questions, answers, strict=False)
    ]
    application.availability = sorted(set(availability))
    application.interests, application.languages = interests.strip(), languages.strip()
    if submit:
        if len(answers) < len(round.questions) or any(not a["answer"] for a in application.answers):
            raise ValidationError(PAPER_ANSWER_EVERY_QUESTION if paper else ANSWER_EVERY_QUESTION)
        if not application.availability:
            choose = PAPER_CHOOSE_AVAILABILITY if paper else CHOOSE_AVAILABILITY
            raise ValidationError({"availability": choose})
        submitted_at = now
        changes: dict[str, object] = {}
        if paper_received_on is not None:
            # The day on the form counts, not the day it was typed in.
            if paper_received_on != today:
                submitted_at = timezone.make_aware(dt.datetime.combine(paper_received_on, NOON))
            application.paper_received_on = paper_received_on
            changes["paper_received_on"] = paper_received_on.isoformat()
            if parent_signed:
                application.parental_consent_on = paper_received_on
                application.consent_recorded_by = by
                changes["parental_consent_on"] = paper_received_on.isoformat()
        _set_status(
            application,
            Application.Status.SUBMITTED,
            by=by,
            submitted_at=submitted_at,
            changes=changes,
        )
        _tell_applicant(application, "Your peer mentor application has been sent")
        return application
    application.full_clean()
    application.save()
    # The answers themselves stay out of the trail: it says only that the draft changed.
    action = "application.draft_started" if created else "application.draft_saved"
    record(action=action, target=application, by=by)
    return application


@transaction.atomic
def save_application(
    *,
    round: RecruitmentRound,
    membership: Membership,
    answers: Sequence[str],
    availability: Iterable[str],
    interests: str,
    languages: str,
    submit: bool,
    by: User,
    now: dt.datetime | None = None,
) -> Application:
    """Save the pupil's application as a draft, or submit it (once, before the deadline)."""
    if membership.role not in PUPIL_ROLES or membership.pupil is None:
        raise ValidationError(NOT_A_PUPIL)
    return _save(
        round=round,
        pupil=membership.pupil,
        answers=answers,
        availability=availability,
        interests=interests,
        languages=languages,
        submit=submit,
        by=by,
        now=now,
    )


@transaction.atomic
def enter_paper_application(
    *,
    round: RecruitmentRound,
    pupil: Pupil,
    answers: Sequence[str],
    availability: Iterable[str],
    interests: str,
    languages: str,
    by: User,
    received_on: dt.date | None = None,
    parent_signed: bool = False,
    now: dt.datetime | None = None,
) -> Application:
    """Type in a pupil's paper application form: submitted as received, under the same rules.

    The day the form was received (today if not given) must fall while the round was
    open; a parent's signature on the form is recorded as parental consent that day.
    """
    received_on = received_on or (timezone.localtime(now).date() if now else timezone.localdate())
    return _save(
        round=round,
        pupil=pupil,
        answers=answers,
        availability=availability,
        interests=interests,
        languages=languages,
        submit=True,
        by=by,
        now=now,
        paper_received_on=received_on,
        parent_signed=parent_signed,
    )


# --- Reading applications --------------------------------------------------------------


@transaction.atomic
def shortlist(*, application: Application, by: User) -> Application:
    """Put a submitted application on the shortlist for interview."""
    if not application.can_shortlist:
        raise ValidationError(NOT_SUBMITTED)
    _set_status(application, Application.Status.SHORTLISTED, by=by)
    _tell_applicant(application, "You have been shortlisted")
    return application


@transaction.atomic
def decline_application(*, application: Application, reason: str, by: User) -> Application:
    """Decline an application before an offer, keeping the reason."""
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    if not application.can_be_declined:
        raise ValidationError(CANNOT_DECLINE)
    _set_status(application, Application.Status.NOT_SUCCESSFUL, by=by, reason=reason.strip())
    _tell_applicant(application, "About your peer mentor application")
    return application
