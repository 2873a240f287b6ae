"""Domain functions for recruitment: rounds, applications, references, interviews, offers.

Each runs in one transaction, writes its audit entry and tells the people
concerned; views, the demo and tests all call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.models import User
from peermentoring.core.notifications import notify, queue_email
from peermentoring.core.roles import PUPIL_ROLES, SETUP_ROLES
from peermentoring.recruitment.models import (
    SCORE_RANGE,
    Application,
    Interview,
    InterviewScore,
    Mentor,
    RecruitmentRound,
    TutorReference,
)
from peermentoring.schools.calendar import (
    academic_year_name,
    academic_year_start,
    default_term_dates,
    is_free_time,
)
from peermentoring.schools.models import AcademicYear, Membership, Pupil, School, Term

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
NOT_SHORTLISTED = "Only a shortlisted applicant can be booked an interview."
INTERVIEW_OUTSIDE_WINDOWS = (
    "Interviews happen only at AM registration, break or lunch on a school day; "
    "this time is outside those windows."
)
PANEL_NEEDS_STAFF = "The panel needs a member of staff from this school."
PANEL_PUPIL_COUNT = "The panel needs one or two experienced peer mentors."
PANEL_PUPIL_NOT_EXPERIENCED = (
    "{pupil} has not mentored before, so cannot sit on an interview panel yet."
)
PANEL_PUPIL_IS_APPLICANT = "An applicant cannot sit on their own interview panel."
NOT_ON_PANEL = "You are not on this interview panel."
SCORE_EVERY_CRITERION = "Score every criterion from 1 to 4."
ALREADY_SCORED = "You have already scored this interview."
INTERVIEW_FINISHED = (
    "This interview is finished: the decisions have been made. Thank you for being on the panel."
)
NOT_INTERVIEWED = "Only an interviewed applicant can be ranked."
NO_PLACES_LEFT = "Every place in this round is already taken."
NOT_OFFERED = "There is no open offer to answer."
OFFER_NOT_YOURS = "Only the applicant (or the coordinator, from their written reply) can answer."
REFERENCE_NOT_ASKED = "This round does not ask tutors for references."
REFERENCE_LINK_EXPIRED = "This link has expired. Please ask the coordinator for a new one."
REFERENCE_LINK_INVALID = "This link is not valid."
REFERENCE_ALREADY_GIVEN = "Thank you: this reference has already been given."
REFERENCE_EMPTY = "Please write the reference before sending it."
FEWER_PLACES_THAN_ACCEPTED = (
    "{accepted} places are already accepted; the round needs at least that many."
)
CONSENT_NOT_ACCEPTED = "Parental consent is recorded once the applicant has accepted their place."
CONSENT_IN_FUTURE = "The consent date cannot be in the future."
CONSENT_BEFORE_ROUND = "The consent date cannot be before the round opened ({day:%-d %B %Y})."
ROUND_OUTSIDE_YEAR = (
    "Applications must open and close within {year}: between {start:%-d %B %Y} and {end:%-d %B %Y}."
)
INTERVIEW_OUTSIDE_YEAR = (
    "Interviews for this round happen during {year}; choose a day in that year."
)

REFERENCE_SALT = "recruitment.tutor-reference"
REFERENCE_MAX_AGE = dt.timedelta(days=14)
ROUND_FIELDS = (
    "title",
    "advert",
    "year_group",
    "opens_on",
    "closes_on",
    "places",
    "questions",
    "asks_tutor_reference",
    "reference_question",
    "criteria",
)
# Statuses still in the running for an offer after interview.
RANKABLE = Application.RANKABLE


def _set_status(
    application: Application, status: str, *, by: User | None, reason: str = "", **extra: object
) -> None:
    """Move an application to a status and write the audit entry that says so."""
    before = application.status
    application.status = status
    if reason:
        application.decision_reason = reason
    for name, value in extra.items():
        setattr(application, name, value)
    application.full_clean()
    application.save()
    changes: dict[str, object] = {"status": [before, status]}
    if reason:
        changes["reason"] = reason
    record(action=f"application.{status}", target=application, by=by, changes=changes)


def _tell_applicant(application: Application, title: str) -> None:
    membership = Membership.objects.filter(pupil=application.pupil).select_related("user").first()
    if membership is None:
        return
    notify(
        recipient=membership.user,
        school=application.round.school,
        title=title,
        body=application.kind_words,
        url=reverse(
            "recruitment:apply",
            kwargs={"school_slug": application.round.school.slug, "round_pk": application.round_id},
        ),
    )


# --- Rounds -------------------------------------------------------------------------


def default_round_dates(year: AcademicYear) -> tuple[dt.date, dt.date]:
    """Spring term: open on its first day, close on the last school day before half-term."""
    spring = year.terms.filter(name=Term.Name.SPRING).first()
    if spring is None:
        start = dt.date(year.starts_on.year + 1, 1, 6)
        return start, start + dt.timedelta(days=35)
    closes = spring.ends_on
    if spring.half_term_starts_on:
        closes = spring.half_term_starts_on - dt.timedelta(days=1)
    while closes.weekday() >= 5:  # the last school day, not a weekend
        closes -= dt.timedelta(days=1)
    return spring.starts_on, closes


def _check_round_dates(round: RecruitmentRound) -> None:
    """A round takes applications inside its own academic year."""
    year = round.academic_year
    for name in ("opens_on", "closes_on"):
        day = getattr(round, name)
        if not year.starts_on <= day <= year.ends_on:
            raise ValidationError(
                {
                    name: ROUND_OUTSIDE_YEAR.format(
                        year=year.name, start=year.starts_on, end=year.ends_on
                    )
                }
            )


@transaction.atomic
def open_round(
    *,
    school: School,
    academic_year: AcademicYear,
    by: User | None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    **fields: object,
) -> RecruitmentRound:
    """Open a recruitment round; dates default to the spring term of its academic year."""
    default_open, default_close = default_round_dates(academic_year)
    round_ = RecruitmentRound(
        school=school,
        academic_year=academic_year,
        opens_on=opens_on or default_open,
        closes_on=closes_on or default_close,
        **fields,
    )
    _check_round_dates(round_)
    round_.full_clean()
    round_.save()
    record(action="round.opened", target=round_, by=by, changes=snapshot(round_, ROUND_FIELDS))
    return round_


@transaction.atomic
def update_round(*, round: RecruitmentRound, by: User, **fields: object) -> RecruitmentRound:
    """Change a round's dates, places, questions or criteria."""
    before = snapshot(round, ROUND_FIELDS)
    places = int(fields.get("places", round.places))  # type: ignore[call-overload]
    accepted = Application.objects.filter(round=round).accepted().count()
    if places < accepted:
        raise ValidationError({"places": FEWER_PLACES_THAN_ACCEPTED.format(accepted=accepted)})
    for name, value in fields.items():
        setattr(round, name, value)
    _check_round_dates(round)
    round.full_clean()
    round.save()
    changes = diff(before, snapshot(round, ROUND_FIELDS))
    if changes:
        record(action="round.updated", target=round, by=by, changes=changes)
    return round


