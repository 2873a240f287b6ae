"""The notice board for staff to print, mentors' photos, screen and calendar links: what each
page shows, who it shows, and that its queries do not grow with the number of mentors."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peermentoring.core.models import AuditEntry
from peermentoring.core.roles import Role
from peermentoring.dropin import board, board_services
from peermentoring.dropin.models import CalendarFeed, MentorPhoto, Room, ScreenLink
from peermentoring.dropin.tests.board_support import (
    AUTUMN_2,
    TODAY,
    at_day,
    noisy_jpeg,
    on_duty,
    room_of,
    rota,
    trained_mentor,
    weekly,
)
from peermentoring.mentors.models import Mentor
from tests.support.factories import MembershipFactory, UserFactory, pupil_member


@pytest.fixture
def board_day(monkeypatch):
    return at_day(monkeypatch)


@pytest.fixture
def autumn_2(school, board_day):
    return rota(school)


def with_photo(mentor):
    board_services.record_photo_consent(mentor=mentor, by=None)
    upload = SimpleUploadedFile("p.jpg", noisy_jpeg((200, 200)), "image/jpeg")
    board_services.upload_photo(mentor=mentor, upload=upload, size=upload.size, by=None)


def board_url(school, paper: str = "") -> str:
    url = reverse("dropin:board", args=[school.slug])
    return f"{url}?paper={paper}" if paper else url


# --- What the board shows --------------------------------------------------------------------


def test_the_board_shows_each_mentor_on_the_rota_with_their_days(school, autumn_2, board_day):
    kwame = trained_mentor(school, "Kwame", form_group="10B")
    weekly(autumn_2, kwame, weekday=0, kind="lunch")
    weekly(autumn_2, kwame, weekday=3, kind="break")
    weekly(autumn_2, trained_mentor(school, "Lily", preferred_name="Lil", form_group="10C"), 2)

    shown = board.board_for(school, board_day)

    assert [(m.first_name, m.form_group, m.slots) for m in shown.mentors] == [
        ("Kwame", "10B", ["Monday lunch", "Thursday break"]),
        ("Lil", "10C", ["Wednesday lunch"]),
    ]
    assert (shown.first, shown.last) == (TODAY, AUTUMN_2[1])
    [room] = shown.rooms
    assert [(t.days, t.times) for t in room.opening_times] == [
        ("Monday to Friday", ["break 10:50 to 11:10", "lunch 12:50 to 13:35"])
    ]


def test_the_board_leaves_out_drafts_past_duties_absences_and_mentors_not_serving(
    school, autumn_2, board_day
):
    draft = rota(school, dt.date(2025, 11, 17), dt.date(2025, 12, 19), published=False)
    on_duty(draft, trained_mentor(school, "Draft"), dt.date(2025, 11, 24))
    on_duty(autumn_2, trained_mentor(school, "Before"), dt.date(2025, 11, 17))
    absent = on_duty(autumn_2, trained_mentor(school, "Absent"), dt.date(2025, 11, 24))
    absent.attendance = absent.Attendance.ABSENT
    absent.save()
    paused = trained_mentor(school, "Paused")
    Mentor.objects.filter(pk=paused.pk).update(status=Mentor.Status.PAUSED)
    on_duty(autumn_2, paused, dt.date(2025, 11, 24))
    on_duty(autumn_2, trained_mentor(school, "Shown"), dt.date(2025, 11, 24))

    shown = board.board_for(school, board_day)

    assert [m.first_name for m in shown.mentors] == ["Shown"]


def test_in_a_holiday_the_board_shows_the_next_published_rota(school, monkeypatch):
    kwame = trained_mentor(school, "Kwame")
    weekly(rota(school), kwame, weekday=4)
    day = at_day(monkeypatch, dt.date(2025, 10, 29))  # half-term

    shown = board.board_for(school, day)

    assert [m.slots for m in shown.mentors] == [["Friday lunch"]]
    assert shown.first == AUTUMN_2[0]


def test_with_no_rota_published_the_board_says_so(school, coordinator, client_for, board_day):
    response = client_for(coordinator).get(board_url(school))

    assert response.status_code == 200
    assert "The mentors' rota is not published yet." in response.text


def test_several_rooms_are_named_beside_each_duty(school, autumn_2, board_day):
    room_of(school)  # the default room, made first
    library = Room.objects.create(school=school, name="Library", order=5)
    kwame = trained_mentor(school, "Kwame")
    on_duty(autumn_2, kwame, dt.date(2025, 11, 24))
    on_duty(autumn_2, kwame, dt.date(2025, 11, 25), room=library)

    [shown] = board.board_for(school, board_day).mentors

    assert shown.slots == ["Monday lunch (Peer Mentoring room)", "Tuesday lunch (Library)"]


# --- The printable page ------------------------------------------------------------------------


def test_the_print_page_shows_photos_only_with_consent_and_initials_otherwise(
    school, coordinator, client_for, autumn_2
):
    kwame = trained_mentor(school, "Kwame")
    lily = trained_mentor(school, "Lily")
    for mentor in (kwame, lily):
        weekly(autumn_2, mentor, weekday=1)
    with_photo(kwame)
    # Lily's consent was recorded, a photo uploaded, then consent withdrawn.
    with_photo(lily)
    board_services.withdraw_photo_consent(mentor=lily, by=None)

    text = client_for(coordinator).get(board_url(school)).text

    assert reverse("dropin:photo", args=[school.slug, kwame.pk]) in text
    assert reverse("dropin:photo", args=[school.slug, lily.pk]) not in text
    assert re.search(r'class="board-avatar avatar-\d" aria-hidden="true">L</span>', text)


def test_the_print_page_offers_a4_and_a3_landscape(school, coordinator, client_for, board_day):
    client = client_for(coordinator)

    a4 = client.get(board_url(school)).text
    a3 = client.get(board_url(school, "a3")).text
    odd = client.get(board_url(school, "<script>")).text

    assert "dropin/board-a4.css" in a4 and "board-a3.css" not in a4
    assert 'href="?paper=a3">A3 landscape</a>' in a4
    assert "dropin/board-a3.css" in a3 and 'class="board-sheet paper-a3"' in a3
    assert "dropin/board-a4.css" in odd and "<script>" not in odd.split("<main")[1]


def test_the_page_size_of_each_paper_is_landscape():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    a4 = Path(finders.find("dropin/board-a4.css")).read_text()
    a3 = Path(finders.find("dropin/board-a3.css")).read_text()
    assert "size: A4 landscape" in a4
    assert "size: A3 landscape" in a3


def test_the_print_page_makes_the_same_queries_for_three_mentors_as_for_thirty(
    school, coordinator, client_for, autumn_2, django_assert_max_num_queries
):
    client = client_for(coordinator)

    def add(n):
        for i in range(n):
            mentor = trained_mentor(school, f"Mentor{i}", form_group=f"10{i % 5}")
            with_photo(mentor) if i % 2 else None
            weekly(autumn_2, mentor, weekday=i % 5, kind="lunch" if i % 3 else "break")

    add(3)
    client.get(board_url(school))  # the default room is made; the membership is cached
    with CaptureQueriesContext(connection) as few:
        client.get(board_url(school))
    three = len(few)  # read now: the capture is a window on a log that moves on
    add(27)
    client.get(board_url(school))
    with django_assert_max_num_queries(three):
        response = client.get(board_url(school))
    assert response.text.count('class="board-card"') == 30


# --- Photos pages ------------------------------------------------------------------------------


def test_the_photos_page_lists_this_years_mentors_with_their_consent(
    school, school_admin, client_for, board_day
):
    kwame = trained_mentor(school, "Kwame", family_name="Mensah")
    with_photo(kwame)
    trained_mentor(school, "Lily", family_name="Brown")

    text = client_for(school_admin).get(reverse("dropin:photos", args=[school.slug])).text

    assert "Kwame Mensah" in text and "Lily Brown" in text
    assert text.count("tag-good") == 1 and "Not recorded" in text
    assert reverse("dropin:photo", args=[school.slug, kwame.pk]) in text


def test_the_photos_page_makes_the_same_queries_for_two_mentors_as_for_twenty(
    school, school_admin, client_for, board_day, django_assert_max_num_queries
):
    client = client_for(school_admin)
    url = reverse("dropin:photos", args=[school.slug])
    for n in range(20):
        mentor = trained_mentor(school, f"Mentor{n}")
        if n % 2:
            with_photo(mentor)
        if n == 1:
            client.get(url)
            with CaptureQueriesContext(connection) as few:
                client.get(url)
            two = len(few)
    client.get(url)

    with django_assert_max_num_queries(two):
        text = client.get(url).text

    assert text.count("Consent and photo") == 20


def test_recording_consent_on_the_page(school, school_admin, client_for, board_day):
    kwame = trained_mentor(school, "Kwame")
    url = reverse("dropin:photo-edit", args=[school.slug, kwame.pk])

    response = client_for(school_admin).post(url, {"action": "consent"}, follow=True)

    assert "Photo consent for Kwame recorded." in response.text
    assert MentorPhoto.objects.get(mentor=kwame).consent_recorded_by == school_admin


def test_another_schools_mentor_is_404_on_the_photo_pages(
    school, other_school, coordinator, client_for
):
    theirs = trained_mentor(other_school, "Owen")
    with_photo(theirs)
    client = client_for(coordinator)

    assert (
        client.get(reverse("dropin:photo-edit", args=[school.slug, theirs.pk])).status_code == 404
    )
    assert client.get(reverse("dropin:photo", args=[school.slug, theirs.pk])).status_code == 404
    client.post(
        reverse("dropin:photo-edit", args=[school.slug, theirs.pk]),
        {"action": "withdraw", "confirmed": "yes"},
    )
    assert MentorPhoto.objects.get(mentor=theirs).shows


def test_a_mentor_cannot_fetch_a_photo(school, mentor, client_for):
    kwame = trained_mentor(school, "Kwame")
    with_photo(kwame)

    response = client_for(mentor).get(reverse("dropin:photo", args=[school.slug, kwame.pk]))

    assert response.status_code == 403


# --- Screens and calendars (staff) --------------------------------------------------------------


def test_a_screen_link_is_shown_once_when_made(school, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("dropin:screens", args=[school.slug])

    made = client.post(url, {"action": "make-screen", "label": "Year 7 corridor"})

    assert made.status_code == 200
    found = re.search(r"/s/oakbrook/dropin/screen/([A-Za-z0-9_-]{43})/", made.text)
    assert found
    token = found.group(1)
    assert "no-store" in made["Cache-Control"]
    listed = client.get(url).text
    assert "Year 7 corridor" in listed and token not in listed
    assert ScreenLink.objects.get().created_by == coordinator


def test_a_screen_with_no_name_is_refused_in_plain_words(school, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("dropin:screens", args=[school.slug]), {"action": "make-screen", "label": "  "}
    )

    assert response.status_code == 400
    assert "Say where the screen is" in response.text
    assert not ScreenLink.objects.exists()


def test_stopping_a_screen_link_asks_once(school, coordinator, client_for):
    made = board_services.create_screen_link(school=school, label="Hall", by=None)
    client = client_for(coordinator)
    url = reverse("dropin:screens", args=[school.slug])

    asked = client.post(url, {"action": "revoke-screen", "link": made.row.pk})
    assert "Stop the screen link for Hall?" in asked.text
    assert ScreenLink.objects.live().exists()

    client.post(url, {"action": "revoke-screen", "link": made.row.pk, "confirmed": "yes"})

    assert not ScreenLink.objects.live().exists()


def test_another_schools_link_or_feed_in_the_form_is_404_and_stays(
    school, other_school, coordinator, client_for
):
    link = board_services.create_screen_link(school=other_school, label="Hall", by=None).row
    feed = board_services.create_calendar_feed(
        school=other_school, room=Room.objects.create(school=other_school, name="Den"), by=None
    ).row
    client = client_for(coordinator)
    url = reverse("dropin:screens", args=[school.slug])

    a = client.post(url, {"action": "revoke-screen", "link": link.pk, "confirmed": "yes"})
    b = client.post(url, {"action": "revoke-feed", "feed": feed.pk, "confirmed": "yes"})
    c = client.post(url, {"action": "make-room-feed", "room": feed.room_id})
    d = client.post(url, {"action": "revoke-feed", "feed": "9" * 30})

    assert (a.status_code, b.status_code, c.status_code, d.status_code) == (404, 404, 404, 404)
    assert ScreenLink.objects.live().count() == 1
    assert CalendarFeed.objects.live().count() == 1


def test_a_room_calendar_link_is_made_and_stopped_from_the_screens_page(
    school, coordinator, client_for
):
    client = client_for(coordinator)
    url = reverse("dropin:screens", args=[school.slug])
    client.get(url)  # the default room is made
    room = Room.objects.for_school(school).get()

    made = client.post(url, {"action": "make-room-feed", "room": room.pk})

    assert "Calendar link for Peer Mentoring room" in made.text
    assert re.search(
        r"webcal://testserver/s/oakbrook/dropin/feed/[A-Za-z0-9_-]{43}\.ics", made.text
    )
    feed = CalendarFeed.objects.live().get(room=room)
    client.post(url, {"action": "revoke-feed", "feed": feed.pk, "confirmed": "yes"})
    assert not CalendarFeed.objects.live().exists()


def test_staff_see_and_stop_a_mentors_calendar_link(school, coordinator, client_for):
    kwame = trained_mentor(school, "Kwame", family_name="Mensah")
    feed = board_services.create_calendar_feed(school=school, mentor=kwame, by=None).row
    client = client_for(coordinator)
    url = reverse("dropin:screens", args=[school.slug])

    assert "Kwame Mensah" in client.get(url).text
    client.post(url, {"action": "revoke-feed", "feed": feed.pk, "confirmed": "yes"})

    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is not None
    assert AuditEntry.objects.filter(
        action="dropin.calendar_feed_revoked", actor=coordinator
    ).exists()


# --- The mentor's calendar link -----------------------------------------------------------------


@pytest.fixture
def kwame_signed_in(school, client_for):
    membership = pupil_member(school, Role.MENTOR, given_name="Kwame", year_group=10)
    mentor = trained_mentor(school, pupil=membership.pupil) if False else None
    from tests.support.factories import MentorFactory
    from tests.support.meetings import year_2025

    mentor = MentorFactory(
        school=school, pupil=membership.pupil, academic_year=year_2025(school), status="trained"
    )
    return mentor, client_for(membership.user)


def test_a_mentor_makes_a_calendar_link_and_sees_how_to_add_it(school, kwame_signed_in):
    mentor, client = kwame_signed_in
    url = reverse("dropin:my-calendar", args=[school.slug])

    made = client.post(url, {"action": "make"})

    assert made.status_code == 200
    assert re.search(
        r'href="webcal://testserver/s/oakbrook/dropin/feed/[A-Za-z0-9_-]{43}\.ics"', made.text
    )
    assert "Add to calendar" in made.text and "Subscribe" in made.text
    assert CalendarFeed.objects.live().get().mentor == mentor
    assert "You made a calendar link" in client.get(url).text


def test_a_new_calendar_link_stops_the_old_one(school, kwame_signed_in):
    mentor, client = kwame_signed_in
    url = reverse("dropin:my-calendar", args=[school.slug])
    client.post(url, {"action": "make"})
    first = CalendarFeed.objects.get()

    again = client.post(url, {"action": "make"})

    assert "The old link has stopped working." in again.text
    assert CalendarFeed.objects.live().count() == 1
    assert CalendarFeed.objects.get(pk=first.pk).revoked_at is not None


def test_a_mentor_stops_their_link_after_being_asked_once(school, kwame_signed_in):
    mentor, client = kwame_signed_in
    url = reverse("dropin:my-calendar", args=[school.slug])
    client.post(url, {"action": "make"})

    asked = client.post(url, {"action": "stop"})
    assert "Stop your calendar link?" in asked.text
    client.post(url, {"action": "stop", "confirmed": "yes"})

    assert not CalendarFeed.objects.live().exists()


def test_a_pupil_with_the_mentor_role_but_no_mentor_record_is_told_so(school, mentor, client_for):
    client = client_for(mentor)
    url = reverse("dropin:my-calendar", args=[school.slug])

    assert "not on this school's list of mentors" in client.get(url).text
    assert client.post(url, {"action": "make"}).status_code == 404
    assert not CalendarFeed.objects.exists()


# --- Menus ------------------------------------------------------------------------------------


def test_staff_menus_offer_the_board_pages_to_the_roles_that_may_open_them(school, client_for):
    def menu_of(role):
        user = MembershipFactory(user=UserFactory(), school=school, role=role).user
        return client_for(user).get(reverse("schools:home", args=[school.slug])).text

    coordinator = menu_of(Role.COORDINATOR)
    dsl = menu_of(Role.SAFEGUARDING_LEAD)

    for label in ("Notice board", "Mentor photos", "Screens and calendars"):
        assert label in coordinator
    assert "Notice board" in dsl and "Mentor photos" not in dsl


def test_a_screen_name_of_a_megabyte_is_refused_in_plain_words(school, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("dropin:screens", args=[school.slug]),
        {"action": "make-screen", "label": "corridor " * 120_000},
    )

    assert response.status_code == 400
    assert "Keep the screen" in response.text and "80 characters" in response.text
    assert not ScreenLink.objects.exists()


def test_an_unknown_action_changes_nothing(school, coordinator, client_for):
    kwame = trained_mentor(school, "Kwame")
    client = client_for(coordinator)

    a = client.post(reverse("dropin:screens", args=[school.slug]), {"action": "explode"})
    b = client.post(reverse("dropin:photo-edit", args=[school.slug, kwame.pk]), {"action": "x"})

    assert (a.status_code, b.status_code) == (302, 302)
    assert not ScreenLink.objects.exists() and not MentorPhoto.objects.exists()
