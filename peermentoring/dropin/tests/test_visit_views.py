"""The visits pages: a mentor on duty records who came; two at once; the overview; the list;
the mentor's home link and the staff's figure."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peermentoring.core.roles import Role
from peermentoring.dropin.models import Duty, Room, RoomOpening, Visit
from peermentoring.dropin.tests.visits_support import (
    TUESDAY,
    WEDNESDAY,
    duty,
    mentor_member,
    room_of,
    rota,
    window,
)
from peermentoring.dropin.visit_services import VisitCounts, record_visit
from peermentoring.meetings.services import topics_for
from peermentoring.schools.models import Term
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.meetings import at


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return at(monkeypatch)  # Wednesday 19 November 2025, 13:00: lunch has begun


@pytest.fixture
def room(school):
    return room_of(school)


@pytest.fixture
def kwame(school):
    """A trained mentor on duty at lunch today, in a published rota."""
    membership, mentor = mentor_member(school)
    duty(school, mentor, WEDNESDAY)
    return membership


def visit_url(school, room, day=WEDNESDAY, kind="lunch"):
    lunch = window(school, day, kind)
    return (
        f"{reverse('dropin:visit', args=[school.slug])}?room={room.pk}&window={lunch.pk}&on={day}"
    )


def body(school, room, day=WEDNESDAY, kind="lunch", **fields):
    return {
        "room": room.pk,
        "window": window(school, day, kind).pk,
        "on": day.isoformat(),
        "version": 0,
        "year7": "3",
        "year8": "",
        "older": "",
    } | fields


def post(client, school, data):
    return client.post(reverse("dropin:visit", args=[school.slug]), data)


def test_the_mentor_on_duty_records_three_year_7s_and_goes_home(client_for, school, room, kwame):
    client = client_for(kwame.user)
    form = client.get(visit_url(school, room))
    topic = topics_for(school)[1]

    response = post(client, school, body(school, room, topics=[topic.pk]))

    assert form.status_code == 200
    assert 'inputmode="numeric"' in form.text
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:home", args=[school.slug])
    visit = Visit.objects.get()
    assert (visit.year7, visit.year8, visit.older) == (3, 0, 0)
    assert list(visit.topics.all()) == [topic]
    assert Duty.objects.get().attendance == Duty.Attendance.DONE
    home = client.get(response["Location"])
    assert "Saved: 3 people at lunch on Wednesday 19 November." in home.text


def test_with_no_opening_named_the_mentors_only_duty_opens_straight_away(
    client_for, school, room, kwame
):
    page = client_for(kwame.user).get(reverse("dropin:visit", args=[school.slug]))

    assert page.status_code == 200
    assert "Wednesday 19 November, lunch" in page.text
    assert 'name="year7"' in page.text


def test_a_mentor_with_no_duty_is_told_so(client_for, school, room):
    membership, mentor = mentor_member(school)
    _, sara = mentor_member(school, "Sara")
    duty(school, sara, WEDNESDAY)

    client = client_for(membership.user)
    chooser = client.get(reverse("dropin:visit", args=[school.slug]))
    refused = client.get(visit_url(school, room))
    response = post(client, school, body(school, room))

    assert "You have no duty in the drop-in room to record yet." in chooser.text
    assert "You are not on duty in Peer Mentoring room" in refused.text
    assert 'name="year7"' not in refused.text
    assert "You are not on duty in Peer Mentoring room" in response.text
    assert not Visit.objects.exists()


def test_a_mentor_chooses_among_duties_of_the_last_two_weeks(client_for, school, room):
    membership, mentor = mentor_member(school)
    the_rota = rota(school)
    duty(school, mentor, WEDNESDAY, rota=the_rota)
    duty(school, mentor, TUESDAY, "break", rota=the_rota)
    duty(school, mentor, dt.date(2025, 11, 20), rota=the_rota)  # tomorrow: not yet

    page = client_for(membership.user).get(reverse("dropin:visit", args=[school.slug]))

    listed = page.text.split('<ul class="plain-list">', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', listed)
    assert links == ["Wednesday 19 November, lunch", "Tuesday 18 November, break"]


def test_the_page_asks_before_the_window_has_begun(client_for, school, room, kwame, monkeypatch):
    at(monkeypatch, dt.datetime(2025, 11, 19, 12, 0))

    page = client_for(kwame.user).get(visit_url(school, room))

    assert "Lunch has not started yet today: record visitors once it has." in page.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("year7", "201", "Give a number from 0 to 200 for Year 7."),
        ("year8", "-1", "Give a number from 0 to 200 for Year 8."),
        ("older", "lots", "Give a number from 0 to 200 for Year 9 and above."),
        ("older", "9" * 30, "Give a number from 0 to 200 for Year 9 and above."),
        ("names", "x" * 501, "Please keep this to at most 500 characters (it has 501)."),
        ("topics", "999999999999999999999999999999", "Choose topics from the list."),
    ],
)
def test_bad_numbers_and_long_names_are_refused_in_words(
    client_for, school, room, kwame, field, value, message
):
    response = post(client_for(kwame.user), school, body(school, room, **{field: value}))

    assert response.status_code == 200
    assert message in response.text
    assert not Visit.objects.exists()


def test_the_second_mentor_sees_the_counts_saved_now_and_what_they_typed(
    client_for, school, room, kwame
):
    sara, mentor = mentor_member(school, "Sara")
    duty(school, mentor, WEDNESDAY)
    record_visit(
        room=room,
        window=window(school, WEDNESDAY, "lunch"),
        held_on=WEDNESDAY,
        counts=VisitCounts(3, 0, 0),
        by=kwame.user,
    )

    # Sara opened the form before Kwame saved: it still says version 0.
    response = post(client_for(sara.user), school, body(school, room, year7="2", year8="1"))

    assert response.status_code == 200
    assert "Kwame saved this while you were typing" in response.text
    assert "You had typed: Year 7 2, Year 8 1, Year 9 and above 0." in response.text
    assert re.search(r'name="year7" value="3"', response.text)
    assert re.search(r'name="version" value="1"', response.text)
    assert Visit.objects.get().year7 == 3


def test_a_double_submit_makes_one_visit(client_for, school, room, kwame):
    client = client_for(kwame.user)

    first = post(client, school, body(school, room))
    second = post(client, school, body(school, room))

    assert first.status_code == second.status_code == 302
    assert Visit.objects.count() == 1


def test_worried_about_someone_leads_to_the_safeguarding_lead_after_saving(
    client_for, school, room, kwame
):
    client = client_for(kwame.user)
    form = client.get(visit_url(school, room))

    response = post(client, school, body(school, room, worried="on"))

    concern = reverse("safeguarding:concern-raise", args=[school.slug])
    assert f'href="{concern}">I\'m worried about someone</a>' in form.text
    assert response["Location"] == concern
    assert Visit.objects.exists()
    assert "worried" not in str(Visit.objects.values().get())


def test_the_concern_form_takes_the_typed_name_of_a_drop_in_visitor(
    client_for, school, room, kwame
):
    page = client_for(kwame.user).get(reverse("safeguarding:concern-raise", args=[school.slug]))

    assert 'name="about_name"' in page.text


@pytest.mark.parametrize(
    "query",
    [
        "room=999999999999999999999999999999&window=1&on=2025-11-19",
        "room=abc&window=1",
        "room=1",
        "on=2025-13-45&room=1&window=1",
    ],
)
def test_nonsense_in_the_address_is_a_404(client_for, school, room, kwame, query):
    response = client_for(kwame.user).get(f"{reverse('dropin:visit', args=[school.slug])}?{query}")

    assert response.status_code == 404


def test_another_schools_room_or_window_is_a_404(client_for, school, other_school, room, kwame):
    theirs = room_of(other_school)
    their_lunch = window(other_school, WEDNESDAY, "lunch")
    client = client_for(kwame.user)

    in_url = client.get(visit_url(school, theirs))
    in_form = post(client, school, body(school, room, window=their_lunch.pk))

    assert in_url.status_code == in_form.status_code == 404
    assert not Visit.objects.exists()


def test_staff_choose_a_day_and_record_any_of_its_times(client_for, school, room, coordinator):
    client = client_for(coordinator)
    chooser = client.get(f"{reverse('dropin:visit', args=[school.slug])}?on=2025-11-18")

    response = post(client, school, body(school, room, TUESDAY, "break", year8="4"))

    assert "Tuesday 18 November, lunch" in chooser.text
    assert "Tuesday 18 November, break" in chooser.text
    assert response["Location"] == reverse("dropin:overview", args=[school.slug])
    assert Visit.objects.get().year8 == 4


# --- The overview and the list --------------------------------------------------------------


def test_the_overview_shows_the_week_who_is_on_duty_and_the_terms_visitors(
    client_for, school, room, kwame, coordinator
):
    record_visit(
        room=room,
        window=window(school, TUESDAY, "lunch"),
        held_on=TUESDAY,
        counts=VisitCounts(4, 2, 1),
        by=coordinator,
    )

    page = client_for(coordinator).get(reverse("dropin:overview", args=[school.slug]))

    assert page.status_code == 200
    text = page.text
    assert "This week, from 17 November" in text
    assert "Kwame Okafor" in text or "Kwame " in text  # on duty at Wednesday lunch
    assert re.search(r'id="term-visitors">7<', text)
    assert "<dt>Year 7</dt><dd>4</dd>" in text
    assert 'progress class="bar"' in text
    assert "style=" not in text


def test_the_overview_links_only_to_the_pages_the_role_may_open(
    client_for, school, room, coordinator, dsl
):
    rotas = reverse("dropin:rotas", args=[school.slug])
    board = reverse("dropin:board", args=[school.slug])

    theirs = client_for(coordinator).get(reverse("dropin:overview", args=[school.slug])).text
    hers = client_for(dsl).get(reverse("dropin:overview", args=[school.slug])).text

    assert f'href="{rotas}"' in theirs and f'href="{board}"' in theirs
    # The safeguarding lead sees the room and the board, not the rota (a 403 for her).
    assert f'href="{rotas}"' not in hers and f'href="{board}"' in hers


def test_the_overview_makes_as_many_queries_for_a_busy_term_as_a_quiet_one(
    client_for, school, room, coordinator, django_assert_max_num_queries
):
    client = client_for(coordinator)
    url = reverse("dropin:overview", args=[school.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    quiet = len(captured)
    second = Room.objects.create(school=school, name="Library corner", order=1)
    RoomOpening.objects.create(room=second, window=window(school, TUESDAY, "break"))
    the_rota = rota(school)
    for n in range(6):
        _, mentor = mentor_member(school, f"Mentor{n}")
        duty(school, mentor, WEDNESDAY, "break", rota=the_rota)
        duty(school, mentor, TUESDAY, "lunch", rota=the_rota)
    for day in (dt.date(2025, 11, d) for d in (3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 17, 18)):
        record_visit(
            room=room,
            window=window(school, day, "lunch"),
            held_on=day,
            counts=VisitCounts(2, 1, 0),
            by=None,
        )

    client.get(url)  # the membership is read again once, after the school changed

    with django_assert_max_num_queries(quiet):
        page = client.get(url)

    assert "Library corner" in page.text


def test_the_list_shows_a_terms_visits_with_names_for_staff(client_for, school, room, dsl):
    record_visit(
        room=room,
        window=window(school, TUESDAY, "lunch"),
        held_on=TUESDAY,
        counts=VisitCounts(1, 0, 0),
        names="Ava in 7C",
        by=None,
    )
    term = Term.objects.for_school(school).get(name="autumn", starts_on__year=2025)
    spring = Term.objects.for_school(school).get(name="spring", starts_on__year=2026)
    client = client_for(dsl)

    page = client.get(reverse("dropin:visits", args=[school.slug]))
    other_term = client.get(f"{reverse('dropin:visits', args=[school.slug])}?term={spring.pk}")

    assert f'value="{term.pk}" selected' in page.text
    assert "Ava in 7C" in page.text
    assert "Ava in 7C" not in other_term.text
    assert "No visitors recorded in this term." in other_term.text


def test_another_schools_term_in_the_list_is_a_404(client_for, school, other_school, coordinator):
    from tests.support.meetings import year_2025

    theirs = year_2025(other_school).terms.first()

    response = client_for(coordinator).get(
        f"{reverse('dropin:visits', args=[school.slug])}?term={theirs.pk}"
    )

    assert response.status_code == 404


# --- Home pages ----------------------------------------------------------------------------------


def test_the_mentor_on_duty_today_is_linked_to_the_visit_page_from_home(
    client_for, school, room, kwame
):
    home = client_for(kwame.user).get(reverse("schools:home", args=[school.slug]))

    lunch = window(school, WEDNESDAY, "lunch")
    assert "On duty today: lunch in the Peer Mentoring room" in home.text
    assert "Afterwards: record who came" in home.text
    assert f"room={room.pk}&amp;window={lunch.pk}&amp;on=2025-11-19" in home.text


def test_a_mentor_not_on_duty_today_gets_no_link(client_for, school, room):
    membership, mentor = mentor_member(school)
    duty(school, mentor, TUESDAY)

    home = client_for(membership.user).get(reverse("schools:home", args=[school.slug]))

    assert "On duty today" not in home.text and "record who came" not in home.text


def test_staff_home_pages_count_this_terms_drop_in_visitors(client_for, school, room, coordinator):
    record_visit(
        room=room,
        window=window(school, TUESDAY, "lunch"),
        held_on=TUESDAY,
        counts=VisitCounts(4, 2, 1),
        by=None,
    )
    lead = MembershipFactory(user=UserFactory(), school=school, role=Role.TRUST_LEAD).user

    page = client_for(coordinator).get(reverse("schools:home", args=[school.slug]))
    overview = reverse("dropin:overview", args=[school.slug])
    figure = re.search(
        r'<a class="stat" href="([^"]+)"><span class="stat-value">(\d+)</span>'
        r'<span class="stat-label">Drop-in visits this term</span>',
        page.text,
    )
    trust = client_for(lead).get(reverse("schools:home", args=[school.slug]))

    assert figure is not None and figure.groups() == (overview, "7")
    assert "Drop-in visits this term" in trust.text
    assert f'href="{overview}"' not in trust.text
