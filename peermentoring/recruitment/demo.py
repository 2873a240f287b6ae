"""Last year's recruitment at Oakbrook, built through the domain functions.

Called by `demo.builder.load_demo`. Last spring's round for Year 9 (now Year 10):
about forty applicants, interviews at break and lunch scored by the coordinator and
two experienced mentors (now Year 11), fifteen places accepted. This year's round is
opened too, for the spring term ahead. Training them is `training.demo`'s part.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from peermentoring.core.models import Notification, User
from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment import services
from peermentoring.recruitment.models import Application, RecruitmentRound
from peermentoring.schools import services as school_services
from peermentoring.schools.models import AcademicYear, Membership, Pupil, School, Term

APPLICANTS = 40
SHORTLIST = 24
REASONS = [
    "Another strong applicant from the same form; please apply to be a sports leader.",
    "Could not commit to lunchtimes because of music lessons.",
    "The application was very short; we would love to see more next year.",
    "Already a reading buddy at break; we did not want to overload them.",
]
# The sizes given when accepting, in turn; two were not sure yet.
HOODIE_SIZES = ["m", "s", "l", "m", "xs", "", "m", "l", "s", "xl", "m", "age_12_13", "", "l"]
ANSWERS = [
    (
        "I remember being nervous in Year 7 and an older pupil helped me.",
        "I want younger pupils to have someone to talk to.",
        "I'd like to be a nurse one day and helping people matters to me.",
    ),
    (
        "I helped my cousin with her reading all summer.",
        "I showed a new pupil around when he joined in Year 8.",
        "I stayed with a friend who was upset after a football match.",
    ),
    (
        "Someone who lets you finish and doesn't judge.",
        "They listen more than they talk and remember what you said.",
        "They are patient and keep things private unless someone is at risk.",
    ),
]


def _teaching_days(term: Term, start: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = start
    while len(days) < count and day <= term.ends_on:
        if term.is_teaching_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _pupil(membership: Membership) -> Pupil:
    """The pupil behind a pupil's account (every demo mentor's account has one)."""
    assert membership.pupil is not None, membership
    return membership.pupil


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _experienced_mentors(
    school: School, last_year: AcademicYear, admin: User, rng: random.Random, password: str
) -> list[User]:
    """Two of last year's mentors (now Year 11) with accounts, and four more on record."""
    pupils = list(Pupil.objects.for_school(school).in_year(11).filter(membership__isnull=True)[:60])
    chosen = rng.sample(pupils, 6)
    users = []
    for index, pupil in enumerate(chosen):
        services.record_existing_mentor(
            school=school, pupil=pupil, academic_year=last_year, by=admin
        )
        if index < 2:
            membership, _ = school_services.create_pupil_account(
                school=school, pupil=pupil, role=Role.PUPIL, by=admin, password=password
            )
            users.append(membership.user)
    return users


@dataclass(frozen=True)
class RecruitmentDemo:
    accepted: list[Mentor]  # the new mentors, in the order they accepted
    missed_a_module: Mentor  # the trainee the training demo marks absent once


