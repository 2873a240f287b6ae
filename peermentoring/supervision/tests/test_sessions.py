"""Supervision's rules, through the services: logs pre-filled, a differing report counted,
actions carried over until closed, absences flagged, stale saves refused, double sends once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from peermentoring.core.roles import Role
from peermentoring.meetings import counting
from peermentoring.meetings import services as meetings
from peermentoring.meetings.models import WeekCount
from peermentoring.schools.models import SchoolDayWindow
from peermentoring.supervision import home, services
from peermentoring.supervision.models import Action, Session, SessionMentor
from peermentoring.supervision.services import MentorReport, NewAction, StaleSession
from tests.support.builders import accepted_referral
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.meetings import at, pairing_in, window

LAST_WEEK = dt.date(2025, 11, 10)  # NOW is Wednesday 19 November 2025
LUNCH = SchoolDayWindow.Kind.LUNCH


@pytest.fixture
def pairing(school, monkeypatch):
    at(monkeypatch)
    return pairing_in(school)


@pytest.fixture
def group(school, coordinator, pairing):
    made = services.create_group(
        school=school,
        name="Year 10, Tuesday",
        coordinator=coordinator,
        window=window(school, 1, LUNCH),
        members=[pairing.mentor],
        by=coordinator,
    )
    return made


def met(pairing, *days):
    for day in days:
        meetings.log_meeting(
            pairing=pairing,
            held_on=day,
            window=window(pairing.school, day.weekday(), LUNCH),
            by=None,
        )


def report(pairing, attendance="present", reported=None, **extra) -> MentorReport:
    return MentorReport(
        mentor_id=pairing.mentor_id, attendance=attendance, reported_meetings=reported, **extra
    )


def test_the_session_is_made_for_this_school_week_with_last_weeks_logs(group, pairing, coordinator):
    met(pairing, dt.date(2025, 11, 11), dt.date(2025, 11, 13), dt.date(2025, 11, 18))

    session = services.open_session(group=group, by=coordinator)

    assert (session.week_of, session.held_on) == (dt.date(2025, 11, 17), dt.date(2025, 11, 18))
    assert session.led_by == coordinator
    assert session.mentor_rows.get().logged_meetings == 2  # this week's meeting is not counted
    assert services.open_session(group=group, by=coordinator) == session


def test_the_week_before_half_term_is_last_week_after_it(school, pairing):
    # Monday 3 November follows half-term (27 to 31 October).
    assert services.previous_school_week(school, dt.date(2025, 11, 3)) == dt.date(2025, 10, 20)


def test_a_report_above_the_logs_becomes_the_pairings_week_count(group, pairing, coordinator):
    met(pairing, dt.date(2025, 11, 11))
    session = services.open_session(group=group, by=coordinator)

    services.save_session(
        session=session, version=1, reports=[report(pairing, reported=3)], by=coordinator
    )

    row = SessionMentor.objects.get(session=session)
    assert (row.logged_meetings, row.reported_meetings, row.difference) == (1, 3, 2)
    assert row.is_count_recorded
    assert WeekCount.objects.get(pairing=pairing, week_of=LAST_WEEK).count == 3
    assert counting.total(pairing.school, LAST_WEEK, dt.date(2025, 11, 14)) == 3


def test_a_report_equal_to_the_logs_records_no_count(group, pairing, coordinator):
    met(pairing, dt.date(2025, 11, 11))
    session = services.open_session(group=group, by=coordinator)

    services.save_session(
        session=session, version=1, reports=[report(pairing, reported=1)], by=coordinator
    )

    assert not WeekCount.objects.exists()


def test_a_mentor_with_two_mentees_keeps_the_report_on_the_session(
    school, group, pairing, coordinator
):
    pairing.mentor.capacity = 2
    pairing.mentor.save()
    second = accepted_referral(school)
    pairing.__class__.objects.create(
        school=school,
        mentor=pairing.mentor,
        mentee=second.pupil,
        referral=second,
        started_on=pairing.started_on,
    )
    session = services.open_session(group=group, by=coordinator)

    services.save_session(
        session=session, version=1, reports=[report(pairing, reported=4)], by=coordinator
    )

    row = SessionMentor.objects.get(session=session)
    assert not row.is_count_recorded
    assert "has 2 mentees" in row.count_kept_because
    assert not WeekCount.objects.exists()


def test_a_stale_version_is_refused_and_names_who_saved(group, pairing, coordinator):
    session = services.open_session(group=group, by=coordinator)
    services.save_session(
        session=session,
        version=1,
        reports=[report(pairing, problems="Lily is quiet")],
        submission_key=uuid.uuid4(),
        by=coordinator,
    )
    other = UserFactory(first_name="Sunita")
    MembershipFactory(user=other, school=group.school, role=Role.COORDINATOR)

    with pytest.raises(StaleSession) as caught:
        services.save_session(
            session=session,
            version=1,
            reports=[report(pairing, "absent", problems="Overwritten?")],
            new_actions=[NewAction(mentor_id=pairing.mentor_id, text="Speak to tutor")],
            submission_key=uuid.uuid4(),
            by=other,
        )

    assert "Helen saved this session at" in caught.value.messages[0]
    assert "your changes are below" in caught.value.messages[0]
    row = SessionMentor.objects.get(session=session)
    assert (row.attendance, row.problems) == ("present", "Lily is quiet")
    assert not Action.objects.exists()
    assert Session.objects.get(pk=session.pk).version == 2


def test_the_same_form_sent_twice_adds_its_actions_once(group, pairing, coordinator):
    session = services.open_session(group=group, by=coordinator)
    key = uuid.uuid4()
    action = NewAction(mentor_id=pairing.mentor_id, text="Speak to the form tutor")

    for _ in range(2):
        services.save_session(
            session=Session.objects.get(pk=session.pk),
            version=1,
            reports=[report(pairing)],
            new_actions=[action],
            submission_key=key,
            by=coordinator,
        )

    assert Action.objects.count() == 1
    assert Session.objects.get(pk=session.pk).version == 2


def test_open_actions_carry_over_until_closed(group, pairing, coordinator, monkeypatch):
    first = services.open_session(group=group, by=coordinator)
    services.save_session(
        session=first,
        version=1,
        reports=[report(pairing)],
        new_actions=[
            NewAction(
                mentor_id=pairing.mentor_id,
                text="Swap lunch to Thursday",
                owner=coordinator,
                due_on=dt.date(2025, 11, 21),
            )
        ],
        by=coordinator,
    )
    at(monkeypatch, dt.datetime(2025, 11, 26, 13, 0))
    second = services.open_session(group=group, by=coordinator)
    action = Action.objects.get()

    assert services.carried_over(second) == [action]

    services.save_session(
        session=second, version=1, reports=[report(pairing)], close_actions=[action], by=coordinator
    )
    at(monkeypatch, dt.datetime(2025, 12, 3, 13, 0))
    third = services.open_session(group=group, by=coordinator)
    assert services.carried_over(third) == []


def test_an_action_owner_from_another_school_is_refused(
    group, pairing, coordinator, other_school_coordinator
):
    session = services.open_session(group=group, by=coordinator)

    with pytest.raises(ValidationError, match="owner"):
        services.save_session(
            session=session,
            version=1,
            reports=[],
            new_actions=[
                NewAction(mentor_id=pairing.mentor_id, text="x", owner=other_school_coordinator)
            ],
            by=coordinator,
        )
    assert not Action.objects.exists()


def test_a_mentor_of_another_school_cannot_join_a_group(group, other_school, coordinator):
    theirs = pairing_in(other_school).mentor

    with pytest.raises(ValidationError):
        services.change_group(
            group=group,
            name=group.name,
            coordinator=coordinator,
            window=group.window,
            members=[theirs],
            by=coordinator,
        )
    assert not group.members.filter(pk=theirs.pk).exists()


def test_a_mentor_absent_twice_running_is_flagged(group, pairing, coordinator, monkeypatch):
    weeks = [dt.datetime(2025, 11, d, 13, 0) for d in (5, 12, 19)]
    attendance = ["present", "absent", "absent"]
    flags = []
    for moment, seen in zip(weeks, attendance, strict=True):
        at(monkeypatch, moment)
        session = services.open_session(group=group, by=coordinator)
        services.save_session(
            session=session, version=1, reports=[report(pairing, seen)], by=coordinator
        )
        flags.append(services.absent_twice_running(session))

    assert flags == [set(), set(), {pairing.mentor_id}]


def test_excused_breaks_a_run_of_absences(group, pairing, coordinator, monkeypatch):
    for day, seen in ((5, "absent"), (12, "excused"), (19, "absent")):
        at(monkeypatch, dt.datetime(2025, 11, day, 13, 0))
        session = services.open_session(group=group, by=coordinator)
        services.save_session(
            session=session, version=1, reports=[report(pairing, seen)], by=coordinator
        )

    assert services.absent_twice_running(session) == set()


def test_the_coordinators_home_lists_this_weeks_session_and_overdue_actions(
    group, pairing, coordinator
):
    membership = coordinator.memberships.get()
    session = services.open_session(group=group, by=coordinator)
    services.save_session(
        session=session,
        version=1,
        reports=[report(pairing)],
        new_actions=[
            NewAction(mentor_id=None, text="Late", owner=coordinator, due_on=dt.date(2025, 11, 18)),
            NewAction(mentor_id=None, text="Later", due_on=dt.date(2025, 11, 30)),
        ],
        by=coordinator,
    )

    labels = [item.label for item in home.items(membership)]
    assert labels == ["Supervision this week: Year 10, Tuesday", "1 action overdue"]

    services.save_session(
        session=session, version=2, reports=[report(pairing)], finish=True, by=coordinator
    )
    assert [item.label for item in home.items(membership)] == ["1 action overdue"]
