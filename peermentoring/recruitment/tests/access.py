"""Who may reach each recruitment page (merged into schools/tests/test_access.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peermentoring.core.factories import UserFactory
from peermentoring.core.roles import Role
from peermentoring.core.testing import EVERYONE, GET, GET_POST, POST, SETUP, Access, ForeignPost
from peermentoring.recruitment.models import Application, Interview, RecruitmentRound
from peermentoring.recruitment.tests import builders
from peermentoring.schools.factories import MembershipFactory, PupilFactory

PANEL = frozenset(
    {Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.SCHOOL_ADMIN, Role.MENTOR, Role.PUPIL}
)


def _round(school, viewer):
    return {"round_pk": builders.open_round_today(school).pk}


def _application(school, viewer):
    return {"application_pk": builders.application(school).pk}


def _shortlisted(school, viewer):
    return {"application_pk": builders.application(school, Application.Status.SHORTLISTED).pk}


def _interview(school, viewer):
    return {"interview_pk": builders.interview_with(school, viewer).pk}


ACCESS = {
    "recruitment:round-list": Access(SETUP, None, GET),
    "recruitment:round-create": Access(SETUP, None, GET_POST),
    "recruitment:round-detail": Access(SETUP, _round, GET),
    "recruitment:round-edit": Access(SETUP, _round, GET_POST),
    "recruitment:round-scores": Access(SETUP, _round, GET),
    "recruitment:round-rank": Access(SETUP, _round, POST),
    "recruitment:round-offer": Access(SETUP, _round, GET_POST),
    "recruitment:apply": Access(EVERYONE, _round, GET_POST),
    "recruitment:offer-respond": Access(EVERYONE, _round, GET_POST),
    "recruitment:application-detail": Access(SETUP, _application, GET),
    "recruitment:application-shortlist": Access(SETUP, _application, POST),
    "recruitment:application-decline": Access(SETUP, _application, GET_POST),
    "recruitment:reference-request": Access(SETUP, _application, POST),
    "recruitment:interview-book": Access(SETUP, _shortlisted, GET_POST),
    "recruitment:consent-record": Access(SETUP, _application, POST),
    "recruitment:panel-list": Access(PANEL, None, GET),
    "recruitment:interview-score": Access(PANEL, _interview, GET_POST),
}


# --- Bodies naming another school's rows ------------------------------------------------


def _other_staff(other_school):
    user = UserFactory(first_name="Olwen")
    return MembershipFactory(user=user, school=other_school, role=Role.COORDINATOR).user


def _foreign_round_year(school, other_school, viewer):
    theirs = builders.this_year(other_school)
    today = timezone.localdate()

    def unchanged(response):
        assert response.status_code == 200  # the form refuses the year
        assert not RecruitmentRound.objects.filter(academic_year=theirs).exists()
        assert not RecruitmentRound.objects.for_school(school).exists()

    data = {
        "academic_year": theirs.pk,
        "title": "Peer mentors wanted",
        "year_group": 9,
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=7)).isoformat(),
        "places": 10,
        "questions_text": "Why?",
        "criteria_text": "Listening",
    }
    return ForeignPost({}, data, unchanged)


def _foreign_rank(school, other_school, viewer):
    ours = builders.application(school, Application.Status.INTERVIEW_BOOKED, rank=2)
    theirs = builders.application(other_school, Application.Status.INTERVIEW_BOOKED, rank=5)

    def unchanged(response):
        assert response.status_code == 302
        theirs.refresh_from_db()
        ours.refresh_from_db()
        assert theirs.rank == 5 and ours.rank == 2

    return ForeignPost({"round_pk": ours.round_id}, {f"rank_{theirs.pk}": "1"}, unchanged)


def _foreign_panel(school, other_school, viewer):
    application = builders.application(school, Application.Status.SHORTLISTED)
    staff = _other_staff(other_school)
    pupil = PupilFactory(school=other_school, given_name="Esme", year_group=11)
    builders.mentor_in(other_school, pupil=pupil, is_experienced=True)

    def unchanged(response):
        assert response.status_code == 200  # the form refuses both
        assert not Interview.objects.filter(application=application).exists()
        assert not Interview.objects.filter(staff_member=staff).exists()
        assert not pupil.interview_panels.exists()

    data = {
        "day": timezone.localdate().isoformat(),
        "starts": "10:52",
        "ends": "11:07",
        "location": "Room 12",
        "staff_member": staff.pk,
        "panel_pupils": [pupil.pk],
    }
    return ForeignPost({"application_pk": application.pk}, data, unchanged)


FOREIGN_POSTS = {
    "recruitment:round-create": _foreign_round_year,
    "recruitment:round-rank": _foreign_rank,
    "recruitment:interview-book": _foreign_panel,
}
NO_ROW_FIELDS = {
    "recruitment:round-edit",
    "recruitment:round-offer",
    "recruitment:apply",
    "recruitment:offer-respond",
    "recruitment:application-shortlist",
    "recruitment:application-decline",
    "recruitment:reference-request",
    "recruitment:consent-record",
    "recruitment:interview-score",
}
