"""Last year at Oakbrook: the cohort now in Year 11, their mentees now in Year 8, their pairings.

Called by `demo.builder.load_demo` after this year's recruitment, training and matching.
Last year's mentors were recruited the spring before last (before the school used this
site, so they are recorded with `record_existing_mentor`) and trained on the two days
of activities week at the end of that summer term; the six experienced mentors the
recruitment demo recorded (two of them with accounts, on this year's interview panels)
are among them. Each was paired in September with a Year 7 referred over the summer;
every pairing ran to the last day of the summer term and ended "completed at the end of
the year". Their meetings are `demo.meetings`' part.

The pairings themselves are written as history rows: the matching services only pair
this year's mentors, and end a pairing today.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.matching.models import Pairing
from peermentoring.meetings.services import set_usual_windows
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.services import record_existing_mentor
from peermentoring.referrals import services as referral_services
from peermentoring.referrals.models import Referral
from peermentoring.schools.calendar import default_term_dates
from peermentoring.schools.models import (
    AcademicYear,
    Membership,
    Pupil,
    School,
    SchoolDayWindow,
    Term,
)
from peermentoring.training import services as training_services
from peermentoring.training.models import ModuleCompletion, TrainingModule

COHORT = 15  # last year's places, as this year's
SECOND_MENTEE = 2  # mentors who took a second mentee in the autumn
NEEDS = [
    "Anxious about the move up; an only child who found Year 6 SATs hard.",
    "Lost a close friend to another secondary school.",
    "Finds the lunch hall and the crowds at break overwhelming.",
    "Disorganised: forgets homework and PE kit.",
    "Was bullied online at the end of Year 6.",
    "New to the area over the summer; knows nobody.",
]
INTERESTS = ["football", "drawing", "Minecraft", "music", "baking", "netball", "reading", "chess"]


@dataclass(frozen=True)
class History:
    """What last year left: its academic year, and the pairings (all ended, completed)."""

    year: AcademicYear
    pairings: list[Pairing]


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _teaching_days(term: Term, first: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = first
    while len(days) < count and day <= term.ends_on:
        if term.is_teaching_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _cohort(school: School, year: AcademicYear, admin: User, rng: random.Random) -> list[Mentor]:
    """The six experienced mentors already on record, and nine more of today's Year 11."""
    mentors = list(Mentor.objects.for_school(school).for_year(year).select_related("pupil"))
    taken = {m.pupil_id for m in mentors}
    others = [
        p
        for p in Pupil.objects.for_school(school)
        .in_year(11)
        .filter(membership__isnull=True)
        .order_by("admission_number")
        if p.pk not in taken
    ]
    for pupil in rng.sample(others, COHORT - len(mentors)):
        mentors.append(
            record_existing_mentor(school=school, pupil=pupil, academic_year=year, by=admin)
        )
    # Recruited in the spring before last: their offers were accepted by the end of March.
    recruited_at = _aware(year.starts_on.replace(month=3, day=31), 9)
    Mentor.objects.filter(pk__in=[m.pk for m in mentors]).update(created_at=recruited_at)
    return sorted(mentors, key=lambda m: m.pk)


def _train(school: School, year: AcademicYear, mentors: list[Mentor], coordinator: User) -> None:
    """Activities week the summer before last: every module, all present."""
    summer = next(t for t in default_term_dates(year.starts_on.year - 1) if t.name == "summer")
    monday = summer.ends_on - dt.timedelta(days=summer.ends_on.weekday())
    modules = list(TrainingModule.objects.for_school(school).order_by("order"))
    for offset, title, covered in ((0, "Day 1", modules[:3]), (1, "Day 2", modules[3:])):
        session = training_services.schedule_session(
            school=school,
            academic_year=year,
            title=f"Peer mentor training: {title}",
            held_on=monday + dt.timedelta(days=offset),
            modules=covered,
            by=coordinator,
        )
        marks = {
            (mentor.pk, module.pk): ModuleCompletion.Status.PRESENT
            for mentor in mentors
            for module in covered
        }
        training_services.take_register(session=session, marks=marks, by=coordinator)


