"""The meeting table's own guarantees, which the report's queries stand on."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from peermentoring.meetings.models import Meeting
from tests.support.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_a_meeting_status_outside_the_choices_is_refused_by_the_database():
    meeting = MeetingFactory()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Meeting.objects.filter(pk=meeting.pk).update(status="postponed")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HAPPENED


def test_the_constraint_lists_every_status_and_did_not_happen_every_other():
    # A new status must be added to the constraint (and a migration), or saving it fails;
    # `did_not_happen` lists the statuses instead of `!= happened` for the index.
    (known,) = [c for c in Meeting._meta.constraints if c.name == "meetings_status_known"]
    assert set(dict(known.condition.children)["status__in"]) == set(Meeting.Status.values)
    assert set(Meeting.NOT_HELD) == set(Meeting.Status.values) - {Meeting.Status.HAPPENED}


def test_did_not_happen_is_every_meeting_that_did_not_happen():
    happened = MeetingFactory()
    others = [
        MeetingFactory(
            school=happened.school,
            pairing=happened.pairing,
            window=happened.window,
            held_on=happened.held_on.replace(day=happened.held_on.day + n),
            status=status,
            minutes=None,
            mood=None,
        )
        for n, status in enumerate(Meeting.NOT_HELD, start=1)
    ]
    found = Meeting.objects.filter(school=happened.school).did_not_happen()
    assert set(found) == set(others)
    assert list(Meeting.objects.filter(school=happened.school).happened()) == [happened]