def load_recruitment_demo(school: School, *, password: str) -> RecruitmentDemo:
    """Build last year's round and open this year's."""
    rng = random.Random(2016)  # the year of the other school's 527 meetings
    admin = Membership.objects.get(school=school, role=Role.SCHOOL_ADMIN).user
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    this_year, last_year = AcademicYear.objects.for_school(school)[:2]
    history_starts = timezone.now()
    panel_users = _experienced_mentors(school, last_year, admin, rng, password)
    panel_pupils = [_pupil(u.memberships.get()) for u in panel_users]

    # Last spring: the round, the applications.
    round_ = services.open_round(school=school, academic_year=last_year, by=coordinator)
    demo_mentors = list(
        Membership.objects.for_school(school)
        .filter(role=Role.MENTOR)
        .select_related("user", "pupil")
    )
    others = list(
        Pupil.objects.for_school(school)
        .in_year(10)
        .filter(membership__isnull=True)
        .order_by("admission_number")[: APPLICANTS * 2]
    )
    applicants = [_pupil(m) for m in demo_mentors] + rng.sample(others, APPLICANTS - 2)
    opened = _at(round_.opens_on, 12, 0)
    applications = []
    for index, pupil in enumerate(applicants):
        answers = [rng.choice(options) for options in ANSWERS]
        availability = rng.sample(["am_registration", "break", "lunch"], rng.randint(1, 3))
        interests = rng.choice(["Football", "Art, drawing", "Gaming", "Netball", "Music"])
        languages = rng.choice(["", "", "", "Polish", "Urdu", "Portuguese", "Twi"])
        now = opened + dt.timedelta(days=index % 20)
        if index < len(demo_mentors):
            membership = demo_mentors[index]
            application = services.save_application(
                round=round_,
                membership=membership,
                answers=answers,
                availability=availability,
                interests=interests,
                languages=languages,
                submit=True,
                by=membership.user,
                now=now,
            )
        else:
            application = services.enter_paper_application(
                round=round_,
                pupil=pupil,
                answers=answers,
                availability=availability,
                interests=interests,
                languages=languages,
                by=coordinator,
                now=now,
            )
        applications.append(application)

    # Shortlist; decline the rest with reasons; a few tutor references.
    for index, application in enumerate(applications):
        if index < SHORTLIST:
            services.shortlist(application=application, by=coordinator)
        else:
            services.decline_application(
                application=application, reason=rng.choice(REASONS), by=coordinator
            )
    for application in applications[:6]:
        reference = services.request_reference(
            application=application,
            tutor_name="Mr Hewitt",
            tutor_email="tutors@oakbrook.example",
            by=coordinator,
        )
        services.give_reference(
            reference=reference, text="Reliable, kind and well liked by the form."
        )

    # Interviews after February half-term, at break and lunch, scored by the panel.
    spring = last_year.terms.get(name=Term.Name.SPRING)
    start = (spring.half_term_ends_on or round_.closes_on) + dt.timedelta(days=1)
    slots = [
        (_at(day, hour, minute), _at(day, hour, minute) + dt.timedelta(minutes=10))
        for day in _teaching_days(spring, start, SHORTLIST // 4 + 1)
        for hour, minute in ((10, 52), (12, 55), (13, 7), (13, 19))
    ]
    criteria = round_.criteria
    for index, application in enumerate(applications[:SHORTLIST]):
        pupil_panel = [panel_pupils[index % 2]]
        interview = services.book_interview(
            application=application,
            starts_at=slots[index][0],
            ends_at=slots[index][1],
            staff_member=coordinator,
            panel_pupils=pupil_panel,
            by=coordinator,
            now=slots[index][0] - dt.timedelta(days=7),  # booked the week before
        )
        strength = 4.0 if index < len(demo_mentors) else rng.uniform(1.8, 3.4)
        for scorer in (coordinator, panel_users[index % 2]):
            marks = {c: max(1, min(4, round(strength + rng.uniform(-0.9, 0.9)))) for c in criteria}
            services.submit_scores(
                interview=interview,
                scores=marks,
                comment=rng.choice(["", "Calm and warm.", "Good eye contact.", "A bit shy."]),
                by=scorer,
            )

    # Rank by average score, offer fifteen places; one declines and the next accepts.
    averages = {}
    for application in Application.objects.filter(round=round_, interview__isnull=False):
        scores = list(application.interview.scores.all())
        averages[application.pk] = sum(s.total for s in scores) / len(scores)
    ranked = sorted(averages, key=lambda pk: (-averages[pk], pk))
    services.rank_applicants(
        round=round_, ranks={pk: rank for rank, pk in enumerate(ranked, start=1)}, by=coordinator
    )
    services.make_offers(round=round_, by=coordinator)
    offered = list(Application.objects.filter(round=round_, status="offered").order_by("rank"))
    decliner = offered[-1]
    services.decline_offer(
        application=decliner, reason="Wants to focus on the school play.", by=coordinator
    )
    accepted: list[Mentor] = []
    answered = _at(spring.ends_on - dt.timedelta(days=10), 9, 0)
    offered_now = Application.objects.filter(round=round_, status="offered")
    for index, application in enumerate(offered_now):
        pupil_user = next(
            (m.user for m in demo_mentors if m.pupil_id == application.pupil_id), None
        )
        services.accept_offer(
            application=application,
            by=pupil_user or coordinator,
            now=answered,
            hoodie_size=HOODIE_SIZES[index % len(HOODIE_SIZES)],
        )
        application.refresh_from_db()
        services.record_parental_consent(
            application=application, on=spring.ends_on - dt.timedelta(days=3), by=coordinator
        )
        assert application.mentor is not None, application  # accepting made the mentor
        accepted.append(application.mentor)

    # Last spring's messages ("You have been shortlisted", "Interview: Monday 23 February")
    # were read back then: made today, they would greet last year's mentors as news.
    Notification.objects.filter(school=school, created_at__gte=history_starts).delete()

    # This year's round for today's Year 9, with the usual spring-term dates.
    if not RecruitmentRound.objects.for_school(school).filter(academic_year=this_year).exists():
        services.open_round(school=school, academic_year=this_year, by=coordinator)
    return RecruitmentDemo(
        accepted=accepted,
        missed_a_module=next(
            m for m in accepted if m.pupil_id not in {d.pupil_id for d in demo_mentors}
        ),
    )
