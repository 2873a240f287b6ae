"""Demo referrals and this year's pairings, through the domain functions.

Called at the end of `demo.builder.load_demo`. It creates no mentors: it pairs
whatever trained mentors this academic year already has (recruitment's demo
makes them), so it works with or without them.

The pairings have a history: the coordinator matched the referrals accepted so far on
a few days spread over the year up to today, each pairing starting on its day (and,
being history, leaving no "you have a new mentee" message). The demo's mentee account
is referred early and paired on the first of those days with a demo mentor's account,
so each can see the other from their own home page.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.matching import services
from peermentoring.matching.models import MatchRun
from peermentoring.matching.run import current_year
from peermentoring.mentors.models import Mentor, able_to_mentor_ids
from peermentoring.referrals import services as referral_services
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    Membership,
    Pupil,
    School,
    SchoolDayWindow,
)

INTERESTS = ["football", "drawing", "chess", "music", "gaming", "netball", "reading", "dance"]
LANGUAGES = ["Polish", "Urdu", "Punjabi", "Romanian", "Arabic", "Somali"]
NEEDS = [
    "Worried about getting lost and about the bigger school.",
    "Small class at primary; finds big groups hard.",
    "Falling out with friends at the end of Year 6.",
    "Often forgets equipment and homework.",
    "Quiet; rarely speaks up in class.",
]


def _child(
    rng: random.Random, pupil: Pupil | None, categories: list
) -> referral_services.ChildDetails:
    return referral_services.ChildDetails(
        given_name=pupil.given_name if pupil else rng.choice(["Noor", "Jakub", "Ayla"]),
        family_name=pupil.family_name if pupil else rng.choice(["Haddad", "Wiśniewski", "Osei"]),
        date_of_birth=pupil.date_of_birth if pupil else None,
        categories=rng.sample(categories, k=rng.randint(1, 2)),
        needs=rng.choice(NEEDS),
        priority=rng.choices(["routine", "soon", "urgent"], weights=[6, 3, 1])[0],
        consent=rng.choices(["given", "not_asked"], weights=[9, 1])[0],
    )


def load_matching_demo(*, school: School, coordinator: User) -> None:
    """Referrals from each feeder primary and staff, reviewed; then pair the trained mentors."""
    rng = random.Random(2019)
    categories = [c for c in referral_services.categories_for(school) if c.is_active]
    windows = list(SchoolDayWindow.objects.for_school(school))
    for primary in FeederPrimary.objects.for_school(school):
        _, token = referral_services.create_referral_link(
            school=school, primary=primary, by=coordinator
        )
        pupils = list(
            Pupil.objects.for_school(school).in_year(7).filter(feeder_primary=primary)[:40]
        )
        chosen = rng.sample(pupils, k=min(4, len(pupils)))
        children = [_child(rng, p, categories) for p in chosen] + [_child(rng, None, categories)]
        referral_services.refer_from_primary(
            token=token, referrer_name="Year 6 teacher", children=children
        )
    others = Pupil.objects.for_school(school).in_year(7).filter(referrals__isnull=True)[:60]
    for pupil in rng.sample(list(others), k=min(3, len(others))):
        child = _child(rng, pupil, categories)
        child.consent = "given"
        referral_services.refer_pupil(school=school, pupil=pupil, child=child, by=coordinator)
    to_accept: list[Referral] = []
    for index, referral in enumerate(Referral.objects.for_school(school).waiting_for_review()):
        child = _child(rng, referral.pupil, categories)
        child.needs, child.priority, child.consent = (
            referral.needs,
            referral.priority,
            referral.consent,
        )
        child.interests = ", ".join(rng.sample(INTERESTS, k=2))
        child.languages = rng.choice(LANGUAGES) if rng.random() < 0.3 else ""
        referral_services.update_referral(
            referral=referral,
            child=child,
            windows=rng.sample(windows, k=min(4, len(windows))),
            by=coordinator,
        )
        if index % 9 == 4:
            referral_services.ask_for_more_information(
                referral=referral, note="Which lessons does this happen in?", by=coordinator
            )
        elif referral.pupil_id or index % 2:
            to_accept.append(referral)
    # Referrals arrive over the summer and autumn: spread them so waiting times differ.
    for referral in Referral.objects.for_school(school):
        days = rng.randint(1, 90)
        Referral.objects.filter(pk=referral.pk).update(
            referred_at=referral.referred_at - dt.timedelta(days=days)
        )
    fresh = Referral.objects.in_bulk([r.pk for r in to_accept])
    to_accept = [fresh[r.pk] for r in to_accept]  # with the dates just spread
    year = current_year(school)
    mentors = list(Mentor.objects.for_school(school).filter(academic_year=year))
    able = able_to_mentor_ids(mentors)
    trained = [m for m in mentors if m.pk in able]
    for mentor in trained:
        services.set_mentor_matching(
            mentor=mentor,
            capacity=mentor.capacity,
            windows=rng.sample(windows, k=min(6, len(windows))),
            by=coordinator,
        )
    matched_on = matching_days(year)
    locks = _refer_the_demo_mentees(
        school=school,
        coordinator=coordinator,
        trained=trained,
        categories=categories,
        before=matched_on[0],
        rng=rng,
    )
    to_accept = [r for r, _ in locks] + to_accept
    for day in matched_on:
        # The coordinator accepts the referrals that came in up to a few days before, then matches.
        batch = [r for r in to_accept if timezone.localdate(r.referred_at) <= day - REVIEW_TIME]
        to_accept = [r for r in to_accept if r not in batch]
        _match_on(day, school=school, coordinator=coordinator, accept=batch, locks=locks)
    # Referrals that came in since the last matching wait in the queue for the coordinator.
    for referral in to_accept:
        referral_services.accept_referral(referral=referral, by=coordinator)
    # Leave work for the coordinator: a few more highlighted Year 7s accepted, and three
    # mentors able to take a second mentee, so "Run matching" proposes real pairs.
    for mentor in trained[:3]:
        services.set_mentor_matching(
            mentor=mentor,
            capacity=2,
            windows=[free.window for free in mentor.free_windows.select_related("window")],
            by=coordinator,
        )
    others = Pupil.objects.for_school(school).in_year(7).filter(referrals__isnull=True)[:60]
    for pupil in rng.sample(list(others), k=min(3, len(others))):
        child = _child(rng, pupil, categories)
        child.consent = "given"
        referral = referral_services.refer_pupil(
            school=school,
            pupil=pupil,
            child=child,
            windows=rng.sample(windows, k=min(4, len(windows))),
            by=coordinator,
        )
        referral_services.accept_referral(referral=referral, by=coordinator)


# A referral is reviewed, and its child matched, no sooner than this after it came in.
REVIEW_TIME = dt.timedelta(days=5)
MATCHING_DAYS = 4  # how many times this year the coordinator has matched the queue so far


def matching_days(year: AcademicYear | None, today: dt.date | None = None) -> list[dt.date]:
    """The days the coordinator matched the queue: teaching days spread over this year before
    today, the first two weeks in (mentors' times set, referrals reviewed); today if none."""
    today = today or timezone.localdate()
    if year is None:
        return [today]
    terms = list(year.terms.all())
    teaching = [
        day
        for day in (
            year.starts_on + dt.timedelta(days=n) for n in range((today - year.starts_on).days)
        )
        if any(t.starts_on <= day <= t.ends_on and t.is_teaching_day(day) for t in terms)
    ][10:]
    if not teaching:
        return [today]
    count = min(MATCHING_DAYS, len(teaching))
    if count == 1:
        return [teaching[-1]]
    return sorted({teaching[round(i * (len(teaching) - 1) / (count - 1))] for i in range(count)})


def _refer_the_demo_mentees(
    *,
    school: School,
    coordinator: User,
    trained: list[Mentor],
    categories: list,
    before: dt.date,
    rng: random.Random,
) -> list[tuple[Referral, Mentor | None]]:
    """The mentee accounts' referrals, made early in the year, each with a mentor account to lock.

    Each is paired with a demo mentor's account when there is one, so the two demo
    log-ins see each other: the mentee their mentor, the mentor their mentee.
    """
    with_accounts = [m for m in trained if Membership.objects.filter(pupil=m.pupil_id).exists()]
    with_accounts.sort(key=lambda m: (m.pupil.given_name != "Chiamaka", m.pupil.family_name))
    referred_at = timezone.make_aware(dt.datetime.combine(before - 2 * REVIEW_TIME, dt.time(9)))
    made: list[tuple[Referral, Mentor | None]] = []
    mentees = Pupil.objects.for_school(school).filter(
        membership__role=Role.MENTEE, referrals__isnull=True
    )
    for index, pupil in enumerate(mentees.order_by("pk")):
        mentor = with_accounts[index] if index < len(with_accounts) else None
        mentor_windows = [free.window for free in mentor.free_windows.all()] if mentor else []
        child = _child(rng, pupil, categories)
        child.consent, child.priority = "given", "soon"
        child.interests = ", ".join(rng.sample(INTERESTS, k=2))
        referral = referral_services.refer_pupil(
            school=school,
            pupil=pupil,
            child=child,
            windows=mentor_windows[:3] or rng.sample(windows_of(school), k=4),
            by=coordinator,
        )
        Referral.objects.filter(pk=referral.pk).update(referred_at=referred_at)
        referral.refresh_from_db()
        made.append((referral, mentor))
    return made


def windows_of(school: School) -> list[SchoolDayWindow]:
    return list(SchoolDayWindow.objects.for_school(school).active())


def _match_on(
    day: dt.date,
    *,
    school: School,
    coordinator: User,
    accept: list[Referral],
    locks: list[tuple[Referral, Mentor | None]],
) -> None:
    """Accept the batch and confirm a proposal for the queue, as the coordinator did on `day`."""
    reviewed_at = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))
    for referral in accept:
        referral_services.accept_referral(referral=referral, by=coordinator)
    Referral.objects.filter(pk__in=[r.pk for r in accept]).update(reviewed_at=reviewed_at)
    if not accept or not any(r.pupil_id for r in accept):
        return
    run = services.run_matching(school=school, by=coordinator)
    for referral, mentor in locks:
        if mentor is not None and referral in accept:
            run = services.adjust_run(
                run=run, action="lock", referral_pk=referral.pk, mentor_pk=mentor.pk, by=coordinator
            )
    if run.proposal["pairs"]:
        services.confirm_run(run=run, by=coordinator, started_on=day)
        confirmed_at = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 50)))
        MatchRun.objects.filter(pk=run.pk).update(created_at=reviewed_at, confirmed_at=confirmed_at)