# --- Applying ------------------------------------------------------------------------


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


def reference_link(reference: TutorReference) -> str:
    """The signed, expiring link a tutor follows to write the reference."""
    # The request time is signed too, so asking again makes every earlier link useless.
    value = f"{reference.pk}:{reference.requested_at.timestamp()}"
    token = signing.TimestampSigner(salt=REFERENCE_SALT).sign(value)
    return f"{settings.SITE_URL}{reverse('tutor-reference', kwargs={'token': token})}"


def reference_from_token(token: str) -> TutorReference:
    """The one reference a link reaches; refuses expired or altered links."""
    signer = signing.TimestampSigner(salt=REFERENCE_SALT)
    try:
        pk, _, requested = signer.unsign(token, max_age=REFERENCE_MAX_AGE).partition(":")
    except signing.SignatureExpired as error:
        raise ValidationError(REFERENCE_LINK_EXPIRED) from error
    except signing.BadSignature as error:
        raise ValidationError(REFERENCE_LINK_INVALID) from error
    reference = (
        TutorReference.objects.select_related("application__pupil", "application__round__school")
        .filter(pk=pk)
        .first()
    )
    if reference is None or requested != str(reference.requested_at.timestamp()):
        raise ValidationError(REFERENCE_LINK_INVALID)
    return reference


