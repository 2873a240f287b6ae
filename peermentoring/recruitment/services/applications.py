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
from peermentoring.schools.models import Membership, Pupil

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
) -> Application:
    # Lock the round so two tabs submitting at once cannot both pass the "applied" check.
    round = RecruitmentRound.objects.select_for_update().get(pk=round.pk)
    today = timezone.localtime(now).date() if now else timezone.localdate()
    reason = _why_pupil_cannot_apply(round, pupil, today)
    if reason:
        raise ValidationError(reason)
    application, created = Application.objects.get_or_create(
        round=round, pupil=pupil, defaults={"created_at": now or timezone.now()}
    )
    application.answers = [
        {"question": q, "answer": (a or "").strip()}
        for q, a in zip(round.questions, answers, strict=False)
    ]
    application.availability = sorted(set(availability))
    application.interests, application.languages = interests.strip(), languages.strip()
    if submit:
        if len(answers) < len(round.questions) or any(not a["answer"] for a in application.answers):
            raise ValidationError(ANSWER_EVERY_QUESTION)
        if not application.availability:
            raise ValidationError({"availability": CHOOSE_AVAILABILITY})
        _set_status(
            application,
            Application.Status.SUBMITTED,
            by=by,
            submitted_at=now or timezone.now(),
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
    now: dt.datetime | None = None,
) -> Application:
    """Type in a pupil's paper application form; the same rules as applying online."""
    if pupil.school_id != round.school_id:
        raise ValidationError("That pupil is not at this school.")
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
