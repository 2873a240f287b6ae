"""Two coordinators confirming overlapping proposals at once: capacity and one mentor a mentee hold."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from peermentoring.matching import services
from peermentoring.matching.models import MatchRun, Pairing
from tests.support.builders import accepted_referral, make_mentor
from tests.support.factories import UserFactory

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="SQLite locks the whole database for every write, so two confirmations can "
        "never overlap there; the row locks are tested where they matter: set DATABASE_URL "
        "to a PostgreSQL server.",
    ),
    pytest.mark.django_db(transaction=True),
]


def proposal(*pairs) -> dict:
    return {
        "pairs": [
            {"referral": r.pk, "mentor_id": m.pk, "score": 1.0, "reasons": []} for r, m in pairs
        ]
    }


def confirm_both_at_once(runs, monkeypatch) -> list[str]:
    real_check = services.runs._check_pair

    def slow_check(*args, **kwargs):
        # Hold each transaction open after its checks, so the two confirmations truly overlap.
        real_check(*args, **kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(services.runs, "_check_pair", slow_check)
    start = threading.Barrier(len(runs))
    outcomes: list[str] = []

    def confirm(run, user):
        try:
            start.wait()
            services.confirm_run(run=run, by=user)
            outcomes.append("confirmed")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=confirm, args=(run, UserFactory(first_name=f"C{i}")))
        for i, run in enumerate(runs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_confirmations_never_give_a_mentee_two_active_mentors(school, monkeypatch):
    lily = accepted_referral(school)
    first, second = make_mentor(school), make_mentor(school)
    runs = [
        MatchRun.objects.create(school=school, proposal=proposal((lily, first))),
        MatchRun.objects.create(school=school, proposal=proposal((lily, second))),
    ]

    outcomes = confirm_both_at_once(runs, monkeypatch)

    assert sorted(outcomes) == sorted(
        ["confirmed", services.MENTEE_NOT_QUEUED.format(mentee=lily.child_name)]
    )
    assert Pairing.objects.active().filter(mentee=lily.pupil).count() == 1


def test_two_confirmations_never_fill_a_mentor_beyond_capacity(school, monkeypatch):
    lily, sam = accepted_referral(school), accepted_referral(school)
    kwame = make_mentor(school, capacity=1)
    runs = [
        MatchRun.objects.create(school=school, proposal=proposal((lily, kwame))),
        MatchRun.objects.create(school=school, proposal=proposal((sam, kwame))),
    ]

    outcomes = confirm_both_at_once(runs, monkeypatch)

    assert sorted(outcomes) == sorted(
        ["confirmed", services.MENTOR_FULL.format(mentor=kwame, capacity=1)]
    )
    assert Pairing.objects.active().filter(mentor=kwame).count() == 1
    # The refused confirmation left nothing behind: all or nothing.
    assert MatchRun.objects.filter(status=MatchRun.Status.CONFIRMED).count() == 1