@transaction.atomic
def request_reference(
    *, application: Application, tutor_name: str, tutor_email: str, by: User
) -> TutorReference:
    """E-mail a tutor a link to write a reference; no account needed, the link expires."""
    if not application.round.asks_tutor_reference:
        raise ValidationError(REFERENCE_NOT_ASKED)
    existing = TutorReference.objects.filter(application=application).first()
    if existing is not None and existing.answered_at is not None:
        raise ValidationError(REFERENCE_ALREADY_GIVEN)
    reference, _ = TutorReference.objects.update_or_create(
        application=application,
        defaults={
            "tutor_name": tutor_name,
            "tutor_email": tutor_email,
            "requested_at": timezone.now(),
        },
    )
    reference.full_clean()
    school = application.round.school
    days = REFERENCE_MAX_AGE.days
    queue_email(
        school=school,
        to_address=tutor_email,
        subject=f"{school.name}: a reference for {application.pupil.full_name}",
        body=(
            f"Dear {tutor_name},\n\n{application.pupil.full_name} ({application.pupil.form_group}) "
            f"has applied to be a peer mentor. {application.round.reference_question}\n\n"
            f"Please write a few lines here (no account needed; the link works for {days} days "
            f"and reaches only this reference):\n{reference_link(reference)}\n\nThank you."
        ),
        holds_secret=True,
    )
    record(
        action="reference.requested",
        target=application,
        by=by,
        changes={"tutor": tutor_name, "email": tutor_email},
    )
    return reference


@transaction.atomic
def give_reference(*, reference: TutorReference, text: str) -> TutorReference:
    """Keep the tutor's reference; a link answers once."""
    reference = TutorReference.objects.select_for_update().get(pk=reference.pk)
    if reference.answered_at is not None:
        raise ValidationError(REFERENCE_ALREADY_GIVEN)
    if not text.strip():
        raise ValidationError({"text": REFERENCE_EMPTY})
    reference.text, reference.answered_at = text.strip(), timezone.now()
    reference.full_clean()
    reference.save(update_fields=["text", "answered_at"])
    record(
        action="reference.given",
        target=reference.application,
        by=None,
        changes={"tutor": reference.tutor_name},
    )
    return reference


# --- Interviews -------------------------------------------------------------------------


def experienced_pupils(round: RecruitmentRound) -> list[Pupil]:
    """Pupils who may sit on the round's panels: they have mentored before.

    A pupil is experienced if a Mentor record is flagged experienced, or they
    mentored in an academic year before the one the round's recruits will serve
    in (the round's own year or earlier). They must be on roll and able to sign in.
    """
    mentors = Mentor.objects.for_school(round.school).filter(
        Q(is_experienced=True) | Q(academic_year__starts_on__lte=round.academic_year.starts_on)
    )
    return list(
        Pupil.objects.for_school(round.school)
        .on_roll()
        .filter(
            pk__in=mentors.values("pupil"),
            membership__is_active=True,
            membership__role__in=PUPIL_ROLES,
        )
        .order_by("family_name", "given_name")
    )


