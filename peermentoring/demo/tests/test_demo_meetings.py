"""The demo's history and meetings: last year's cohort and pairings, 527 and 180, every rule kept."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from peermentoring.matching.models import Pairing
from peermentoring.meetings import counting
from peermentoring.meetings.models import Meeting, WeekCount
from peermentoring.meetings.rules import check_meeting_time
from peermentoring.mentors.models import Mentor
from peermentoring.mentors.readiness import ready_since
from peermentoring.schools.models import AcademicYear, Membership, School, Term

pytestmark = pytest.mark.django_db


def _oakbrook() -> tuple[School, AcademicYear, AcademicYear]:
    call_command("load_demo", stdout=StringIO())
    school = School.objects.get(slug="oakbrook")
    this_year, last_year = AcademicYear.objects.for_school(school)[:2]
    return school, this_year, last_year


def test_every_demo_meeting_keeps_the_rules_and_last_year_totals_527_then_180():
    school, this_year, last_year = _oakbrook()
    now = timezone.localtime()  # the demo's today
    meetings = list(
        Meeting.objects.for_school(school).select_related(
            "pairing__school", "pairing__mentor__pupil", "pairing__mentee", "window"
        )
    )
    assert len(meetings) > 900
    refused = []
    for meeting in meetings:
        try:
            check_meeting_time(meeting.pairing, meeting.held_on, meeting.window, now=now)
        except ValidationError as error:
            refused.append((meeting.held_on, meeting.window.label, error.messages))
    assert refused == []
    # No mentor has two mentees at once.
    slots = Counter((m.pairing.mentor_id, m.held_on, m.window_id) for m in meetings)
    assert max(slots.values()) == 1

    terms = {t.name: t for t in last_year.terms.all()}
    autumn, spring = terms[Term.Name.AUTUMN], terms[Term.Name.SPRING]
    assert counting.total(school, autumn.starts_on, autumn.ends_on) == 527
    assert counting.total(school, spring.starts_on, spring.ends_on) == 180
    summer = terms[Term.Name.SUMMER]
    assert counting.total(school, summer.starts_on, summer.ends_on) > 0
    # Some did not happen, each kind, counted apart.
    missed = counting.did_not_happen(school, autumn.starts_on, summer.ends_on)
    assert set(missed) == {"mentee_absent", "mentor_absent", "cancelled"}
    # A few weeks are "met N times" only: nothing itemised for that pair that week.
    counts = list(WeekCount.objects.for_school(school).filter(week_of__lt=this_year.starts_on))
    assert 3 <= len(counts) <= 12
    for entry in counts:
        week = (entry.week_of, entry.week_of + dt.timedelta(days=4))
        assert not Meeting.objects.filter(pairing=entry.pairing, held_on__range=week).exists()
        assert counting.school_weeks(school, *week) == [entry.week_of]

    # This year: every active pair has met, up to the last school day before today.
    active = Pairing.objects.for_school(school).active()
    today = timezone.localdate()
    assert all(p.meetings.happened().exists() for p in active)
    held = Meeting.objects.for_school(school).filter(held_on__gte=this_year.starts_on)
    assert max(held.values_list("held_on", flat=True)) < today
    # One or two pairs have gone quiet, for the coordinator's list; not a demo account's.
    quiet = list(counting.quiet_pairings(school, today))
    assert 1 <= len(quiet) <= 2
    with_accounts = set(Membership.objects.filter(role="mentor").values_list("pupil", flat=True))
    assert not any(p.mentor.pupil_id in with_accounts for p in quiet)
    # What the mentor fills in: mood 1-5, topics, a note on a few.
    happened = Meeting.objects.for_school(school).happened()
    assert set(happened.values_list("mood", flat=True)) <= {1, 2, 3, 4, 5}
    assert not happened.filter(topics__isnull=True).exists()
    assert 0 < happened.exclude(note="").count() < happened.count() / 10


def test_last_years_cohort_is_todays_year_11_trained_the_summer_before_with_completed_pairings():
    school, this_year, last_year = _oakbrook()
    cohort = list(Mentor.objects.for_school(school).for_year(last_year).select_related("pupil"))
    assert len(cohort) == 15
    assert {m.pupil.year_group for m in cohort} == {11}
    # The experienced mentors with accounts (interview panels) are among them.
    panel = Membership.objects.for_school(school).filter(role="pupil", pupil__year_group=11)
    assert set(panel.values_list("pupil", flat=True)) <= {m.pupil_id for m in cohort}
    summer = last_year.terms.get(name=Term.Name.SUMMER)
    pairings = list(Pairing.objects.for_school(school).filter(mentor__in=cohort))
    assert len(pairings) >= 15
    for pairing in pairings:
        assert pairing.status == Pairing.Status.ENDED
        assert pairing.end_reason == Pairing.EndReason.COMPLETED
        assert pairing.ended_on == summer.ends_on
        assert pairing.mentee.year_group == 8
        assert pairing.referral.pupil_id == pairing.mentee_id
        trained = ready_since(pairing.mentor)
        assert trained is not None and trained.year == last_year.starts_on.year
        first = pairing.meetings.order_by("held_on").first()
        assert first is not None and trained < pairing.started_on <= first.held_on


def test_the_coordinator_held_supervision_each_school_week_with_actions():
    from peermentoring.supervision import services
    from peermentoring.supervision.models import Action, Session

    school, this_year, last_year = _oakbrook()
    autumn = last_year.terms.get(name=Term.Name.AUTUMN)
    sessions = list(Session.objects.for_school(school).select_related("group"))
    groups = {s.group for s in sessions}
    assert len(groups) == 2
    first = min(Pairing.objects.for_school(school).active().values_list("started_on", flat=True))
    today = timezone.localdate()
    weeks = counting.school_weeks(school, counting.monday(first) + dt.timedelta(days=7), today)
    for group in groups:
        held = sorted(s.week_of for s in sessions if s.group == group)
        assert held == [w for w in weeks if w + dt.timedelta(days=group.window.weekday) < today]
    # Every one but this week's last is finished; a colleague covered one.
    assert sum(s.status == "open" for s in sessions) == 1
    assert any(s.led_by_id != s.group.coordinator_id for s in sessions)
    actions = Action.objects.for_school(school)
    assert actions.count() >= 5 and actions.still_open().exists()
    assert actions.filter(closed_at__isnull=False).exists()
    # The mentors agreed with their logs: supervision added no week count to any total.
    assert counting.total(school, autumn.starts_on, autumn.ends_on) == 527
    latest = max(sessions, key=lambda s: (s.week_of, s.group.window.weekday))
    assert len(services.absent_twice_running(latest)) == 1
