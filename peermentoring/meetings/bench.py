"""Meetings figures for `make bench`: the coordinator's pages and the mentor's "log a
meeting" on a school with a year of meetings (~3,000), in one process.

Printed, never asserted. Run alone with `python -m peermentoring.meetings.bench` (it sets
up its own throw-away SQLite database), or from `peermentoring.bench`. The same pages
served by gunicorn against a bare view are in `peermentoring/pagebench.py`.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peermentoring.core.models import User
    from peermentoring.matching.models import Pairing
    from peermentoring.schools.models import Pupil, School

PAIRINGS = 60
REQUESTS = 100


def add_year_of_meetings(
    school: School,
    pairings: Sequence[Pairing],
    first: dt.date,
    last: dt.date,
    rng: random.Random,
    share: float = 0.45,
) -> int:
    """Meetings in bulk on the teaching days from `first` to `last`: each pairing meets on
    about `share` of the days, at break or lunch, some not happening; a few topics each."""
    from django.db import transaction

    from peermentoring.meetings.models import Meeting
    from peermentoring.meetings.services import topics_for
    from peermentoring.schools.models import SchoolDayWindow, Term

    terms = list(Term.objects.for_school(school).filter(starts_on__lte=last, ends_on__gte=first))
    windows: dict[int, list[SchoolDayWindow]] = {}
    for window in SchoolDayWindow.objects.for_school(school).filter(is_active=True):
        if window.kind != SchoolDayWindow.Kind.AM_REGISTRATION:
            windows.setdefault(window.weekday, []).append(window)
    days = []
    day = first
    while day <= last:
        if any(t.is_teaching_day(day) for t in terms) and day.weekday() in windows:
            days.append(day)
        day += dt.timedelta(days=1)
    topics = topics_for(school)
    statuses = [Meeting.Status.HAPPENED] * 9 + [Meeting.Status.MENTEE_ABSENT]
    rows = []
    for pairing in pairings:
        for day in days:
            if day < pairing.started_on or rng.random() > share:
                continue
            status = rng.choice(statuses)
            happened = status == Meeting.Status.HAPPENED
            rows.append(
                Meeting(
                    school=school,
                    pairing=pairing,
                    held_on=day,
                    window=rng.choice(windows[day.weekday()]),
                    status=status,
                    minutes=rng.choice([5, 10, 15, 20]) if happened else None,
                    mood=rng.randint(2, 5) if happened else None,
                    note="Talked about settling in." if rng.random() < 0.3 else "",
                )
            )
    with transaction.atomic():
        made = Meeting.objects.bulk_create(rows, batch_size=500)
        through = Meeting.topics.through
        through.objects.bulk_create(
            [
                through(meeting_id=m.pk, topic_id=t.pk)
                for m in made
                if m.status == Meeting.Status.HAPPENED
                for t in rng.sample(topics, 2)
            ],
            batch_size=1000,
        )
    return len(made)


def _per_second(client: object, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)  # type: ignore[attr-defined]
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    queries = len(captured.captured_queries)
    started = time.perf_counter()
    for _ in range(REQUESTS):
        client.get(url)  # type: ignore[attr-defined]
    return REQUESTS / (time.perf_counter() - started), queries


def main() -> None:
    from peermentoring.matching.bench import _make_school, _setup_django

    _setup_django()
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from peermentoring.core.mfa import sign_in_test_client
    from peermentoring.core.roles import Role
    from peermentoring.matching.models import Pairing
    from peermentoring.meetings.models import WeekCount
    from peermentoring.mentors.models import Mentor
    from peermentoring.referrals.models import Referral
    from peermentoring.schools import services
    from peermentoring.schools.models import Membership, Term

    rng = random.Random(13)
    school = _make_school("meetings-bench", PAIRINGS, PAIRINGS, rng)
    today = timezone.localdate()
    if not Term.objects.for_school(school).exists():
        from peermentoring.schools.calendar import default_term_dates

        year = school.academic_years.get()
        start = year.starts_on.year
        for dates in default_term_dates(start):
            Term.objects.create(
                academic_year=year,
                name=dates.name,
                starts_on=dates.starts_on,
                ends_on=dates.ends_on,
                half_term_starts_on=dates.half_term_starts_on,
                half_term_ends_on=dates.half_term_ends_on,
            )
    # A year of meetings up to today: the year before this one counts too when term has
    # only just begun, so the pages read ~3,000 meetings whatever the day of the run.
    first = today - dt.timedelta(days=365)
    mentors = list(Mentor.objects.for_school(school).select_related("pupil"))
    referrals = list(Referral.objects.for_school(school))
    with transaction.atomic():
        pairings = Pairing.objects.bulk_create(
            [
                Pairing(school=school, mentor=m, mentee=r.pupil, referral=r, started_on=first)
                for m, r in zip(mentors, referrals, strict=False)
            ]
        )
        WeekCount.objects.bulk_create(
            [
                WeekCount(
                    school=school,
                    pairing=p,
                    week_of=today - dt.timedelta(days=today.weekday() + 14),
                    count=2,
                )
                for p in pairings[:5]
            ]
        )
    made = add_year_of_meetings(school, pairings, first, today, rng, share=0.85)
    coordinator = services.create_staff_account(
        school=school,
        email="meetings-bench@example.org",
        first_name="C",
        last_name="Ordinator",
        role=Role.COORDINATOR,
        by=None,
        password="bench-password-123",  # noqa: S106 - a throw-away bench database
    ).user
    staff = Client()
    sign_in_test_client(staff, coordinator)
    mentor_pupil = mentors[0].pupil
    membership = Membership.objects.create(
        school=school,
        user=_pupil_user(mentor_pupil),
        role=Role.MENTOR,
        pupil=mentor_pupil,
        accepted_at=timezone.now(),
    )
    pupil_client = Client()
    sign_in_test_client(pupil_client, membership.user)
    base = f"/s/{school.slug}/meetings/"
    print(
        f"\n== meetings pages: {len(pairings)} pairings, {made:,} meetings over a year, "
        f"SQLite, Django test client in one process, {REQUESTS} requests each =="
    )
    for label, client, url in (
        ("Meetings (coordinator)", staff, base),
        ("Met N times: every pairing (coordinator)", staff, f"{base}week/"),
        ("one pairing's meetings (coordinator)", staff, f"{base}pairings/{pairings[0].pk}/"),
        ("Log a meeting (mentor)", pupil_client, f"{base}log/"),
    ):
        rate, queries = _per_second(client, url)
        print(f"{label:<44} {rate:>7,.0f} requests/s  {queries:>3} queries")


def _pupil_user(pupil: Pupil) -> User:
    from peermentoring.core.models import User

    return User.objects.create_user(username=f"bench-mentor-{pupil.pk}", password=None)


if __name__ == "__main__":
    main()
