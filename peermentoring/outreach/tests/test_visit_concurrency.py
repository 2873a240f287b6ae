"""Two coordinators planning visits with the same mentor at the same time, on two real
connections: one visit is planned, the other is refused in words. The mentor cannot be
double-booked."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from peermentoring.core.roles import Role
from peermentoring.outreach import visit_services
from peermentoring.outreach.models import PrimaryVisit
from peermentoring.outreach.tests.visit_support import clock, plan, primary, trained
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.meetings import year_2025

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="SQLite runs one write transaction at a time (transaction_mode IMMEDIATE), so "
        "two plans can never overlap there (the clash itself is refused on any database in "
        "test_visit_services.py); set DATABASE_URL to a PostgreSQL server to run this.",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_coordinators_at_once_cannot_double_book_a_mentor(school, monkeypatch):
    clock(monkeypatch)
    year_2025(school)
    helen, sunita = (UserFactory(first_name=name) for name in ("Helen", "Sunita"))
    for user in (helen, sunita):
        MembershipFactory(user=user, school=school, role=Role.COORDINATOR)
    kwame = trained(school)
    meadowside, brookfield = primary(school), primary(school, "Brookfield")
    real_check = visit_services.able_to_mentor_ids

    def slow_check(mentors):
        # Hold each plan's transaction open once its mentors are locked, so the two overlap.
        found = real_check(mentors)
        time.sleep(0.5)
        return found

    monkeypatch.setattr(visit_services, "able_to_mentor_ids", slow_check)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def plan_as(user, where):
        try:
            start.wait()
            plan(school, user, primary=where, mentors=[kwame], starts_at=dt.time(13, 30))
            outcomes[user.first_name] = "planned"
        except ValidationError as error:
            outcomes[user.first_name] = " ".join(error.messages)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=plan_as, args=(helen, meadowside)),
        threading.Thread(target=plan_as, args=(sunita, brookfield)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()).count("planned") == 1, outcomes
    refused = next(words for words in outcomes.values() if words != "planned")
    assert "Kwame Mensah is already going to" in refused
    assert "a mentor cannot be in two places at once" in refused
    assert PrimaryVisit.objects.filter(mentors=kwame).count() == 1
