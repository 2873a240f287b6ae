"""Oakbrook's transition visits to its four feeder primaries, through the visits' services.

To be called by `demo.builder.load_demo` once the rest of the demo is loaded. Last summer
the coordinator took three of last year's mentors, with a member of staff, to each feeder
primary after lunch (released from lessons by agreement); each visit is recorded with the
Year 6 pupils met, their questions and how it went. At Meadowside a Year 6 child asked for a
mentor: offered as a referral for September, they are now in Year 7 here (the referral found
them on roll) and wait in the matching queue; another follow-up, sending the primary the
Year 7 booklet, is done. This year's visits are planned for the summer term when enough
of it is still to come: Meadowside asked for another date, Brookfield has the plan and has
not answered yet.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor, able_to_mentor_ids
from peermentoring.outreach import visit_after, visit_answers, visit_links, visit_services
from peermentoring.outreach.models import PrimaryVisit, VisitFollowUp
from peermentoring.referrals import services as referral_services
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    Membership,
    Pupil,
    School,
    Term,
)

# After lunch, so no mentor is on break or lunch duty: lesson time, release agreed.
STARTS, ENDS = dt.time(13, 40), dt.time(14, 40)
STAFF = ["Mrs Hewitt", "Mr Osei", "Ms Shah", "Mrs Hewitt"]
PLAN = (
    "Our mentors talk about their first weeks in Year 7: finding your way, lunch, "
    "homework and making friends. Then questions, in small groups, and a quiz."
)
QUESTIONS = [
    "Do you get lost? How long is lunch? Are there detentions for forgetting your PE kit?",
    "What if you don't know anyone in your form? Can you bring your phone?",
    "Is the food nice? What happens if you're late? Do the Year 11s push in?",
    "How much homework is there? Can you choose where you sit? What clubs are there?",
]
NOTES = [
    "Lively: the mentors ran the quiz and the class teacher asked us back.",
    "Quieter class; they opened up in the small groups. Two children very anxious.",
    "Good questions about buses and lunch; the mentors were brilliant with them.",
    "Short on time because of a fire drill, but the children loved the quiz.",
]


def _teaching_days(term: Term, first: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= term.ends_on:
        if term.is_teaching_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _able(school: School, year: AcademicYear) -> list[Mentor]:
    mentors = list(
        Mentor.objects.for_school(school).for_year(year).trained().select_related("pupil")
    )
    able = able_to_mentor_ids(mentors) if mentors else set()
    return sorted((m for m in mentors if m.pk in able), key=lambda m: m.pk)


def _summer(year: AcademicYear) -> Term:
    return year.terms.get(name=Term.Name.SUMMER)


def load_visits_demo(school: School) -> list[PrimaryVisit]:
    """Last summer's four visits, recorded with their follow-ups; this year's, when the summer
    term is still to come. Returns the visits made."""
    rng = random.Random(2031)
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    this_year, last_year = AcademicYear.objects.for_school(school)[:2]
    primaries = list(FeederPrimary.objects.for_school(school).order_by("name"))
    meadowside = next(p for p in primaries if p.name.startswith("Meadowside"))
    primaries.sort(key=lambda p: p != meadowside)
    made = _last_summer(school, last_year, primaries, coordinator, rng)
    made += _this_summer(school, this_year, primaries, coordinator)
    return made


def _last_summer(
    school: School,
    year: AcademicYear,
    primaries: list[FeederPrimary],
    coordinator: User,
    rng: random.Random,
) -> list[PrimaryVisit]:
    summer = _summer(year)
    after_half_term = (summer.half_term_ends_on or summer.starts_on) + dt.timedelta(days=1)
    # Tuesdays to Thursdays of the weeks after half-term, one primary a week.
    days = [d for d in _teaching_days(summer, after_half_term) if d.weekday() in (1, 2, 3)]
    mentors = _able(school, year)
    made = []
    for index, primary in enumerate(primaries[:4]):
        day = days[index * 3 + index % 3]
        going = mentors[index * 3 : index * 3 + 3] if len(mentors) >= 12 else mentors[:3]
        visit = visit_services.plan_visit(
            school=school,
            primary=primary,
            visit_on=day,
            starts_at=STARTS,
            ends_at=ENDS,
            mentors=going,
            staff_name=STAFF[index],
            plan=PLAN,
            released_from_lessons=True,
            by=coordinator,
        )
        # As the primary answered then: planned in May, confirmed within the week.
        planned_at = timezone.make_aware(dt.datetime.combine(summer.starts_on, dt.time(16)))
        PrimaryVisit.objects.filter(pk=visit.pk).update(
            created_at=planned_at,
            link_sent_at=planned_at,
            answered_at=planned_at + dt.timedelta(days=3),
            status=PrimaryVisit.Status.CONFIRMED,
        )
        visit.refresh_from_db()
        visit = visit_after.record_visit(
            visit=visit,
            version=visit.version,
            year6_met=rng.randint(28, 62),
            questions=QUESTIONS[index],
            notes=NOTES[index],
            by=coordinator,
        )
        PrimaryVisit.objects.filter(pk=visit.pk).update(
            recorded_at=timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30)))
        )
        made.append(visit)
    _follow_ups(school, made[0], coordinator)
    return made


def _follow_ups(school: School, visit: PrimaryVisit, coordinator: User) -> None:
    """At Meadowside: a child who asked for a mentor (now in Year 7 here), and the booklet."""
    child = (
        Pupil.objects.for_school(school)
        .in_year(7)
        .filter(feeder_primary=visit.primary, referrals__isnull=True, membership__isnull=True)
        .order_by("admission_number")
        .first()
    )
    if child is not None:
        wants = visit_after.add_follow_up(
            visit=visit,
            kind=VisitFollowUp.Kind.WANTS_MENTOR,
            child_given_name=child.given_name,
            child_family_name=child.family_name,
            note="Asked us at the end whether they could have a mentor: worried about the bus.",
            by=coordinator,
        )
        referral = visit_after.offer_as_referral(follow_up=wants, by=coordinator)
        referral_services.accept_referral(referral=referral, by=coordinator)
        met = timezone.make_aware(dt.datetime.combine(visit.visit_on, dt.time(17)))
        Referral.objects.filter(pk=referral.pk).update(
            referred_at=met, reviewed_at=met + dt.timedelta(days=2)
        )
        VisitFollowUp.objects.filter(pk=wants.pk).update(done_at=met)
    booklet = visit_after.add_follow_up(
        visit=visit,
        kind=VisitFollowUp.Kind.OTHER,
        note="Send the Year 6 teacher the 'Starting Year 7' booklet for the class.",
        by=coordinator,
    )
    visit_after.mark_follow_up_done(follow_up=booklet, done=True, by=coordinator)


def _this_summer(
    school: School, year: AcademicYear, primaries: list[FeederPrimary], coordinator: User
) -> list[PrimaryVisit]:
    """Meadowside asked for another date; Brookfield has the plan. Only while enough of the
    summer term is still to come (and none planned yet)."""
    summer = _summer(year)
    today = visit_services.today()
    after_half_term = (summer.half_term_ends_on or summer.starts_on) + dt.timedelta(days=1)
    days = [
        d
        for d in _teaching_days(summer, max(after_half_term, today + dt.timedelta(days=7)))
        if d.weekday() in (1, 3)
    ]
    mentors = _able(school, year)
    if len(days) < 4 or len(mentors) < 4:
        return []
    brookfield = next((p for p in primaries if p.name.startswith("Brookfield")), primaries[1])
    made = []
    for primary, day, going in (
        (primaries[0], days[0], mentors[:2]),
        (brookfield, days[3], mentors[2:4]),
    ):
        made.append(
            visit_services.plan_visit(
                school=school,
                primary=primary,
                visit_on=day,
                starts_at=STARTS,
                ends_at=ENDS,
                mentors=going,
                staff_name="Mrs Hewitt",
                plan=PLAN,
                released_from_lessons=True,
                send=True,
                by=coordinator,
            )
        )
    meadowside = made[0]
    meadowside.refresh_from_db()
    token = visit_links.visit_token(meadowside, visit_links.link_expires_on(meadowside, today))
    visit_answers.answer_visit(
        token=token,
        school=school,
        answer=visit_answers.Answer.OTHER_DATE,
        suggested_date=days[2],
        note="Year 6 are on their residential that week. The following week is good for us.",
    )
    return made