@transaction.atomic
def book_interview(
    *,
    application: Application,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    staff_member: User,
    panel_pupils: Sequence[Pupil],
    location: str = "Peer mentoring room",
    by: User,
) -> Interview:
    """Book a shortlisted applicant's interview inside a free window, with its panel."""
    round_ = application.round
    if not application.can_book_interview:
        raise ValidationError(NOT_SHORTLISTED)
    year = round_.academic_year
    if not year.starts_on <= timezone.localtime(starts_at).date() <= year.ends_on:
        raise ValidationError({"starts_at": INTERVIEW_OUTSIDE_YEAR.format(year=year.name)})
    if not is_free_time(round_.school, starts_at, ends_at):
        raise ValidationError({"starts_at": INTERVIEW_OUTSIDE_WINDOWS})
    if not Membership.objects.staff_of(round_.school).filter(user=staff_member).exists():
        raise ValidationError({"staff_member": PANEL_NEEDS_STAFF})
    if not 1 <= len(set(panel_pupils)) <= 2:
        raise ValidationError({"panel_pupils": PANEL_PUPIL_COUNT})
    experienced = {p.pk for p in experienced_pupils(round_)}
    for pupil in panel_pupils:
        if pupil.pk == application.pupil_id:
            raise ValidationError({"panel_pupils": PANEL_PUPIL_IS_APPLICANT})
        if pupil.pk not in experienced:
            raise ValidationError({"panel_pupils": PANEL_PUPIL_NOT_EXPERIENCED.format(pupil=pupil)})
    interview = Interview.objects.filter(application=application).first() or Interview(
        application=application
    )
    interview.starts_at, interview.ends_at = starts_at, ends_at
    interview.staff_member, interview.location = staff_member, location
    interview.full_clean()
    interview.save()
    interview.panel_pupils.set(panel_pupils)
    record(
        action="interview.booked",
        target=application,
        by=by,
        changes={
            "starts_at": timezone.localtime(starts_at).isoformat(),
            "panel": [str(staff_member.display_name), *(p.full_name for p in panel_pupils)],
        },
    )
    if not application.is_interview_booked:
        _set_status(application, Application.Status.INTERVIEW_BOOKED, by=by)
    _tell_applicant(
        application,
        f"Interview: {timezone.localtime(starts_at):%A %-d %B at %H:%M}, {location}",
    )
    panel_users = [staff_member] + [
        m.user
        for m in Membership.objects.filter(pupil__in=panel_pupils, is_active=True).select_related(
            "user"
        )
    ]
    for user in panel_users:
        notify(
            recipient=user,
            school=round_.school,
            title=f"You are on an interview panel: {timezone.localtime(starts_at):%a %-d %b %H:%M}",
            url=reverse(
                "recruitment:interview-score",
                kwargs={"school_slug": round_.school.slug, "interview_pk": interview.pk},
            ),
            email=False,
        )
    return interview


def is_on_panel(interview: Interview, user: User) -> bool:
    """The person is the interview's staff member or one of its pupil interviewers."""
    if interview.staff_member_id == user.pk:
        return True
    return interview.panel_pupils.filter(membership__user=user).exists()


@transaction.atomic
def submit_scores(
    *, interview: Interview, scores: dict[str, int], comment: str, by: User
) -> InterviewScore:
    """A panel member's scores, 1–4 for each of the round's criteria, submitted once."""
    if not is_on_panel(interview, by):
        raise ValidationError(NOT_ON_PANEL)
    if InterviewScore.objects.filter(interview=interview, scorer=by).exists():
        raise ValidationError(ALREADY_SCORED)
    if interview.is_pupil_interviewer(by) and not interview.answers_visible_to_pupils():
        raise ValidationError(INTERVIEW_FINISHED)
    criteria = interview.application.round.criteria
    if set(scores) != set(criteria) or any(int(v) not in SCORE_RANGE for v in scores.values()):
        raise ValidationError(SCORE_EVERY_CRITERION)
    score = InterviewScore(
        interview=interview,
        scorer=by,
        scores={c: int(scores[c]) for c in criteria},
        comment=comment.strip(),
    )
    score.full_clean()
    score.save()
    record(
        action="interview.scored",
        target=interview.application,
        by=by,
        changes={"total": score.total},
    )
    return score


# --- Ranking and offers ----------------------------------------------------------------


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
def accept_offer(*, application: Application, by: User, now: dt.datetime | None = None) -> Mentor:
    """The applicant accepts: they become a Mentor (in training) for the next academic year.

    The round's row is locked first, so two accepts at the same moment are counted
    one after the other and never fill more places than the round has.
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
    has_mentored = Mentor.objects.filter(
        pupil=application.pupil, academic_year__starts_on__lt=year.starts_on
    ).exists()
    mentor = Mentor(
        school=round_.school,
        pupil=application.pupil,
        academic_year=year,
        status=Mentor.Status.IN_TRAINING,
        is_experienced=has_mentored,
        interests=application.interests,
        languages=application.languages,
    )
    mentor.full_clean()
    mentor.save()
    record(action="mentor.created", target=mentor, by=by, changes={"status": mentor.status})
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
