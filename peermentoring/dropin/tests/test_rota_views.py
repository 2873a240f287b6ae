"""The rota's pages: building from the list, the grid with its reasons in words, one
opening's changes by hand, two coordinators at once, the mentor's own duties, the home pages
and the menu; wrong input refused without a server error; queries that do not grow.

The solver is the greedy stand-in (`use_greedy`, tests only): these test the pages.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peermentoring.core.models import Notification
from peermentoring.dropin import rota, rota_services
from peermentoring.dropin.models import Duty, Rota
from peermentoring.dropin.rota_plan import dated_opening, duty_key
from peermentoring.dropin.schedule import rooms_for
from peermentoring.dropin.tests.rota_support import (
    FRIDAY,
    MONDAY,
    in_term,
    trained_mentor,
    use_greedy,
    window,
)
from peermentoring.schools.models import Membership
from tests.support.meetings import at, year_2025

NAMES = ["Asha", "Ben", "Cara", "Dev", "Ella", "Finn"]


@pytest.fixture
def term(school, monkeypatch):
    in_term(school, monkeypatch)
    use_greedy(monkeypatch)
    return school


@pytest.fixture
def six(term):
    return [trained_mentor(term, name, account=True) for name in NAMES]


@pytest.fixture
def made(term, six, coordinator):
    return rota_services.build_rota(school=term, first=MONDAY, last=FRIDAY, by=coordinator)


def url(name, school, **kwargs):
    return reverse(f"dropin:{name}", kwargs={"school_slug": school.slug, **kwargs})


def opening_url(made, duty):
    return url("rota-opening", made.school, rota_pk=made.pk, key=duty_key(duty))


def text(response):
    return response.content.decode()


def flashes(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def account_of(mentor):
    return Membership.objects.get(pupil=mentor.pupil).user


# --- The list and building --------------------------------------------------------------


def test_the_list_offers_the_half_terms_and_terms_not_yet_over(term, coordinator, client_for):
    page = text(client_for(coordinator).get(url("rotas", term)))

    assert "Autumn 2, 2025: Monday 3 November to Friday 19 December" in page
    assert "Autumn term 2025" in page
    assert "Spring 1, 2026" in page
    assert "Autumn 1, 2025" not in page  # over
    assert "Other dates" in page


def test_the_coordinator_builds_a_rota_for_other_dates_and_sees_the_grid(
    term, six, coordinator, client_for
):
    client = client_for(coordinator)

    response = client.post(
        url("rotas", term),
        {"period": "other", "first": MONDAY.isoformat(), "last": FRIDAY.isoformat()},
        follow=True,
    )

    made = Rota.objects.get()
    assert response.redirect_chain[-1][0] == url("rota", term, rota_pk=made.pk)
    page = text(response)
    assert "Rota built: every opening has enough mentors on duty." in page
    assert "Rota: Monday 24 November to Friday 28 November 2025" in page
    assert "Draft: the mentors cannot see it yet" in page
    assert "Mon 24 Nov" in page and "Fri 28 Nov" in page
    assert six[0].pupil.full_name in page


def test_building_for_a_half_term_chosen_from_the_list(term, six, coordinator, client_for):
    client_for(coordinator).post(url("rotas", term), {"period": "2025-11-03:2025-12-19"})

    made = Rota.objects.get()
    assert (made.starts_on, made.ends_on) == (dt.date(2025, 11, 3), dt.date(2025, 12, 19))
    assert not Duty.objects.filter(held_on__lt=dt.date(2025, 11, 19)).exists()  # days gone by


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"period": "other"}, "Give the first and the last day"),
        ({"period": "other", "first": "2025-10-27", "last": "2025-10-31"}, "no school days"),
        ({"period": "other", "first": "2025-11-28", "last": "2025-11-24"}, "on or after the first"),
        ({"period": "other", "first": "99999-01-01", "last": "x" * 100_000}, "Enter a valid date"),
        ({"period": "2020-01-01:2020-02-01"}, "Select a valid choice"),
    ],
)
def test_dates_that_cannot_have_a_rota_are_refused_in_words(
    term, six, coordinator, client_for, data, words
):
    response = client_for(coordinator).post(url("rotas", term), data)

    assert response.status_code == 200
    assert words in text(response)
    assert not Rota.objects.exists()


def test_the_grid_says_why_openings_cannot_be_staffed(term, coordinator, client_for):
    trained_mentor(term, "Asha")
    made = rota_services.build_rota(school=term, first=MONDAY, last=FRIDAY, by=coordinator)

    page = text(client_for(coordinator).get(url("rota", term, rota_pk=made.pk)))

    assert "10 openings short of mentors" in page
    assert "Monday 24 November, break: only 1 mentor available" in page


def test_a_draft_is_built_again_at_once(made, coordinator, client_for):
    response = client_for(coordinator).post(
        url("rota-build", made.school, rota_pk=made.pk), {"version": made.version}
    )

    assert response.status_code == 302
    assert Rota.objects.get(pk=made.pk).version == made.version + 1


def test_building_a_published_rota_again_is_asked_first(made, coordinator, client_for):
    rota_services.publish_rota(rota=made, by=coordinator)
    made.refresh_from_db()
    client = client_for(coordinator)
    build_url = url("rota-build", made.school, rota_pk=made.pk)
    assert f'href="{build_url}"' in text(client.get(url("rota", made.school, rota_pk=made.pk)))

    asked = client.get(build_url)
    unconfirmed = client.post(build_url, {"version": made.version})

    assert "Build the rota again?" in text(asked)
    assert "from Monday 24 November to Friday 28 November" in text(
        asked
    )  # not today, Wednesday 19th's week
    assert "every mentor whose duties move gets a message" in text(asked)
    assert f'name="version" value="{made.version}"' in text(asked)
    assert "Build the rota again?" in text(unconfirmed)  # a bare POST only asks
    assert Rota.objects.get(pk=made.pk).version == made.version

    done = client.post(build_url, {"version": made.version, "confirmed": "1"})

    assert done.status_code == 302
    assert Rota.objects.get(pk=made.pk).version == made.version + 1


def test_asked_on_a_saturday_the_rebuild_runs_from_the_next_school_day(
    term, six, coordinator, client_for, monkeypatch
):
    made = rota_services.build_rota(
        school=term, first=dt.date(2025, 11, 17), last=FRIDAY, by=coordinator
    )
    at(monkeypatch, dt.datetime(2025, 11, 22, 10, 0))  # a Saturday

    asked = client_for(coordinator).get(url("rota-build", term, rota_pk=made.pk))

    assert "The duties from Monday 24 November to Friday 28 November" in text(asked)


def test_a_confirmed_build_of_a_rota_changed_since_is_refused(made, coordinator, client_for):
    rota_services.publish_rota(rota=made, by=coordinator)
    stale = made.version  # the version the confirm page was read at, before publishing

    response = client_for(coordinator).post(
        url("rota-build", made.school, rota_pk=made.pk),
        {"version": stale, "confirmed": "1"},
        follow=True,
    )

    assert any("while you had it open" in m for m in flashes(response))
    assert Rota.objects.get(pk=made.pk).version == stale + 1  # publishing's move only


# --- One opening: changes by hand ---------------------------------------------------------


def test_marking_an_absence_then_putting_someone_free_on_duty(term, made, coordinator, client_for):
    client = client_for(coordinator)
    duty = Duty.objects.filter(rota=made, held_on=MONDAY, window__kind="lunch").first()
    free_before = rota_services.who_else_is_free(
        rota=made, opening=dated_opening(term, duty_key(duty))
    )

    response = client.post(
        url("duty-absent", term, duty_pk=duty.pk), {"version": made.version}, follow=True
    )

    assert response.redirect_chain[-1][0] == opening_url(made, duty)
    page = text(response)
    assert f"{duty.mentor} is marked absent. Who else is free is below." in page
    assert "Absent (told us)" in page
    stand_in = free_before[0].mentor
    assert f"Put {stand_in} on duty" in page
    made.refresh_from_db()
    response = client.post(
        url("rota-place", term, rota_pk=made.pk),
        {"version": made.version, "opening": duty_key(duty), "mentor": stand_in.pk},
        follow=True,
    )
    assert f"{stand_in} is on duty then." in text(response)
    assert Duty.objects.get(
        rota=made, held_on=MONDAY, window__kind="lunch", mentor=stand_in
    ).is_locked


def test_a_refusal_is_shown_in_words_and_changes_nothing(term, made, coordinator, client_for):
    on_break = Duty.objects.filter(rota=made, held_on=MONDAY, window__kind="break").first()
    lunch = Duty.objects.filter(rota=made, held_on=MONDAY, window__kind="lunch").first()

    response = client_for(coordinator).post(
        url("rota-place", term, rota_pk=made.pk),
        {"version": made.version, "opening": duty_key(lunch), "mentor": on_break.mentor_id},
        follow=True,
    )

    assert (
        f"{on_break.mentor} is already on duty that day (break): one duty a day at most."
        in flashes(response)
    )
    assert Duty.objects.filter(rota=made).count() == 20


def test_the_second_of_two_coordinators_is_told_and_nothing_is_overwritten(
    term, made, coordinator, client_for
):
    duty = Duty.objects.filter(rota=made).first()
    read_at = made.version
    rota_services.lock_duty(duty=duty, locked=True, by=coordinator, version=read_at)

    response = client_for(coordinator).post(
        url("duty-lock", term, duty_pk=duty.pk), {"version": read_at, "locked": "0"}, follow=True
    )

    (message,) = flashes(response)
    assert message.startswith("Helen changed this rota at ")
    assert "make your change again if it is still needed" in message
    assert Duty.objects.get(pk=duty.pk).is_locked


def test_lock_swap_attendance_and_remove_through_the_pages(
    term, six, coordinator, client_for, monkeypatch
):
    monkeypatch.setattr(rota, "solve", lambda problem: rota.Answer(duties=[]))
    made = rota_services.build_rota(school=term, first=MONDAY, last=FRIDAY, by=coordinator)
    client = client_for(coordinator)

    def place(mentor, day, kind):
        opening = dated_opening(term, key_of(term, day, kind))
        return rota_services.place_duty(rota=made, opening=opening, mentor=mentor, by=None)[0]

    a = place(six[0], MONDAY, "break")
    b = place(six[1], dt.date(2025, 11, 25), "lunch")
    c = place(six[2], MONDAY, "lunch")

    client.post(url("duty-lock", term, duty_pk=a.pk), {"locked": "0"})
    assert not Duty.objects.get(pk=a.pk).is_locked
    client.post(url("duty-swap", term, duty_pk=a.pk), {"other": b.pk})
    assert Duty.objects.get(pk=a.pk).mentor == six[1]
    assert Duty.objects.get(pk=b.pk).mentor == six[0]
    at(monkeypatch, dt.datetime(2025, 11, 24, 15, 0))
    client.post(url("duty-attendance", term, duty_pk=a.pk), {"attendance": "done"})
    assert Duty.objects.get(pk=a.pk).attendance == Duty.Attendance.DONE
    confirm = client.get(url("duty-remove", term, duty_pk=c.pk))
    assert "Take this duty off the rota?" in text(confirm)
    client.post(url("duty-remove", term, duty_pk=c.pk))
    assert not Duty.objects.filter(pk=c.pk).exists()


def key_of(school, day, kind):
    room = school.rooms.get()
    return f"{room.pk}-{window(school, day.weekday(), kind).pk}-{day.isoformat()}"


def test_publishing_asks_once_then_tells_the_mentors(term, made, coordinator, client_for):
    client = client_for(coordinator)

    confirm = text(client.get(url("rota-publish", term, rota_pk=made.pk)))
    assert "Publish the rota?" in confirm
    assert "6 mentors on it will each get a message with their duties." in confirm
    client.post(url("rota-publish", term, rota_pk=made.pk), {"version": made.version})
    client.post(url("rota-publish", term, rota_pk=made.pk), {"version": made.version})

    assert Rota.objects.get().is_published
    assert Notification.objects.filter(title="You are on the drop-in rota").count() == 6


@pytest.mark.parametrize(
    ("field", "value"),
    [("mentor", "9" * 30), ("mentor", "-1"), ("mentor", "abc"), ("opening", "9" * 30)],
)
def test_nonsense_ids_in_a_form_are_a_404_not_a_server_error(
    term, made, coordinator, client_for, field, value
):
    duty = Duty.objects.filter(rota=made).first()
    data = {"opening": duty_key(duty), "mentor": duty.mentor_id, field: value}

    response = client_for(coordinator).post(url("rota-place", term, rota_pk=made.pk), data)

    assert response.status_code == 404
    assert Duty.objects.count() == 20


def test_another_schools_opening_in_the_form_is_a_404(
    term, made, other_school, coordinator, client_for
):
    year_2025(other_school)
    (room,) = rooms_for(other_school)
    theirs = f"{room.pk}-{window(other_school, 0, 'lunch').pk}-2025-11-24"
    mentor = trained_mentor(term, "Gus")

    response = client_for(coordinator).post(
        url("rota-place", term, rota_pk=made.pk), {"opening": theirs, "mentor": mentor.pk}
    )

    assert response.status_code == 404
    assert not Duty.objects.filter(room=room).exists()


def test_an_opening_outside_the_rota_or_made_up_is_a_404(term, made, coordinator, client_for):
    client = client_for(coordinator)
    duty = Duty.objects.filter(rota=made).first()
    next_week = duty_key(duty).replace("2025-11-24", "2025-12-01")

    assert client.get(url("rota-opening", term, rota_pk=made.pk, key=next_week)).status_code == 404
    assert client.get(url("rota-opening", term, rota_pk=made.pk, key="1-2-3")).status_code == 404


# --- The mentor's duties, home pages and menus -------------------------------------------------


def test_a_mentor_sees_their_published_duties_this_week_and_next_only(
    term, six, coordinator, client_for
):
    made = rota_services.build_rota(
        school=term,
        first=dt.date(2025, 11, 17),
        last=dt.date(2025, 12, 12),
        by=coordinator,
        since=dt.date(2025, 11, 17),
    )
    asha = six[0]
    client = client_for(account_of(asha))
    assert "No duties." in text(client.get(url("my-duties", term)))  # a draft is not shown

    rota_services.publish_rota(rota=made, by=coordinator)
    page = text(client.get(url("my-duties", term)))

    mine = Duty.objects.filter(mentor=asha)
    shown = [d for d in mine if d.held_on <= dt.date(2025, 11, 30)]
    assert shown
    for duty in shown:
        assert f"{duty.held_on:%A} {duty.held_on.day} {duty.held_on:%B}" in page
    later = mine.filter(held_on__gt=dt.date(2025, 11, 30)).count()
    assert f"And {later} more later this term." in page
    other = Duty.objects.exclude(mentor=asha).exclude(held_on__in=[d.held_on for d in mine]).first()
    assert f"{other.held_on:%A} {other.held_on.day} {other.held_on:%B}" not in page


def test_the_mentors_home_says_they_are_on_duty_today(
    term, six, coordinator, client_for, monkeypatch, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    made = rota_services.build_rota(school=term, first=MONDAY, last=FRIDAY, by=coordinator)
    duty = Duty.objects.filter(held_on=MONDAY, window__kind="lunch").first()
    at(monkeypatch, dt.datetime(2025, 11, 24, 8, 0))
    client = client_for(account_of(duty.mentor))
    home = reverse("schools:home", args=[term.slug])
    assert "On duty today" not in text(client.get(home))  # a draft is not theirs yet

    rota_services.publish_rota(rota=made, by=coordinator)
    page = text(client.get(home))

    assert "On duty today: lunch in the Peer Mentoring room" in page
    assert "Your next duty:" in page


def test_the_coordinators_home_lists_the_rota_to_build_then_to_publish(
    term, six, coordinator, client_for, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(coordinator)
    home = reverse("schools:home", args=[term.slug])
    assert "Drop-in rota for Autumn 2, 2025 not built" in text(client.get(home))

    made = rota_services.build_rota(
        school=term, first=dt.date(2025, 11, 1), last=dt.date(2025, 12, 19), by=coordinator
    )
    page = text(client.get(home))
    assert "Drop-in rota for Autumn 2, 2025 not published" in page
    assert "not built" not in page

    rota_services.publish_rota(rota=made, by=coordinator)
    Duty.objects.filter(held_on=dt.date(2025, 11, 20), window__kind="lunch").delete()
    page = text(client.get(home))
    assert "not published" not in page
    assert "2 drop-in duties unstaffed this week" in page


def test_the_menus_offer_the_rota_to_the_coordinator_and_my_duties_to_a_mentor(
    term, six, coordinator, client_for
):
    coordinator_page = text(client_for(coordinator).get(reverse("schools:home", args=[term.slug])))
    mentor_page = text(
        client_for(account_of(six[0])).get(reverse("schools:home", args=[term.slug]))
    )

    assert f'href="{url("rotas", term)}"' in coordinator_page
    assert f'href="{url("my-duties", term)}"' not in coordinator_page
    assert f'href="{url("my-duties", term)}"' in mentor_page
    assert f'href="{url("rotas", term)}"' not in mentor_page


# --- Queries that do not grow with the school ------------------------------------------------


def test_the_grid_and_an_opening_make_as_many_queries_for_twenty_mentors_as_for_six(
    term, six, coordinator, client_for, django_assert_max_num_queries
):
    client = client_for(coordinator)

    def pages():
        made = Rota.objects.get()
        duty = Duty.objects.filter(rota=made).first()
        return [url("rota", term, rota_pk=made.pk), opening_url(made, duty), url("rotas", term)]

    rota_services.build_rota(school=term, first=MONDAY, last=FRIDAY, by=coordinator)
    small = []
    for page in pages():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        small.append(len(queries))
    for n in range(14):
        trained_mentor(term, f"Extra{n}", windows=[(n % 5, "lunch")], experienced=n % 2 == 0)
    made = Rota.objects.get()
    rota_services.build_rota(
        school=term, first=MONDAY, last=FRIDAY, by=coordinator, version=made.version
    )

    for page, most in zip(pages(), small, strict=True):
        with django_assert_max_num_queries(most, info=page):
            assert client.get(page).status_code == 200
