"""The events pages: the list, adding this year's Anti-Bullying Week, the form's refusals in
words, two editors at once, deleting after asking, tenancy in the address and the form; and
the coordinator's home to-do."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from peermentoring.core.registry import todo_items
from peermentoring.outreach.event_home import anti_bullying_week_items
from peermentoring.outreach.models import Event
from peermentoring.outreach.tests.outreach_support import (
    event,
    trained_mentor,
    year_2024,
    year_2025,
)
from peermentoring.schools.models import Membership
from tests.support.factories import MentorFactory, PupilFactory
from tests.support.meetings import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(monkeypatch, school):
    """Wednesday 1 October 2025: the autumn term, before Anti-Bullying Week."""
    at(monkeypatch, dt.datetime(2025, 10, 1, 10, 0))
    return year_2025(school)


def events_url(school) -> str:
    return reverse("outreach:events", args=[school.slug])


def add_url(school, query: str = "") -> str:
    return reverse("outreach:event-add", args=[school.slug]) + (f"?{query}" if query else "")


def body(**changes: object) -> dict[str, object]:
    return {
        "kind": "assembly",
        "name": "Year 7 assembly",
        "starts_on": "2025-10-08",
        "ends_on": "2025-10-08",
        "audience": "Year 7",
        "reach": "180",
        "notes": "",
    } | changes


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_this_years_events_then_past_years(school, coordinator, client_for, october):
    event(school, name="Open evening 2025", kind="open_evening")
    event(school, name="Celebration 2025", year=year_2024(school), kind="celebration")

    text = client_for(coordinator).get(events_url(school)).text

    this_year = text.index("This year, 2025–26")
    assert this_year < text.index("Open evening 2025") < text.index(">2024–25<")
    assert text.index(">2024–25<") < text.index("Celebration 2025")


def test_the_list_offers_this_years_anti_bullying_week_until_it_is_added(
    school, coordinator, client_for, october
):
    client = client_for(coordinator)
    offer = "Add this year's Anti-Bullying Week"

    text = client.get(events_url(school)).text
    assert offer in text
    assert "probably Monday 10 November to Friday 14 November 2025" in text
    assert f"?kind=anti_bullying_week&amp;year={october.pk}" in text

    event(school, kind=Event.Kind.ANTI_BULLYING_WEEK, name="Anti-Bullying Week 2025")
    assert offer not in client.get(events_url(school)).text


def test_other_staff_see_the_events_but_not_the_buttons_to_change_them(
    school, dsl, client_for, october
):
    made = event(school, name="Open evening 2025")

    text = client_for(dsl).get(events_url(school)).text
    detail = client_for(dsl).get(reverse("outreach:event", args=[school.slug, made.pk])).text

    assert "Open evening 2025" in text
    assert "Add an event" not in text and "Add this year's" not in text
    assert reverse("outreach:event-edit", args=[school.slug, made.pk]) not in detail
    assert reverse("outreach:event-delete", args=[school.slug, made.pk]) not in detail


# --- Adding -------------------------------------------------------------------------------


def test_the_anti_bullying_week_form_is_filled_in_with_its_name_kind_and_suggested_days(
    school, coordinator, client_for, october
):
    text = client_for(coordinator).get(add_url(school, "kind=anti_bullying_week")).text

    assert 'value="Anti-Bullying Week 2025"' in text
    assert re.search(r'<option value="anti_bullying_week" selected>', text)
    assert 'value="2025-11-10"' in text and 'value="2025-11-14"' in text
    assert "The dates below are a suggestion" in text


def test_adding_the_week_with_the_coordinators_own_dates(school, coordinator, client_for, october):
    kwame = trained_mentor(school, "Kwame")

    response = client_for(coordinator).post(
        add_url(school, "kind=anti_bullying_week"),
        body(
            kind="anti_bullying_week",
            name="Anti-Bullying Week 2025",
            starts_on="2025-11-17",
            ends_on="2025-11-21",
            reach="1100",
            mentors=[kwame.pk],
        ),
        follow=True,
    )

    assert "Anti-Bullying Week 2025 added." in response.text
    week = Event.objects.get()
    assert (week.starts_on, week.ends_on, week.academic_year) == (
        dt.date(2025, 11, 17),
        dt.date(2025, 11, 21),
        october,
    )
    assert list(week.mentors.all()) == [kwame]


def test_a_second_week_is_refused_in_words_on_the_form(school, coordinator, client_for, october):
    event(
        school,
        kind=Event.Kind.ANTI_BULLYING_WEEK,
        name="Anti-Bullying Week 2025",
        starts_on=dt.date(2025, 11, 10),
        ends_on=dt.date(2025, 11, 14),
    )

    response = client_for(coordinator).post(
        add_url(school), body(kind="anti_bullying_week", name="ABW again")
    )

    assert response.status_code == 400
    assert (
        "2025–26 already has its Anti-Bullying Week (Anti-Bullying Week 2025, 10 to 14 "
        "November 2025)" in response.text
    )
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"starts_on": "2024-10-08"}, "Choose a day within the academic year 2025–26"),
        ({"ends_on": "2025-10-01"}, "The last day must be on or after the first day."),
        ({"starts_on": "99999-01-01"}, "Enter a real date, for example 10 November 2025."),
        (
            {"reach": "1" * 30},
            "Give the number of people reached as a whole number from 0 to 5,000.",
        ),
        ({"reach": "5001"}, "Give the number of people reached as a whole number from 0 to 5,000."),
        ({"reach": "lots"}, "Give the number of people reached as a whole number from 0 to 5,000."),
        ({"notes": "x" * 5000}, "Please keep this to at most 4,000 characters (it has 5,000)."),
        ({"name": "x" * 2000}, "Keep the event&#x27;s name to 150 characters."),
        ({"mentors": ["9" * 30]}, "Choose mentors from the list"),
    ],
)
def test_bad_input_is_refused_in_words(school, coordinator, client_for, october, changes, said):
    response = client_for(coordinator).post(add_url(school), body(**changes))

    assert response.status_code == 400
    assert said in response.text
    assert not Event.objects.exists()


def test_the_form_lists_only_this_schools_mentors_serving_that_year(
    school, other_school, coordinator, client_for, october
):
    trained_mentor(school, "Kwame")
    MentorFactory(
        school=school,
        pupil=PupilFactory(school=school, given_name="Ines", year_group=11),
        academic_year=year_2024(school),
    )
    MentorFactory(
        school=school,
        pupil=PupilFactory(school=school, given_name="Stefan", year_group=10),
        academic_year=october,
        status="stepped_down",
    )
    trained_mentor(other_school, "Owen")

    text = client_for(coordinator).get(add_url(school)).text

    assert "Kwame" in text
    assert "Ines" not in text and "Stefan" not in text and "Owen" not in text


def test_another_schools_mentor_in_the_form_is_refused(
    school, other_school, coordinator, client_for, october
):
    theirs = trained_mentor(other_school, "Owen")

    response = client_for(coordinator).post(add_url(school), body(mentors=[theirs.pk]))

    assert response.status_code == 400
    assert "Choose mentors from the list" in response.text
    assert not Event.objects.exists()


def test_another_schools_year_in_the_address_is_404(
    school, other_school, coordinator, client_for, october
):
    theirs = year_2025(other_school)

    response = client_for(coordinator).get(add_url(school, f"year={theirs.pk}"))

    assert response.status_code == 404
    assert client_for(coordinator).get(add_url(school, "year=" + "9" * 40)).status_code == 404


def test_adding_to_last_year(school, coordinator, client_for, october):
    last = year_2024(school)

    client_for(coordinator).post(
        add_url(school, f"year={last.pk}"),
        body(name="Celebration", kind="celebration", starts_on="2025-07-10", ends_on="2025-07-10"),
    )

    assert Event.objects.get().academic_year == last


def test_the_same_form_sent_twice_adds_one_event(school, coordinator, client_for, october):
    client = client_for(coordinator)
    key = re.search(
        r'name="submission_key" value="([^"]+)"', client.get(add_url(school)).text
    ).group(1)

    client.post(add_url(school), body(submission_key=key))
    client.post(add_url(school), body(submission_key=key))

    assert Event.objects.count() == 1


def test_without_an_academic_year_the_page_says_what_to_do(
    school, coordinator, client_for, monkeypatch
):
    at(monkeypatch, dt.datetime(2025, 10, 1, 10, 0))

    response = client_for(coordinator).get(add_url(school))

    assert response.status_code == 200
    assert "Set up the school's academic year" in response.text


# --- Changing ------------------------------------------------------------------------------


def edit_url(school, made) -> str:
    return reverse("outreach:event-edit", args=[school.slug, made.pk])


def test_two_editors_the_second_is_shown_the_first_ones_change(
    school, coordinator, school_admin, client_for, october
):
    made = event(school)
    helen = client_for(coordinator)
    helen.get(edit_url(school, made))
    helen.post(edit_url(school, made), body(reach="210", version="1"))
    gareth = Client()
    gareth.force_login(school_admin, backend="peermentoring.core.auth.EmailOrUsernameBackend")

    response = gareth.post(edit_url(school, made), body(reach="999", version="1"))

    assert response.status_code == 400
    assert "Helen changed this event at" in response.text
    assert "As saved now" in response.text
    assert 'name="version" value="2"' in response.text  # saving again now works
    made.refresh_from_db()
    assert made.reach == 210
    again = gareth.post(edit_url(school, made), body(reach="999", version="2"))
    assert again.status_code == 302
    made.refresh_from_db()
    assert made.reach == 999


def test_another_schools_event_is_404(school, other_school, coordinator, client_for, october):
    theirs = event(other_school)
    client = client_for(coordinator)

    for name in ("outreach:event", "outreach:event-edit", "outreach:event-delete"):
        assert client.get(reverse(name, args=[school.slug, theirs.pk])).status_code == 404
    assert client.post(edit_url(school, theirs), body(version="1")).status_code == 404


# --- Deleting ------------------------------------------------------------------------------


def test_deleting_asks_once_then_deletes(school, coordinator, client_for, october):
    made = event(school, name="Open evening")
    url = reverse("outreach:event-delete", args=[school.slug, made.pk])
    client = client_for(coordinator)

    asked = client.get(url)
    assert "Delete Open evening?" in asked.text and Event.objects.exists()

    done = client.post(url, follow=True)
    assert "Open evening deleted." in done.text
    assert not Event.objects.exists()


# --- The coordinator's to-do ---------------------------------------------------------------


def coordinator_todos(school, coordinator) -> list[str]:
    membership = Membership.objects.get(school=school, user=coordinator)
    return [item.label for item in todo_items(membership)]


def test_the_coordinator_is_asked_to_add_the_week_in_the_autumn_term(school, coordinator, october):
    labels = coordinator_todos(school, coordinator)

    assert "Add this year's Anti-Bullying Week (usually the week of Monday 10 November)" in labels


def test_the_to_do_goes_once_the_week_is_added(school, coordinator, october):
    event(school, kind=Event.Kind.ANTI_BULLYING_WEEK, name="Anti-Bullying Week 2025")

    assert not [t for t in coordinator_todos(school, coordinator) if "Anti-Bullying" in t]


@pytest.mark.parametrize(
    "moment",
    [dt.datetime(2025, 11, 17, 9, 0), dt.datetime(2026, 2, 2, 9, 0), dt.datetime(2026, 6, 1, 9, 0)],
)
def test_no_to_do_after_the_week_or_outside_the_autumn_term(
    school, coordinator, monkeypatch, moment
):
    year_2025(school)
    at(monkeypatch, moment)

    assert not [t for t in coordinator_todos(school, coordinator) if "Anti-Bullying" in t]


def test_other_staff_have_no_such_to_do(school, dsl, october):
    membership = Membership.objects.get(school=school, user=dsl)

    assert not [t for t in todo_items(membership) if "Anti-Bullying" in t.label]


@pytest.mark.parametrize(
    ("moment", "most"),
    [(dt.datetime(2025, 10, 1, 10, 0), 1), (dt.datetime(2026, 2, 2, 9, 0), 0)],
)
def test_the_to_do_costs_one_query_in_the_autumn_and_none_otherwise(
    school, coordinator, monkeypatch, moment, most, django_assert_max_num_queries
):
    year_2025(school)
    at(monkeypatch, moment)
    membership = Membership.objects.select_related("school").get(school=school, user=coordinator)
    anti_bullying_week_items(membership)  # the page's address is worked out once

    with django_assert_max_num_queries(most):
        anti_bullying_week_items(membership)
