"""Ranking, offers and the waiting list, answering an offer, consent, and mentor records."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.core.roles import SETUP_ROLES
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application, RecruitmentRound
from peermentoring.recruitment.services._common import _set_status, _tell_applicant
from peermentoring.schools.calendar import academic_year_name, default_term_dates
from peermentoring.schools.models import AcademicYear, Membership, Pupil, School

NOT_INTERVIEWED = "Only an interviewed applicant can be ranked."
NO_PLACES_LEFT = "Every place in this round is already taken."
NOT_OFFERED = "There is no open offer to answer."
OFFER_NOT_YOURS = "Only the applicant (or the coordinator, from their written reply) can answer."
CONSENT_NOT_ACCEPTED = "Parental consent is recorded once the applicant has accepted their place."
CONSENT_IN_FUTURE = "The consent date cannot be in the future."
CONSENT_BEFORE_ROUND = "The consent date cannot be before the round opened ({day:%-d %B %Y})."
# Statuses still in the running for an offer after interview.
RANKABLE = Application.RANKABLE


@transaction.atomic
def rank_applicants(
    *, round: RecruitmentRound, ranks: dict[int, int | None], by: User
) -> list[Application]:
    """Set the coordinator's order of interviewed applicants (1 is the strongest)."""
    changed = []
    applications = {a.pk: a for a in Application.objects.filter(round=round, pk__in=list(ranks))}
    for pk, rank in ranks.items():
        application = applications.get(pk)
        if application is None:
            continue
        if not application.is_rankable:
            raise ValidationError(NOT_INTERVIEWED)
        if application.rank != rank:
            before = application.rank
            application.rank = rank
            application.full_clean()
            application.save(update_fields=["rank"])
            record(
                action="application.ranked",
                target=application,
                by=by,
                changes={"rank": [before, rank]},
            )
            changed.append(application)
    return changed


def places_taken(round: RecruitmentRound) -> int:
    """Places accepted or on offer: they count against the round's places."""
    return Application.objects.filter(round=round).taking_places().count()


def plan_offers(round: RecruitmentRound) -> tuple[int, int]:
    """What `make_offers` would do now, changing nothing: (offers, on the waiting list)."""
    free = max(round.places - places_taken(round), 0)
    ranked = Application.objects.filter(round=round, status__in=RANKABLE, rank__isnull=False)
    count = ranked.count()
    return min(free, count), count - min(free, count)


@transaction.atomic
def make_offers(*, round: RecruitmentRound, by: User) -> tuple[int, int]:
    """Offer free places to ranked applicants in rank order; the rest go on the waiting list.

    Returns (offers made, on the waiting list).
    """
    round = RecruitmentRound.objects.select_for_update().get(pk=round.pk)
    free = round.places - places_taken(round)
    offered = waiting = 0
    for application in Application.objects.filter(
        round=round, status__in=RANKABLE, rank__isnull=False
    ).order_by("rank", "pk"):
        if free > 0:
            _offer(application, by=by)
            free -= 1
            offered += 1
        elif application.status != Application.Status.WAITING_LIST:
            _set_status(application, Application.Status.WAITING_LIST, by=by)
            _tell_applicant(application, "You are on the peer mentor waiting list")
            waiting += 1
        else:
            waiting += 1
    return offered, waiting


def _offer(application: Application, *, by: User | None) -> None:
    _set_status(application, Application.Status.OFFERED, by=by, offered_at=timezone.now())
    _tell_applicant(application, "You have been offered a place as a peer mentor!")


def _offer_next(round: RecruitmentRound, *, by: User | None) -> Application | None:
    """Offer the freed place to the top of the waiting list, if a place is free."""
    if places_taken(round) >= round.places:
        return None
    following = (
        Application.objects.filter(round=round, status=Application.Status.WAITING_LIST)
        .order_by("rank", "pk")
        .first()
    )
    if following is not None:
        _offer(following, by=by)
    return following


def next_academic_year(year: AcademicYear, *, by: User | None) -> AcademicYear:
    """The academic year after `year`, set up with the usual term dates if not there yet."""
    following = (
        AcademicYear.objects.for_school(year.school)
        .filter(starts_on__gt=year.starts_on)
        .order_by("starts_on")
        .first()
    )
    if following is not None:
        return following
    from peermentoring.schools.services import set_up_academic_year

    start = year.ends_on.year
    starts_on = max(dt.date(start, 9, 1), year.ends_on + dt.timedelta(days=1))
    return set_up_academic_year(
        school=year.school,
        name=academic_year_name(start),
        starts_on=starts_on,
        ends_on=dt.date(start + 1, 8, 31),
        terms=default_term_dates(start),
        by=by,
    )