def _child(rng: random.Random, pupil: Pupil) -> referral_services.ChildDetails:
    categories = [c for c in referral_services.categories_for(pupil.school) if c.is_active]
    return referral_services.ChildDetails(
        given_name=pupil.given_name,
        family_name=pupil.family_name,
        date_of_birth=pupil.date_of_birth,
        categories=rng.sample(categories, k=rng.randint(1, 2)),
        needs=rng.choice(NEEDS),
        priority=rng.choices(["routine", "soon", "urgent"], weights=[6, 3, 1])[0],
        consent="given",
        interests=", ".join(rng.sample(INTERESTS, k=2)),
    )


def load_history_demo(school: School) -> History:
    """Last year's cohort, trained, each paired with a mentee from September to July."""
    rng = random.Random(2025)
    admin = Membership.objects.get(school=school, role=Role.SCHOOL_ADMIN).user
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    _, year = AcademicYear.objects.for_school(school)[:2]
    terms = {t.name: t for t in year.terms.all()}
    autumn, summer = terms[Term.Name.AUTUMN], terms[Term.Name.SUMMER]
    mentors = _cohort(school, year, admin, rng)
    _train(school, year, mentors, coordinator)

    windows = list(SchoolDayWindow.objects.for_school(school).active())
    mentees = rng.sample(
        list(
            Pupil.objects.for_school(school)
            .in_year(8)
            .filter(membership__isnull=True, referrals__isnull=True)
            .order_by("admission_number")[:120]
        ),
        COHORT + SECOND_MENTEE,
    )
    # Matched in the third week of term and, for the two second mentees, after half-term.
    first_days = _teaching_days(autumn, autumn.starts_on, 12)
    matched_on = [first_days[-1]] * COHORT
    assert autumn.half_term_ends_on is not None, autumn
    matched_on += [_teaching_days(autumn, autumn.half_term_ends_on, 6)[-1]] * SECOND_MENTEE
    partners = mentors + rng.sample(mentors, SECOND_MENTEE)
    Mentor.objects.filter(pk__in=[m.pk for m in partners[COHORT:]]).update(capacity=2)

    pairings = []
    for pupil, mentor, started_on in zip(mentees, partners, matched_on, strict=True):
        # Referred over the summer (a Year 6 teacher's word, typed in by the coordinator).
        referral = referral_services.refer_pupil(
            school=school,
            pupil=pupil,
            child=_child(rng, pupil),
            source=Referral.Source.PRIMARY if pupil.feeder_primary_id else Referral.Source.STAFF,
            windows=rng.sample(windows, k=4),
            by=coordinator,
        )
        referral_services.accept_referral(referral=referral, by=coordinator)
        referred_at = _aware(started_on - dt.timedelta(days=rng.randint(20, 70)), 10)
        Referral.objects.filter(pk=referral.pk).update(
            status=Referral.Status.CLOSED,
            referred_at=referred_at,
            reviewed_at=_aware(started_on - dt.timedelta(days=3), 8, 30),
        )
        pairing = Pairing(
            school=school,
            mentor=mentor,
            mentee=pupil,
            referral=referral,
            status=Pairing.Status.ENDED,
            score=round(rng.uniform(55, 90), 1),
            started_on=started_on,
            ended_on=summer.ends_on,
            end_reason=Pairing.EndReason.COMPLETED,
            created_by=coordinator,
        )
        pairing.full_clean()
        pairing.save()
        # The pair chose when they usually meet: three or four of the mentee's free times.
        usual = sorted(referral.free_windows.all(), key=lambda w: (w.weekday, w.start_time))
        set_usual_windows(
            pairing=pairing, windows=rng.sample(usual, k=rng.choice([3, 3, 4])), by=coordinator
        )
        pairings.append(pairing)
    return History(year=year, pairings=pairings)
