"""When mentors can be on duty: the coordinator's grid (one mentor saved at a time) and the
mentor's own page; ticks from the application until times are saved."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peermentoring.dropin.models import DutyAvailability, RoomOpening
from peermentoring.dropin.tests.visits_support import WEDNESDAY, mentor_member, room_of, window
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import SchoolDayWindow
from tests.support.builders import application
from tests.support.factories import MentorFactory, PupilFactory
from tests.support.meetings import at


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return at(monkeypatch)  # Wednesday 19 November 2025


@pytest.fixture
def room(school):
    return room_of(school)


def applied(school, pupil, kinds):
    """The mentor's application said they could help at these kinds of time."""
    answer = application(school, pupil=pupil)
    answer.availability = kinds
    answer.save(update_fields=["availability"])


def grid(school):
    return reverse("dropin:availability", args=[school.slug])


def mine(school):
    return reverse("dropin:my-availability", args=[school.slug])


def row(page: str, mentor: Mentor) -> str:
    found = re.search(rf'<tr id="mentor-{mentor.pk}">.*?</tr>', page, re.S)
    assert found is not None
    return found.group(0)


def ticked(page: str, mentor: Mentor) -> set[str]:
    return set(re.findall(r'value="(\d+)" form="[^"]+" id="[^"]+" checked', row(page, mentor)))


def test_the_grid_shows_this_years_mentors_by_the_rooms_times(
    client_for, school, room, coordinator
):
    _, kwame = mentor_member(school, "Kwame")
    _, sara = mentor_member(school, "Sara", status=Mentor.Status.IN_TRAINING)
    _, paused = mentor_member(school, "Pat", status=Mentor.Status.PAUSED)
    last_year = MentorFactory(school=school, pupil=PupilFactory(school=school, given_name="Old"))

    page = client_for(coordinator).get(grid(school)).text

    assert f"mentor-{kwame.pk}" in page
    assert f"mentor-{sara.pk}" in page
    assert f"mentor-{paused.pk}" not in page
    assert f"mentor-{last_year.pk}" not in page
    columns = re.findall(r'data-label="([^"]+)"><input', row(page, kwame))
    assert columns[:3] == ["Monday break", "Monday lunch", "Tuesday break"]
    assert len(columns) == 10
    assert "Monday AM registration" not in columns  # the room is not open then
    assert 'data-label="Monday break"' in page  # cards on a phone


def test_ticks_come_from_the_application_until_times_are_saved(
    client_for, school, room, coordinator
):
    membership, kwame = mentor_member(school, "Kwame")
    applied(school, kwame.pupil, ["lunch"])
    _, sara = mentor_member(school, "Sara")
    DutyAvailability.objects.create(mentor=sara, window=window(school, WEDNESDAY, "break"))

    page = client_for(coordinator).get(grid(school)).text

    lunches = {
        str(pk)
        for pk in SchoolDayWindow.objects.filter(school=school, kind="lunch").values_list(
            "pk", flat=True
        )
    }
    assert ticked(page, kwame) == lunches
    assert "from their application" in row(page, kwame)
    assert ticked(page, sara) == {str(window(school, WEDNESDAY, "break").pk)}
    assert "from their" not in row(page, sara)


