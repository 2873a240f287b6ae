"""Every rule of logging a meeting, each refusal in plain words, through the service."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from peermentoring.meetings import services
from peermentoring.meetings.models import Meeting
from peermentoring.schools.models import SchoolDayWindow
from tests.support.meetings import at, pairing_in, window

BREAK, LUNCH, REG = (
    SchoolDayWindow.Kind.BREAK,
    SchoolDayWindow.Kind.LUNCH,
    SchoolDayWindow.Kind.AM_REGISTRATION,
)


@pytest.fixture
def pairing(school, monkeypatch):
    at(monkeypatch)
    return pairing_in(school)


def refusal(pairing, held_on, kind, weekday=None, **extra) -> str:
    slot = window(pairing.school, held_on.weekday() if weekday is None else weekday, kind)
    with pytest.raises(ValidationError) as caught:
        services.log_meeting(pairing=pairing, held_on=held_on, window=slot, by=None, **extra)
    return " ".join(caught.value.messages)


def test_a_meeting_at_lunch_on_a_teaching_day_is_logged(pairing):
    slot = window(pairing.school, 1, BREAK)
    meeting = services.log_meeting(
        pairing=pairing, held_on=dt.date(2025, 11, 18), window=slot, by=None, mood=4, minutes=15
    )
    assert meeting.happened and meeting.school_id == pairing.school_id


@pytest.mark.parametrize(
    ("held_on", "kind", "words"),
    [
        (dt.date(2025, 11, 20), BREAK, "has not happened yet"),
        (dt.date(2025, 11, 19), LUNCH, None),  # today's lunch has begun: allowed
        (dt.date(2025, 8, 20), BREAK, "school holidays"),
        (dt.date(2025, 10, 28), BREAK, "half-term"),
        (dt.date(2025, 11, 15), BREAK, "weekend"),
        (dt.date(2025, 9, 12), BREAK, "were not paired"),
    ],
)
def test_only_a_free_window_of_a_teaching_day_in_the_past(pairing, held_on, kind, words):
    if words is None:
        slot = window(pairing.school, held_on.weekday(), kind)
        services.log_meeting(pairing=pairing, held_on=held_on, window=slot, by=None)
        return
    weekday = min(held_on.weekday(), 4)
    assert words in refusal(pairing, held_on, kind, weekday=weekday)


def test_a_window_later_today_is_in_the_future(school, monkeypatch):
    at(monkeypatch, dt.datetime(2025, 11, 19, 10, 0))
    pairing = pairing_in(school)
    assert "has not started yet today" in refusal(pairing, dt.date(2025, 11, 19), LUNCH)


def test_the_window_must_be_on_that_weekday(pairing):
    assert "is a Tuesday, but Monday break" in refusal(
        pairing, dt.date(2025, 11, 18), BREAK, weekday=0
    )


def test_a_switched_off_window_is_no_time(pairing):
    slot = window(pairing.school, 1, REG)
    slot.is_active = False
    slot.save()
    assert "no longer has" in refusal(pairing, dt.date(2025, 11, 18), REG)


def test_another_schools_window_is_refused(pairing, other_school):
    slot = window(other_school, 1, BREAK)
    with pytest.raises(ValidationError, match="your school's"):
        services.log_meeting(pairing=pairing, held_on=dt.date(2025, 11, 18), window=slot, by=None)


def test_not_before_the_mentor_was_trained(school, monkeypatch):
    at(monkeypatch)
    pairing = pairing_in(school, started_on=dt.date(2025, 9, 4))
    assert "finished training on Wednesday 10 September 2025" in refusal(
        pairing, dt.date(2025, 9, 5), BREAK
    )


def test_one_meeting_per_pairing_window_and_day_and_a_double_submit_makes_one(pairing):
    slot = window(pairing.school, 1, BREAK)
    key = uuid.uuid4()
    day = dt.date(2025, 11, 18)
    first = services.log_meeting(
        pairing=pairing, held_on=day, window=slot, by=None, submission_key=key
    )
    again = services.log_meeting(
        pairing=pairing, held_on=day, window=slot, by=None, submission_key=key
    )
    assert again.pk == first.pk
    assert "already logged" in refusal(pairing, day, BREAK)
    assert Meeting.objects.count() == 1


def test_a_meeting_that_did_not_happen_keeps_no_mood_or_length(pairing):
    slot = window(pairing.school, 1, BREAK)
    meeting = services.log_meeting(
        pairing=pairing,
        held_on=dt.date(2025, 11, 18),
        window=slot,
        by=None,
        status=Meeting.Status.MENTEE_ABSENT,
        mood=5,
        minutes=10,
    )
    assert meeting.mood is None and meeting.minutes is None
