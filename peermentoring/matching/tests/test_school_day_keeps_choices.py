"""Changing the school day never destroys what mentors and referrers chose (issue #7, finding 5).

A blanked cell switches its window off: the window keeps its id and everyone's
choices, and comes back, choices and all, when the cell is filled again. A change
that touches chosen windows is confirmed first, with the number of people it affects.
"""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo

import pytest
from django.urls import reverse

from peermentoring.core.models import AuditEntry
from peermentoring.mentors.models import MentorFreeWindow
from peermentoring.referrals.models import Referral
from peermentoring.schools.calendar import default_term_dates, is_free_time, window_at
from peermentoring.schools.models import School, SchoolDayWindow
from peermentoring.schools.services import set_up_academic_year
from tests.support.builders import accepted_referral, make_mentor

pytestmark = pytest.mark.django_db

MONDAY, LUNCH = 0, SchoolDayWindow.Kind.LUNCH
LONDON = zoneinfo.ZoneInfo("Europe/London")


def url(name: str, school: School) -> str:
    return reverse(name, args=[school.slug])


def text(response) -> str:
    return html.unescape(response.content.decode())


def grid(client, school: School) -> dict[str, str]:
    """The school-day grid as the browser posts it back untouched."""
    form = client.get(url("schools:windows-edit", school)).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = value.strftime("%H:%M") if isinstance(value, dt.time) else (value or "")
    return data


def monday_lunch(school: School) -> SchoolDayWindow:
    return SchoolDayWindow.objects.get(school=school, weekday=MONDAY, kind=LUNCH)


@pytest.fixture
def choices(school):
    """Two mentors and a referral who chose Monday lunch (and a mentor who chose nothing)."""
    lunch = monday_lunch(school)
    mentors = [make_mentor(school), make_mentor(school)]
    for mentor in mentors:
        MentorFreeWindow.objects.create(mentor=mentor, window=lunch)
    make_mentor(school)
    referral = accepted_referral(school)
    referral.free_windows.add(lunch)
    return lunch, mentors, referral


def test_blanking_monday_lunch_asks_first_and_says_whose_choices_it_affects(
    client_for, school, school_admin, choices
):
    lunch, _, _ = choices
    client = client_for(school_admin)

    response = client.post(
        url("schools:windows-edit", school),
        {**grid(client, school), "0_lunch_start": "", "0_lunch_end": ""},
    )

    assert response.status_code == 200
    page = text(response)
    assert "Switching off Monday lunch affects 2 mentors' and 1 referral's free times." in page
    assert "Their choices are kept and come back if you switch it on again." in page
    assert 'name="confirm"' in page
    lunch.refresh_from_db()
    assert lunch.is_active
    assert not AuditEntry.objects.filter(action__startswith="window.").exists()


def test_moving_a_chosen_window_asks_first_too(client_for, school, school_admin, choices):
    lunch, _, _ = choices
    client = client_for(school_admin)

    response = client.post(
        url("schools:windows-edit", school),
        {**grid(client, school), "0_lunch_start": "12:30", "0_lunch_end": "13:15"},
    )

    assert response.status_code == 200
    assert "Moving Monday lunch to 12:30–13:15 affects 2 mentors' and 1 referral's" in text(
        response
    )
    lunch.refresh_from_db()
    assert lunch.start_time == dt.time(12, 50)


def test_blanking_and_restoring_monday_lunch_keeps_the_window_and_everyones_choice(
    client_for, school, school_admin, choices
):
    lunch, mentors, referral = choices
    client = client_for(school_admin)
    blanked = {**grid(client, school), "0_lunch_start": "", "0_lunch_end": ""}

    asked = client.post(url("schools:windows-edit", school), blanked)
    hidden = {name: value for name, value in asked.context["hidden"].items()}
    response = client.post(url("schools:windows-edit", school), hidden)

    assert response.status_code == 302
    lunch.refresh_from_db()
    assert not lunch.is_active
    assert "Monday" in text(client.get(url("schools:windows", school)))
    assert "No lunch" in text(client.get(url("schools:windows", school)))

    restored = {**grid(client, school), "0_lunch_start": "12:40", "0_lunch_end": "13:20"}
    response = client.post(url("schools:windows-edit", school), restored)

    assert response.status_code == 302
    again = monday_lunch(school)
    assert again.pk == lunch.pk
    assert again.is_active
    assert (again.start_time, again.end_time) == (dt.time(12, 40), dt.time(13, 20))
    assert set(MentorFreeWindow.objects.filter(window=again).values_list("mentor", flat=True)) == {
        m.pk for m in mentors
    }
    assert list(Referral.objects.get(pk=referral.pk).free_windows.all()) == [again]
    assert SchoolDayWindow.objects.for_school(school).count() == 15
    actions = list(
        AuditEntry.objects.filter(action__startswith="window.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["window.switched_off", "window.switched_on"]


def test_a_switched_off_window_is_not_free_time(client_for, school, school_admin):
    set_up_academic_year(
        school=school,
        name="2026–27",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 8, 31),
        terms=default_term_dates(2026),
        by=school_admin,
    )
    monday_at_one = dt.datetime(2026, 11, 9, 13, 0, tzinfo=LONDON)  # a teaching day
    assert window_at(school, monday_at_one) == monday_lunch(school)
    client = client_for(school_admin)

    client.post(
        url("schools:windows-edit", school),
        {**grid(client, school), "0_lunch_start": "", "0_lunch_end": ""},
    )

    assert not monday_lunch(school).is_active
    assert window_at(school, monday_at_one) is None
    assert not is_free_time(school, monday_at_one)


def test_an_unchosen_window_switches_off_without_asking(client_for, school, school_admin):
    client = client_for(school_admin)

    response = client.post(
        url("schools:windows-edit", school),
        {**grid(client, school), "1_break_start": "", "1_break_end": ""},
    )

    assert response.status_code == 302
    window = SchoolDayWindow.objects.get(school=school, weekday=1, kind="break")
    assert not window.is_active
