"""Every figure of the report beyond meetings: counted inside the span, in its own school only,
by the database in a fixed number of queries however many schools."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peermentoring.evaluation import figures
from peermentoring.matching.models import Pairing
from peermentoring.outreach.models import Event, PrimaryVisit, TellUsReport
from peermentoring.recruitment.models import Application
from peermentoring.referrals.models import Referral
from peermentoring.safeguarding.models import Concern
from peermentoring.schools.models import School
from peermentoring.supervision.models import SessionMentor
from peermentoring.training.models import ModuleCompletion
from tests.support.factories import (
    AcademicYearFactory,
    ActionFactory,
    ApplicationFactory,
    ConcernFactory,
    EventFactory,
    InterviewFactory,
    MeetingFactory,
    MentorFactory,
    ModuleCompletionFactory,
    PairingFactory,
    PrimaryVisitFactory,
    RecruitmentRoundFactory,
    ReferralFactory,
    SchoolFactory,
    SessionMentorFactory,
    SupervisionSessionFactory,
    TellUsReportFactory,
    TrainingModuleFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date(2025, 9, 1), dt.date(2025, 12, 19)
INSIDE, OUTSIDE = dt.date(2025, 11, 18), dt.date(2026, 1, 13)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _fill(school: School) -> None:
    year = AcademicYearFactory(school=school, starts_on=FIRST, ends_on=dt.date(2026, 8, 31))
    for day in (INSIDE, OUTSIDE):
        VisitFactory(school=school, held_on=day, year7=4, year8=1, older=2)
    # Pairings: one running throughout, one ended in the span (moved school), one begun after.
    PairingFactory(school=school, started_on=dt.date(2025, 9, 15))
    PairingFactory(
        school=school,
        started_on=dt.date(2025, 6, 1),
        status=Pairing.Status.ENDED,
        ended_on=INSIDE,
        end_reason=Pairing.EndReason.MOVED_SCHOOL,
    )
    PairingFactory(school=school, started_on=OUTSIDE)
    # Waiting: accepted, no active pairing.
    ReferralFactory(school=school, referred_at=_at(INSIDE))
    ReferralFactory(school=school, status=Referral.Status.NEW, referred_at=_at(OUTSIDE))
    # Recruitment: two applications submitted inside, one offered inside, one interview.
    rnd = RecruitmentRoundFactory(school=school, academic_year=year, opens_on=FIRST, closes_on=LAST)
    ApplicationFactory(round=rnd, submitted_at=_at(INSIDE))
    ApplicationFactory(
        round=rnd,
        submitted_at=_at(INSIDE),
        status=Application.Status.OFFERED,
        offered_at=_at(INSIDE),
    )
    ApplicationFactory(round=rnd, submitted_at=_at(OUTSIDE))
    InterviewFactory(application__round=rnd, starts_at=_at(INSIDE), ends_at=_at(INSIDE, 11))
    # Training: two mentors of the year, one completed the module.
    module = TrainingModuleFactory(school=school, order=1, title="What a mentor does")
    done = MentorFactory(school=school, academic_year=year)
    MentorFactory(school=school, academic_year=year)
    ModuleCompletionFactory(mentor=done, module=module, completed_on=INSIDE)
    # Supervision: one session inside with one present and one absent; actions.
    session = SupervisionSessionFactory(school=school, held_on=INSIDE, week_of=INSIDE)
    SessionMentorFactory(session=session)
    SessionMentorFactory(session=session, attendance=SessionMentor.Attendance.ABSENT)
    ActionFactory(school=school, group=session.group, session=session, created_at=_at(INSIDE))
    ActionFactory(
        school=school,
        group=session.group,
        session=session,
        created_at=_at(INSIDE),
        closed_at=_at(INSIDE + dt.timedelta(days=2)),
        closed_by=session.group.coordinator,
    )
    # Safeguarding: acknowledged in 20 minutes, in 5 hours, never; one after the span.
    raised = _at(INSIDE)
    for minutes in (20, 300, None):
        ConcernFactory(
            school=school,
            created_at=raised,
            acknowledged_at=raised + dt.timedelta(minutes=minutes) if minutes else None,
            status=Concern.Status.ACKNOWLEDGED if minutes else Concern.Status.NEW,
            urgency=Concern.Urgency.NOW if minutes == 20 else Concern.Urgency.TODAY,
        )
    ConcernFactory(school=school, created_at=_at(OUTSIDE))
    # Outreach.
    TellUsReportFactory(school=school, created_at=_at(INSIDE))
    TellUsReportFactory(
        school=school, created_at=_at(INSIDE), category=TellUsReport.Category.ONLINE
    )
    PrimaryVisitFactory(school=school, visit_on=INSIDE, status=PrimaryVisit.Status.DONE)
    PrimaryVisitFactory(school=school, visit_on=INSIDE, status=PrimaryVisit.Status.CANCELLED)
    EventFactory(
        school=school,
        academic_year=year,
        starts_on=INSIDE,
        ends_on=INSIDE,
        reach=120,
        kind=Event.Kind.ANTI_BULLYING_WEEK,
    )
    EventFactory(school=school, academic_year=year, starts_on=OUTSIDE, ends_on=OUTSIDE)


EXPECTED = {
    "dropin_visits": 7,
    "pairings_active": 2,
    "pairings_started": 1,
    "pairings_ended": 1,
    "referrals_received": 1,
    "applications": 2,
    "offers": 1,
    "interviews": 1,
    "supervision_sessions": 1,
    "supervision_present": 1,
    "supervision_absent": 1,
    "actions_opened": 2,
    "actions_closed": 1,
    "concerns_raised": 3,
    "concerns_acknowledged_within_hour": 1,
    "concerns_not_acknowledged": 1,
    "tellus_reports": 2,
    "primary_visits": 1,
    "events": 1,
}


def test_each_figure_counts_its_own_school_inside_the_span_only():
    school, other, empty = SchoolFactory(), SchoolFactory(), SchoolFactory()
    _fill(school)
    _fill(other)
    span = figures.Span.for_dates(FIRST, LAST)
    report = figures.report(school, span)
    for key, value in EXPECTED.items():
        assert report.headline[key] == value, key
    # Waiting is today's queue, as matching finds it: accepted, and no active mentor.
    assert (
        report.mentees_waiting
        == Referral.objects.for_school(school)
        .in_queue()
        .exclude(pupil__in=Pairing.objects.active().values("mentee"))
        .count()
    )
    assert {r["reason"]: r["count"] for r in report.pairings_ended if r["count"]} == {
        "moved_school": 1
    }
    assert report.training[0]["completed"] == 1 and report.training[0]["mentors"] >= 2
    assert [r["count"] for r in report.concerns_speed] == [1, 1, 0, 1]
    assert {r["urgency"]: r["count"] for r in report.concerns_urgency}["now"] == 1
    assert {r["category"]: r["count"] for r in report.tellus if r["count"]} == {
        "name_calling": 1,
        "online": 1,
    }
    assert {r["kind"]: (r["count"], r["reach"]) for r in report.events if r["count"]} == {
        "anti_bullying_week": (1, 120)
    }
    assert {r["attendance"]: r["count"] for r in report.supervision if r["count"]} == {
        "present": 1,
        "absent": 1,
    }
    every = figures.by_school(School.objects.all(), span)
    assert every[school.pk] == report.headline == every[other.pk]
    assert set(every[empty.pk].values()) == {0}
    assert list(every[school.pk]) == list(figures.HEADLINE_KEYS)
    assert ModuleCompletion.objects.count() == 2


def test_by_school_takes_the_same_number_of_queries_for_one_school_or_many(
    django_assert_max_num_queries,
):
    schools = [SchoolFactory() for _ in range(4)]
    _fill(schools[0])
    span = figures.Span.for_dates(FIRST, LAST)
    with django_assert_max_num_queries(30) as one:
        figures.by_school(School.objects.filter(pk=schools[0].pk), span)
    for school in schools[1:]:
        _fill(school)
    with django_assert_max_num_queries(len(one.captured_queries)):
        figures.by_school(School.objects.all(), span)


def test_span_words():
    assert figures.Span(dt.date(2025, 9, 3), dt.date(2025, 12, 19), "").months == (
        "From September to December"
    )
    assert figures.Span(dt.date(2025, 9, 1), dt.date(2026, 8, 31), "").months == (
        "From September to August"
    )
    assert figures.Span(dt.date(2024, 9, 1), dt.date(2026, 3, 31), "").months == (
        "From September 2024 to March 2026"
    )
    assert figures.Span(dt.date(2025, 3, 2), dt.date(2025, 3, 20), "").months == "In March 2025"
    with pytest.raises(figures.SpanError):
        figures.Span.for_dates(dt.date(2020, 1, 1), dt.date(2025, 1, 1))
    with pytest.raises(figures.SpanError):
        figures.Span.for_dates(dt.date(2025, 1, 2), dt.date(2025, 1, 1))


def test_a_report_takes_the_same_number_of_queries_whatever_the_rows(
    django_assert_max_num_queries,
):
    empty, full = SchoolFactory(), SchoolFactory()
    AcademicYearFactory(school=empty, starts_on=FIRST, ends_on=dt.date(2026, 8, 31))
    _fill(full)
    span = figures.Span.for_dates(FIRST, LAST)
    with django_assert_max_num_queries(60) as few:
        figures.report(empty, span)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # + the mentors' names
        figures.report(full, span)


def test_by_school_is_one_query_however_many_schools_and_figures(django_assert_num_queries):
    # Each school a row, each table's figures one subquery of it: 17 queries before, and
    # 26 before that.
    schools = [SchoolFactory() for _ in range(2)]
    for school in schools:
        _fill(school)
    span = figures.Span.for_dates(FIRST, LAST)
    figures.by_school(School.objects.all(), span)  # built once per span and thread
    with django_assert_num_queries(1):
        every = figures.by_school(School.objects.all(), span)
    assert every[schools[0].pk] == every[schools[1].pk]
    assert every[schools[0].pk]["dropin_visits"] == 7


def test_the_built_query_of_a_span_never_keeps_its_results():
    # The query of a span is built once and reused: each use must read the rows again.
    school = SchoolFactory()
    _fill(school)
    span = figures.Span.for_dates(FIRST, LAST)
    before = figures.by_school(School.objects.filter(pk=school.pk), span)[school.pk]
    pairing = PairingFactory(school=school, started_on=FIRST)
    MeetingFactory(school=school, pairing=pairing, held_on=FIRST + dt.timedelta(days=7))
    after = figures.by_school(School.objects.filter(pk=school.pk), span)[school.pk]
    assert after["meetings_held"] == before["meetings_held"] + 1
    assert after["pairings_started"] == before["pairings_started"] + 1
    # Another span is another query: the day before the meeting holds none of it.
    earlier = figures.Span.for_dates(FIRST, FIRST + dt.timedelta(days=6))
    assert figures.by_school(School.objects.filter(pk=school.pk), earlier)[school.pk][
        "meetings_held"
    ] == figures.meetings_held(school, earlier)


def test_packed_figures_read_back_whatever_their_size():
    assert figures._unpacked(None, 3) == [0, 0, 0]
    assert figures._unpacked(None, 1) == [0]
    assert figures._unpacked(7, 1) == [7]
    assert figures._unpacked("0,123456789,12", 3) == [0, 123456789, 12]
