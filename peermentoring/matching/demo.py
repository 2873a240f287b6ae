"""Demo referrals and this year's pairings, through the domain functions.

Called at the end of `demo.builder.load_demo`. It creates no mentors: it pairs
whatever trained mentors this academic year already has (recruitment's demo
makes them), so it works with or without them.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from peermentoring.core.models import User
from peermentoring.matching import services
from peermentoring.matching.run import current_year
from peermentoring.mentors.models import Mentor, able_to_mentor_ids
from peermentoring.referrals import services as referral_services
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import FeederPrimary, Pupil, School, SchoolDayWindow

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
            referral_services.accept_referral(referral=referral, by=coordinator)
    # Referrals arrive over the summer and autumn: spread them so waiting times differ.
    for referral in Referral.objects.for_school(school):
        days = rng.randint(1, 90)
        Referral.objects.filter(pk=referral.pk).update(
            referred_at=referral.referred_at - dt.timedelta(days=days)
        )
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
    if trained and Referral.objects.for_school(school).in_queue().filter(~Q(pupil=None)).exists():
        run = services.run_matching(school=school, by=coordinator)
        if run.proposal["pairs"]:
            services.confirm_run(run=run, by=coordinator)
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