def test_saving_one_mentor_keeps_their_times_the_room_is_not_open_at(
    client_for, school, room, coordinator
):
    _, kwame = mentor_member(school, "Kwame")
    _, sara = mentor_member(school, "Sara")
    registration = window(school, WEDNESDAY, "am_registration")
    DutyAvailability.objects.create(mentor=kwame, window=registration)
    tuesday_lunch = SchoolDayWindow.objects.get(school=school, weekday=1, kind="lunch")

    response = client_for(coordinator).post(
        grid(school), {"mentor": kwame.pk, "windows": [tuesday_lunch.pk]}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#mentor-{kwame.pk}")
    assert set(DutyAvailability.objects.filter(mentor=kwame).values_list("window", flat=True)) == {
        tuesday_lunch.pk,
        registration.pk,
    }
    assert not DutyAvailability.objects.filter(mentor=sara).exists()


def test_another_schools_window_is_refused_and_nothing_saved(
    client_for, school, other_school, room, coordinator
):
    _, kwame = mentor_member(school, "Kwame")
    theirs = window(other_school, WEDNESDAY, "lunch")
    client = client_for(coordinator)

    response = client.post(grid(school), {"mentor": kwame.pk, "windows": [theirs.pk]}, follow=True)

    assert "Choose from your school&#x27;s break, lunch and registration times." in response.text
    assert not DutyAvailability.objects.exists()


@pytest.mark.parametrize("raw", ["999999999999999999999999999999", "abc", ""])
def test_a_mentor_id_that_is_not_this_years_is_a_404(client_for, school, room, coordinator, raw):
    response = client_for(coordinator).post(grid(school), {"mentor": raw})

    assert response.status_code == 404


def test_another_schools_mentor_is_a_404(client_for, school, other_school, room, coordinator):
    theirs = MentorFactory(school=other_school)

    response = client_for(coordinator).post(grid(school), {"mentor": theirs.pk})

    assert response.status_code == 404
    assert not DutyAvailability.objects.exists()


def test_the_grid_makes_as_many_queries_for_many_mentors(
    client_for, school, room, coordinator, django_assert_max_num_queries
):
    mentor_member(school, "Kwame")
    client = client_for(coordinator)
    client.get(grid(school))
    with CaptureQueriesContext(connection) as captured:
        client.get(grid(school))
    few = len(captured)
    for n in range(12):
        _, mentor = mentor_member(school, f"Mentor{n}")
        if n % 3 == 0:
            applied(school, mentor.pupil, ["break"])
        if n % 3 == 1:
            DutyAvailability.objects.create(
                mentor=mentor, window=window(school, WEDNESDAY, "lunch")
            )
    client.get(grid(school))

    with django_assert_max_num_queries(few):
        client.get(grid(school))


# --- The mentor's own page --------------------------------------------------------------------


def test_a_mentor_ticks_when_they_can_be_on_duty(client_for, school, room):
    membership, kwame = mentor_member(school, "Kwame")
    applied(school, kwame.pupil, ["break"])
    client = client_for(membership.user)
    page = client.get(mine(school)).text
    friday_lunch = SchoolDayWindow.objects.get(school=school, weekday=4, kind="lunch")

    response = client.post(mine(school), {"windows": [friday_lunch.pk]})

    assert "the ticks are from your application" in page
    monday_break = SchoolDayWindow.objects.get(school=school, weekday=0, kind="break")
    assert f'value="{monday_break.pk}" id="w-{monday_break.pk}" checked' in page
    assert response.status_code == 302
    assert list(DutyAvailability.objects.filter(mentor=kwame).values_list("window", flat=True)) == [
        friday_lunch.pk
    ]
    after = client.get(mine(school)).text
    assert "Saved when you can be on duty." in after
    assert "the ticks are" not in after


def test_a_pupil_who_is_not_a_mentor_this_year_is_told_so(client_for, school, room, mentor):
    page = client_for(mentor).get(mine(school))

    assert page.status_code == 200
    assert "You are not a peer mentor this year" in page.text
    assert client_for(mentor).post(mine(school), {"windows": []}).status_code == 200
    assert not DutyAvailability.objects.exists()


def test_with_no_room_times_every_switched_on_window_is_offered(client_for, school, room):
    RoomOpening.objects.all().delete()
    membership, _ = mentor_member(school, "Kwame")

    page = client_for(membership.user).get(mine(school)).text

    assert "AM registration" in page


def test_saving_no_times_is_refused_and_keeps_what_was_recorded(school):
    # A hostile review: none recorded means "as the application said", so unticking every
    # time used to put the mentor on duty at every time they gave when they applied.
    from django.core.exceptions import ValidationError

    from peermentoring.dropin.availability import set_availability
    from peermentoring.dropin.models import DutyAvailability
    from peermentoring.dropin.tests.visits_support import WEDNESDAY, mentor_member, window

    _, mentor = mentor_member(school)
    lunch = window(school, WEDNESDAY, "lunch")
    set_availability(mentor=mentor, windows=[lunch], by=None)

    with pytest.raises(ValidationError, match="Tick at least one time"):
        set_availability(mentor=mentor, windows=[], by=None)
    assert list(
        DutyAvailability.objects.filter(mentor=mentor).values_list("window", flat=True)
    ) == [lunch.pk]