def _check_may_answer(application: Application, by: User) -> None:
    """The applicant answers their own offer; a coordinator may record a written reply."""
    is_applicant = Membership.objects.filter(pupil=application.pupil, user=by).exists()
    is_coordinator = (
        Membership.objects.for_school(application.round.school)
        .active()
        .with_role(*SETUP_ROLES)
        .filter(user=by)
        .exists()
    )
    if not (is_applicant or is_coordinator):
        raise ValidationError(OFFER_NOT_YOURS)


@transaction.atomic
def accept_offer(
    *,
    application: Application,
    by: User,
    now: dt.datetime | None = None,
    hoodie_size: str = "",
) -> Mentor:
    """The applicant accepts: they become a Mentor (in training) for the next academic year.

    The round's row is locked first, so two accepts at the same moment are counted
    one after the other and never fill more places than the round has. The hoodie
    size, if they know it, goes on their mentor record for the badge and hoodie order.
    """
    round_ = RecruitmentRound.objects.select_for_update().get(pk=application.round_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_may_answer(application, by)
    if not application.is_offered:
        raise ValidationError(NOT_OFFERED)
    accepted = Application.objects.filter(round=round_).accepted().count()
    if accepted >= round_.places:
        raise ValidationError(NO_PLACES_LEFT)
    year = next_academic_year(round_.academic_year, by=by)
    has_mentored = (
        Mentor.objects.filter(pupil=application.pupil).experienced_for(year.starts_on).exists()
    )
    mentor = Mentor(
        school=round_.school,
        pupil=application.pupil,
        academic_year=year,
        status=Mentor.Status.IN_TRAINING,
        is_experienced=has_mentored,
        interests=application.interests,
        languages=application.languages,
        hoodie_size=hoodie_size,
    )
    mentor.full_clean()
    mentor.save()
    created: dict[str, object] = {"status": mentor.status}
    if hoodie_size:
        created["hoodie_size"] = hoodie_size
    record(action="mentor.created", target=mentor, by=by, changes=created)
    _set_status(
        application,
        Application.Status.ACCEPTED,
        by=by,
        responded_at=now or timezone.now(),
        mentor=mentor,
    )
    return mentor


@transaction.atomic
def decline_offer(*, application: Application, reason: str = "", by: User) -> Application:
    """The applicant turns the place down; the next on the waiting list is offered it."""
    round_ = RecruitmentRound.objects.select_for_update().get(pk=application.round_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_may_answer(application, by)
    if not application.is_offered:
        raise ValidationError(NOT_OFFERED)
    _set_status(
        application,
        Application.Status.OFFER_DECLINED,
        by=by,
        reason=reason.strip() or "Turned the place down.",
        responded_at=timezone.now(),
    )
    _offer_next(round_, by=by)
    return application


@transaction.atomic
def record_parental_consent(*, application: Application, on: dt.date, by: User) -> Application:
    """Record that a parent or carer agreed to their child taking part (needed before training)."""
    if not application.is_accepted:
        raise ValidationError(CONSENT_NOT_ACCEPTED)
    if on > timezone.localdate():
        raise ValidationError({"on": CONSENT_IN_FUTURE})
    if on < application.round.opens_on:
        raise ValidationError({"on": CONSENT_BEFORE_ROUND.format(day=application.round.opens_on)})
    application.parental_consent_on, application.consent_recorded_by = on, by
    application.full_clean()
    application.save(update_fields=["parental_consent_on", "consent_recorded_by"])
    record(
        action="application.parental_consent",
        target=application,
        by=by,
        changes={"parental_consent_on": on.isoformat()},
    )
    return application


@transaction.atomic
def record_existing_mentor(
    *,
    school: School,
    pupil: Pupil,
    academic_year: AcademicYear,
    by: User | None,
    status: str = Mentor.Status.TRAINED,
) -> Mentor:
    """Record a mentor recruited before the school used this site (say, last year's cohort).

    Their record makes them experienced: they may sit on interview panels.
    """
    if pupil.school_id != school.pk or academic_year.school_id != school.pk:
        raise ValidationError("That pupil or year is not at this school.")
    mentor = Mentor(school=school, pupil=pupil, academic_year=academic_year, status=status)
    mentor.full_clean()
    mentor.save()
    record(
        action="mentor.recorded",
        target=mentor,
        by=by,
        changes={"academic_year": academic_year.name, "status": status},
    )
    return mentor


@transaction.atomic
def record_hoodie_size(*, mentor: Mentor, hoodie_size: str, by: User) -> Mentor:
    """Record (or clear, with "") the size of a mentor's hoodie, for the badge and hoodie order."""
    before = mentor.hoodie_size
    if hoodie_size == before:
        return mentor
    mentor.hoodie_size = hoodie_size
    mentor.full_clean()
    mentor.save(update_fields=["hoodie_size"])
    record(
        action="mentor.hoodie_size",
        target=mentor,
        by=by,
        changes={"hoodie_size": [before, hoodie_size]},
    )
    return mentor
