"""Interviews: panels of staff and experienced mentors, booked in free windows, and their scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.core.notifications import notify
from peermentoring.core.roles import PUPIL_ROLES
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import (
    SCORE_RANGE,
    Application,
    Interview,
    InterviewScore,
    RecruitmentRound,
)
from peermentoring.recruitment.services._common import _set_status, _tell_applicant
from peermentoring.schools.calendar import is_free_time
from peermentoring.schools.models import Membership, Pupil

NOT_SHORTLISTED = "Only a shortlisted applicant can be booked an interview."
INTERVIEW_OUTSIDE_WINDOWS = (
    "Interviews happen only at AM registration, break or lunch on a school day; "
    "this time is outside those windows."
)
INTERVIEW_IN_PAST = "That time ({when}) has already passed: choose a day and time still to come."
STAFF_ALREADY_INTERVIEWING = "{person} is already interviewing at {when}."
PUPIL_ALREADY_ON_PANEL = "{person} is already on an interview panel at {when}."
PUPIL_ALREADY_INTERVIEWED = "{person} has their own interview at {when}."
INTERVIEW_OUTSIDE_YEAR = (
    "Interviews for this round happen during {year}; choose a day in that year."
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


def experienced_pupils(round: RecruitmentRound) -> list[Pupil]:
    """Pupils who may sit on the round's panels: they have mentored before.

    Experienced as `MentorQuerySet.experienced_for` says, for the year the round's
    recruits will serve in: the one after the round's own year, which starts once the
    round's year has ended. They must be on roll and able to sign in.
    """
    mentors = Mentor.objects.for_school(round.school).experienced_for(round.academic_year.ends_on)
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


def _when(moment: dt.datetime) -> str:
    """ "13:20 on Monday 2 March", with the year when it is not this year's."""
    local = timezone.localtime(moment)
    year = f" {local.year}" if local.year != timezone.localdate().year else ""
    return f"{local:%H:%M} on {local:%A %-d %B}{year}"


def _pupil_clash(interview: Interview, pupil: Pupil) -> str:
    if interview.application.pupil_id == pupil.pk:
        return PUPIL_ALREADY_INTERVIEWED.format(person=pupil, when=_when(interview.starts_at))
    return PUPIL_ALREADY_ON_PANEL.format(person=pupil, when=_when(interview.starts_at))


def _check_nobody_double_booked(
    application: Application,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    staff_member: User,
    panel_pupils: Sequence[Pupil],
) -> None:
    """Nobody on the panel, nor the applicant, is already at another interview that overlaps.

    Interviews of applications declined or turned down are not held, so do not clash.
    """
    overlapping = (
        Interview.objects.for_school(application.round.school_id)
        .filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(application=application)
        .exclude(application__status__in=Application.ENDED_WITHOUT_PLACE)
        .select_related("application")
        .order_by("starts_at")
    )
    clash = overlapping.filter(staff_member=staff_member).first()
    if clash is not None:
        message = STAFF_ALREADY_INTERVIEWING.format(
            person=staff_member.display_name, when=_when(clash.starts_at)
        )
        raise ValidationError({"staff_member": message})
    for pupil in panel_pupils:
        clash = overlapping.filter(Q(application__pupil=pupil) | Q(panel_pupils=pupil)).first()
        if clash is not None:
            raise ValidationError({"panel_pupils": _pupil_clash(clash, pupil)})
    applicant = application.pupil
    clash = overlapping.filter(Q(application__pupil=applicant) | Q(panel_pupils=applicant)).first()
    if clash is not None:
        raise ValidationError({"starts_at": _pupil_clash(clash, applicant)})


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
    now: dt.datetime | None = None,
) -> Interview:
    """Book (or move) a shortlisted applicant's interview: a free window still to come, with its
    panel, nobody on it (nor the applicant) already at another interview that overlaps.

    `now` is the moment of booking (the demo books last year's interviews as of then).
    """
    # Bookings of one round are made one at a time, so two cannot take the same person.
    round_ = (
        RecruitmentRound.objects.select_for_update(of=("self",))
        .select_related("school", "academic_year")
        .get(pk=application.round_id)
    )
    if not application.can_book_interview:
        raise ValidationError(NOT_SHORTLISTED)
    if starts_at <= (now or timezone.now()):
        raise ValidationError({"starts_at": INTERVIEW_IN_PAST.format(when=_when(starts_at))})
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
    _check_nobody_double_booked(application, starts_at, ends_at, staff_member, panel_pupils)
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
    # An interview entered after it took place (a paper record) is no news to its panel.
    for user in panel_users if starts_at > timezone.now() else []:
        notify(
            recipient=user,
            school=round_.school,
            title=f"You are on an interview panel: {timezone.localtime(starts_at):%a %-d %b %Y %H:%M}",
            url=reverse(
                "recruitment:interview-score",
                kwargs={"school_slug": round_.school.slug, "interview_pk": interview.pk},
            ),
            kind="interviews",
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
