"""Two people saving one session at once, on two real connections: one save lands, the other
is told about it, and nothing of the first is overwritten."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from peermentoring.core.roles import Role
from peermentoring.schools.models import SchoolDayWindow
from peermentoring.supervision import services
from peermentoring.supervision.models import Session, SessionMentor
from peermentoring.supervision.services import MentorReport
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.meetings import at, pairing_in, window

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="SQLite locks the whole database for every write, so two saves can never "
        "overlap there (the stale-version refusal itself is tested on any database in "
        "test_sessions.py); set DATABASE_URL to a PostgreSQL server to run this.",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_of_two_saves_at_once_one_lands_and_the_other_is_told(school, monkeypatch):
    at(monkeypatch, dt.datetime(2025, 11, 19, 13, 0))
    helen, sunita = (UserFactory(first_name=name) for name in ("Helen", "Sunita"))
    for user in (helen, sunita):
        MembershipFactory(user=user, school=school, role=Role.COORDINATOR)
    pairing = pairing_in(school)
    group = services.create_group(
        school=school,
        name="Year 10",
        coordinator=helen,
        window=window(school, 1, SchoolDayWindow.Kind.LUNCH),
        members=[pairing.mentor],
        by=helen,
    )
    session = services.open_session(group=group, by=helen)
    real_write = services._write

    def slow_write(**kwargs):
        # Hold each transaction open after its version update, so the two saves overlap.
        real_write(**kwargs)
        time.sleep(0.5)

    monkeypatch.setattr(services, "_write", slow_write)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(user, words):
        try:
            start.wait()
            services.save_session(
                session=Session.objects.get(pk=session.pk),
                version=1,
                reports=[
                    MentorReport(
                        mentor_id=pairing.mentor_id,
                        attendance="present",
                        reported_meetings=None,
                        problems=words,
                    )
                ],
                by=user,
            )
            outcomes[user.first_name] = "saved"
        except ValidationError as error:
            outcomes[user.first_name] = error.messages[0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(helen, "Helen's notes")),
        threading.Thread(target=save, args=(sunita, "Sunita's notes")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values())[-1] == "saved", outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    loser = next(name for name in outcomes if name != winner)
    assert outcomes[loser].startswith(f"{winner} saved this session at"), outcomes
    assert SessionMentor.objects.get(session=session).problems == f"{winner}'s notes"
    assert Session.objects.get(pk=session.pk).version == 2
