"""Who may reach each recruitment page (merged into schools/tests/test_access.py)."""

from __future__ import annotations

from peermentoring.core.roles import Role
from peermentoring.core.testing import EVERYONE, GET, GET_POST, POST, SETUP, Access
from peermentoring.recruitment.models import Application
from peermentoring.recruitment.tests import builders

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
    "recruitment:round-offer": Access(SETUP, _round, POST),
    "recruitment:apply": Access(EVERYONE, _round, GET_POST),
    "recruitment:offer-respond": Access(EVERYONE, _round, POST),
    "recruitment:application-detail": Access(SETUP, _application, GET),
    "recruitment:application-shortlist": Access(SETUP, _application, POST),
    "recruitment:application-decline": Access(SETUP, _application, POST),
    "recruitment:reference-request": Access(SETUP, _application, POST),
    "recruitment:interview-book": Access(SETUP, _shortlisted, GET_POST),
    "recruitment:consent-record": Access(SETUP, _application, POST),
    "recruitment:panel-list": Access(PANEL, None, GET),
    "recruitment:interview-score": Access(PANEL, _interview, GET_POST),
}
