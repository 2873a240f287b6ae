"""The demo school's aims and policies, through the evidence services.

Called by `demo.builder.load_demo` (`load_evidence_demo(school)`) once this year's mentors
exist. The coordinator published the scheme's aims and four policies (safeguarding,
confidentiality, anti-bullying, the mentors' code of conduct) at the start of the year;
the safeguarding policy was changed ten days ago, so it has a second version. Most of
this year's mentors have acknowledged the first versions on paper, fewer the new one (they
have no sign-in: the coordinator recorded each signed copy, dated at midday as the paper
form dates it).
The mentors who sign in to the demo have acknowledged nothing, so their home page shows
the policies to read.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.evaluation import evidence_services as services
from peermentoring.evaluation.models import Policy, PolicyAcknowledgement, PolicyVersion
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, Membership, School

AIMS = """Our peer mentoring scheme helps every Year 7 pupil settle into Oakbrook.

1. Every new Year 7 pupil who would like one has an older pupil to talk to.
2. Mentees feel happier at school, know who to go to when they are worried, and make friends in their year.
3. Peer mentors grow in confidence, listening and leadership.
4. Worries are passed on quickly to the adults who can help.
5. We check how the scheme is doing each term, and tell the head and governors."""

POLICIES = [
    (
        "Safeguarding policy for the peer mentoring scheme",
        """Peer mentors are not expected to sort out serious problems on their own.

If a mentee tells you something that worries you about their safety, or anyone else's:
- listen, stay calm, and do not ask lots of questions;
- never promise to keep it a secret;
- tell the coordinator or a safeguarding lead the same day, using "I'm worried about someone";
- do not talk about it with other pupils.

Our safeguarding leads are Ms Shah and Mr Osei.""",
        "\n\nIf you cannot find an adult, go to the school office: they will fetch one at once.",
    ),
    (
        "Confidentiality",
        """What your mentee tells you stays between you and them, with one exception: if you are
worried that someone is unsafe, you must tell an adult (see the safeguarding policy).

Do not write about your mentee on social media or in group chats. Keep meeting notes on
the system only, never on paper you carry around.""",
        "",
    ),
    (
        "Anti-bullying policy",
        """Bullying is never acceptable at Oakbrook. Peer mentors help by listening, by
reminding pupils about 'tell us' and the bullying board, and by passing on what they hear.
Mentors never deal with bullying on their own and never confront the pupil doing it.""",
        "",
    ),
    (
        "Code of conduct for peer mentors",
        """As a peer mentor I will:
- be on time for my meetings, or let my mentee and the coordinator know;
- be kind, patient and a good listener;
- keep what my mentee tells me private, except when someone may be unsafe;
- come to supervision every week;
- set a good example around school.""",
        "",
    ),
]


def _back_date(version: PolicyVersion, when: dt.datetime) -> None:
    PolicyVersion.objects.filter(pk=version.pk).update(published_at=when)


def load_evidence_demo(school: School) -> None:
    """The aims, four policies (one in two versions) and this year's acknowledgements."""
    rng = random.Random(16)
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    now = timezone.now()
    year = AcademicYear.objects.for_school(school).containing(timezone.localdate()).first()
    start = (
        timezone.make_aware(dt.datetime.combine(year.starts_on + dt.timedelta(days=2), dt.time(9)))
        if year is not None
        else now - dt.timedelta(days=60)
    )
    first_versions = []
    aims = services.add_policy(
        school=school,
        fields=services.PolicyFields(
            title="Aims of our peer mentoring scheme",
            kind=Policy.Kind.AIMS,
            is_for_mentors=True,
            text=AIMS,
        ),
        by=coordinator,
    )
    first_versions.append(PolicyVersion.objects.get(policy=aims))
    changed = None
    for title, text, change in POLICIES:
        policy = services.add_policy(
            school=school,
            fields=services.PolicyFields(
                title=title, kind=Policy.Kind.POLICY, is_for_mentors=True, text=text
            ),
            by=coordinator,
        )
        first_versions.append(PolicyVersion.objects.get(policy=policy))
        if change:
            changed = (policy, text + change)
    for version in first_versions:
        _back_date(version, start)
    second = None
    if changed is not None and now - dt.timedelta(days=10) > start:
        policy, text = changed
        second = services.publish_version(policy=policy, text=text, based_on=1, by=coordinator)
        _back_date(second, now - dt.timedelta(days=10))
    _acknowledgements(school, year, first_versions, second, rng, start, coordinator)


def _acknowledgements(
    school: School,
    year: AcademicYear | None,
    first_versions: list[PolicyVersion],
    second: PolicyVersion | None,
    rng: random.Random,
    start: dt.datetime,
    coordinator: User,
) -> None:
    """Most of this year's mentors signed the first versions on paper; about half the new one.

    The mentors with a demo sign-in tick nothing, so their home page lists the policies.
    """
    if year is None:
        return
    with_accounts = Membership.objects.for_school(school).filter(role=Role.MENTOR)
    pupils = list(
        Mentor.objects.for_school(school)
        .for_year(year)
        .serving()
        .exclude(pupil__in=with_accounts.values("pupil"))
        .values_list("pupil_id", flat=True)
    )
    now = timezone.now()
    rows = []
    for version in first_versions:
        for pupil_id in pupils:
            if rng.random() < 0.85:
                at = start + dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
                rows.append(_row(school, version, pupil_id, min(at, now), coordinator))
    if second is not None:
        for pupil_id in pupils:
            if rng.random() < 0.5:
                at = now - dt.timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 6))
                rows.append(_row(school, second, pupil_id, at, coordinator))
    PolicyAcknowledgement.objects.bulk_create(rows)


def _row(
    school: School, version: PolicyVersion, pupil_id: int, at: dt.datetime, by: User
) -> PolicyAcknowledgement:
    """A signed paper copy, dated midday of its day (the day before, if that is still to come)."""
    day = timezone.localdate(at)
    midday = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    if midday > timezone.now():
        midday -= dt.timedelta(days=1)
    return PolicyAcknowledgement(
        school=school, version=version, pupil_id=pupil_id, at=midday, by=by, is_paper=True
    )
