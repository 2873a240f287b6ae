"""The session page shows each mentor's drop-in duties since the group's last session: done,
missed, absent or not recorded; the published rota's only, each duty in one session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peermentoring.dropin.models import Duty, Rota
from peermentoring.dropin.schedule import rooms_for
from peermentoring.schools.models import SchoolDayWindow
from peermentoring.supervision import services
from peermentoring.supervision.duties import duties_since_last_session, since_last_session
from peermentoring.supervision.models import Session
from tests.support.meetings import at, pairing_in, window

LUNCH = SchoolDayWindow.Kind.LUNCH


@pytest.fixture
def pairing(school, monkeypatch):
    at(monkeypatch)  # Wednesday 19 November 2025
    return pairing_in(school)


@pytest.fixture
def group(school, coordinator, pairing):
    return services.create_group(
        school=school,
        name="Year 10, Tuesday",
        coordinator=coordinator,
        window=window(school, 1, LUNCH),
        members=[pairing.mentor],
        by=coordinator,
    )


def rota(school, *, published=True):
    return Rota.objects.create(
        school=school,
        starts_on=dt.date(2025, 11, 3),
        ends_on=dt.date(2025, 12, 19),
        published_at=timezone.now() if published else None,
    )


def duty(made, mentor, day, kind, attendance=Duty.Attendance.EXPECTED):
    (room,) = rooms_for(made.school)
    return Duty.objects.create(
        school=made.school,
        rota=made,
        room=room,
        window=window(made.school, day.weekday(), kind),
        held_on=day,
        mentor=mentor,
        attendance=attendance,
    )


def test_the_session_page_shows_each_duty_since_the_last_session_done_or_missed(
    school, coordinator, group, pairing, client_for
):
    made = rota(school)
    mentor = pairing.mentor
    duty(made, mentor, dt.date(2025, 11, 10), "break", Duty.Attendance.DONE)
    duty(made, mentor, dt.date(2025, 11, 12), "lunch", Duty.Attendance.MISSED)
    duty(made, mentor, dt.date(2025, 11, 13), "break", Duty.Attendance.ABSENT)
    duty(made, mentor, dt.date(2025, 11, 17), "lunch")
    duty(made, mentor, dt.date(2025, 11, 7), "lunch", Duty.Attendance.DONE)  # before
    duty(made, mentor, dt.date(2025, 11, 20), "lunch")  # after this session
    session = services.open_session(group=group, by=coordinator)

    page = client_for(coordinator).get(
        reverse("supervision:session-detail", args=[school.slug, session.pk])
    )

    text = page.content.decode()
    assert (
        "Drop-in duties since the last session: Mon 10 Nov, break: done; Wed 12 Nov, lunch: "
        '<strong class="tag tag-bad">missed</strong>; Thu 13 Nov, break: absent (told us); '
        "Mon 17 Nov, lunch: not recorded." in text
    )
    assert "Fri 7 Nov" not in text and "Thu 20 Nov" not in text


def test_a_draft_rotas_duties_are_not_shown(school, coordinator, group, pairing):
    duty(rota(school, published=False), pairing.mentor, dt.date(2025, 11, 17), "lunch")
    session = services.open_session(group=group, by=coordinator)

    assert duties_since_last_session(session, [pairing.mentor_id]) == {}


def test_each_duty_shows_in_one_session_only(school, coordinator, group, pairing):
    last_week = Session.objects.create(
        school=school,
        group=group,
        week_of=dt.date(2025, 11, 10),
        held_on=dt.date(2025, 11, 11),
        led_by=coordinator,
    )
    session = services.open_session(group=group, by=coordinator)
    made = rota(school)
    duty(made, pairing.mentor, dt.date(2025, 11, 11), "break", Duty.Attendance.DONE)
    duty(made, pairing.mentor, dt.date(2025, 11, 12), "break", Duty.Attendance.DONE)

    assert since_last_session(last_week) == (dt.date(2025, 11, 3), dt.date(2025, 11, 11))
    assert since_last_session(session) == (dt.date(2025, 11, 12), dt.date(2025, 11, 18))
    (line,) = duties_since_last_session(session, [pairing.mentor_id])[pairing.mentor_id]
    assert line.held_on == dt.date(2025, 11, 12)
    (earlier,) = duties_since_last_session(last_week, [pairing.mentor_id])[pairing.mentor_id]
    assert earlier.held_on == dt.date(2025, 11, 11)
