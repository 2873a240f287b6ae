"""Two offers accepted at the same moment never fill more places than the round has."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment import services
from peermentoring.recruitment.models import Application
from peermentoring.recruitment.services import offers
from tests.support import builders

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="SQLite locks the whole database for every write, so two accepts can never "
        "overlap there; the row lock is only tested where it matters: set DATABASE_URL "
        "to a PostgreSQL server.",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_accepts_at_the_same_moment_never_exceed_the_places(school, monkeypatch):
    from tests.support.factories import pupil_member

    round_ = builders.open_round_today(school, places=1)
    people = []
    for name in ("Ana", "Ben"):
        membership = pupil_member(school, Role.PUPIL, given_name=name, year_group=9)
        application = builders.application(
            school, Application.Status.OFFERED, pupil=membership.pupil
        )
        people.append((membership.user, application))
    builders.this_year(school)
    real_next_year = services.next_academic_year

    def slow_next_year(*args, **kwargs):
        # Hold the transaction open after the count, so the two accepts truly overlap.
        time.sleep(0.5)
        return real_next_year(*args, **kwargs)

    # Patched where accept_offer looks it up: the offers module, not the package.
    monkeypatch.setattr(offers, "next_academic_year", slow_next_year)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(user, application):
        try:
            start.wait()
            services.accept_offer(application=application, by=user)
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=person) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted(["accepted", services.NO_PLACES_LEFT])
    assert Application.objects.filter(round=round_, status="accepted").count() == 1
    assert Mentor.objects.filter(school=school).count() == 1
