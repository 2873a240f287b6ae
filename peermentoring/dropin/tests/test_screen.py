"""The corridor screen: the notice board from a secret link, without signing in. It shows the
board and nothing more, sets no cookie, and a stopped, unknown or other school's link is 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peermentoring.core.models import AuditEntry
from peermentoring.dropin import board_services
from peermentoring.dropin.models import ScreenLink
from peermentoring.dropin.tests.board_support import (
    TODAY,
    at_day,
    noisy_jpeg,
    on_duty,
    rota,
    trained_mentor,
    weekly,
)
from tests.support.builders import accepted_referral
from tests.support.factories import PairingFactory


@pytest.fixture
def board_day(monkeypatch):
    return at_day(monkeypatch)


@pytest.fixture
def kwame(school, board_day):
    mentor = trained_mentor(school, "Kwame", family_name="Mensah", form_group="10B")
    weekly(rota(school), mentor, weekday=0, kind="lunch")
    return mentor


def screen_url(school, token: str) -> str:
    return reverse("dropin:screen", args=[school.slug, token])


def with_photo(mentor, by=None):
    board_services.record_photo_consent(mentor=mentor, by=by)
    upload = SimpleUploadedFile("p.jpg", noisy_jpeg(), "image/jpeg")
    board_services.upload_photo(mentor=mentor, upload=upload, size=upload.size, by=by)


def test_the_screen_shows_the_board_without_signing_in(school, kwame, client):
    made = board_services.create_screen_link(school=school, label="Year 7 corridor", by=None)

    response = client.get(screen_url(school, made.token))

    assert response.status_code == 200
    text = response.text
    assert "Kwame" in text and "10B" in text and "Monday lunch" in text
    assert "Monday to Friday:" in text and "lunch 12:50 to 13:35" in text
    assert '<meta http-equiv="refresh" content="600">' in text


def test_the_screen_sets_no_cookie_and_asks_for_no_referrer_and_no_index(school, kwame, client):
    made = board_services.create_screen_link(school=school, label="Year 7 corridor", by=None)

    response = client.get(screen_url(school, made.token))

    assert response.status_code == 200
    assert not response.cookies  # no session, no CSRF cookie
    assert "sessionid" not in client.cookies
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]


def test_the_screen_names_no_mentee_no_surname_and_links_nowhere(school, kwame, client):
    mentee = accepted_referral(school, given_name="Evangeline", family_name="Thistlewood").pupil
    PairingFactory(school=school, mentor=kwame, mentee=mentee)
    made = board_services.create_screen_link(school=school, label="Year 7 corridor", by=None)

    text = client.get(screen_url(school, made.token)).text

    assert "Evangeline" not in text and "Thistlewood" not in text
    assert "Mensah" not in text
    assert "<a " not in text and "<form" not in text
    assert "csrf" not in text.lower()


def test_todays_duties_are_on_the_screen(school, kwame, client, board_day):
    lily = trained_mentor(school, "Lily", form_group="10C")
    the_rota = kwame.duties.first().rota
    on_duty(the_rota, lily, board_day, "break")
    made = board_services.create_screen_link(school=school, label="Hall", by=None)

    text = client.get(screen_url(school, made.token)).text

    assert "In the room today" in text
    assert "Break, 10:50 to 11:10:</strong> Lily" in text


def test_a_stopped_link_is_404(school, kwame, client):
    made = board_services.create_screen_link(school=school, label="Year 7 corridor", by=None)
    url = screen_url(school, made.token)
    assert client.get(url).status_code == 200

    board_services.revoke_screen_link(link=made.row, by=None)

    gone = client.get(url)
    assert gone.status_code == 404
    assert "This link does not work" in gone.text
    assert not gone.cookies
    assert gone["Referrer-Policy"] == "no-referrer"


def test_another_schools_token_with_this_schools_address_is_404(school, other_school, client):
    theirs = board_services.create_screen_link(school=other_school, label="Hall", by=None)

    assert client.get(screen_url(other_school, theirs.token)).status_code == 200
    assert client.get(screen_url(school, theirs.token)).status_code == 404


def test_an_unknown_or_absurd_token_is_404(school, client):
    assert client.get(screen_url(school, "A" * 43)).status_code == 404
    assert client.get(screen_url(school, "A" * 300)).status_code == 404
    nowhere = reverse("dropin:screen", args=["no-such-school", "A" * 43])
    assert client.get(nowhere).status_code == 404


def test_the_screen_notes_when_it_was_last_used_without_an_audit_entry(school, kwame, client):
    made = board_services.create_screen_link(school=school, label="Hall", by=None)
    audit = AuditEntry.objects.count()

    client.get(screen_url(school, made.token))

    assert ScreenLink.objects.get().last_used_at is not None
    assert AuditEntry.objects.count() == audit


def test_making_a_link_for_the_same_screen_stops_the_old_one(school, client):
    old = board_services.create_screen_link(school=school, label="Hall", by=None)

    new = board_services.create_screen_link(school=school, label="  hall ", by=None)

    assert new.stopped == 1
    assert client.get(screen_url(school, old.token)).status_code == 404
    assert client.get(screen_url(school, new.token)).status_code == 200
    assert ScreenLink.objects.live().count() == 1


# --- Photos through the screen link ---------------------------------------------------------


def photo_url(school, token: str, mentor) -> str:
    return reverse("dropin:screen-photo", args=[school.slug, token, mentor.pk])


def test_the_screen_shows_a_photo_only_with_consent(school, kwame, client):
    lily = trained_mentor(school, "Lily", form_group="10C")
    weekly(kwame.duties.first().rota, lily, weekday=1)
    with_photo(kwame)
    made = board_services.create_screen_link(school=school, label="Hall", by=None)

    text = client.get(screen_url(school, made.token)).text

    assert photo_url(school, made.token, kwame) in text
    assert photo_url(school, made.token, lily) not in text
    assert "avatar-" in text and ">L</span>" in text  # Lily's initial
    image = client.get(photo_url(school, made.token, kwame))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert image["Referrer-Policy"] == "no-referrer"
    assert not image.cookies


def test_a_photo_of_a_mentor_not_on_the_board_is_404_on_the_screen(school, kwame, client):
    absent = trained_mentor(school, "Ama")
    with_photo(absent)
    made = board_services.create_screen_link(school=school, label="Hall", by=None)

    assert client.get(photo_url(school, made.token, absent)).status_code == 404


def test_a_photo_is_404_once_consent_is_withdrawn_or_the_link_stopped(school, kwame, client):
    with_photo(kwame)
    made = board_services.create_screen_link(school=school, label="Hall", by=None)
    url = photo_url(school, made.token, kwame)
    assert client.get(url).status_code == 200

    board_services.withdraw_photo_consent(mentor=kwame, by=None)
    assert client.get(url).status_code == 404

    with_photo(kwame)
    assert client.get(url).status_code == 200
    board_services.revoke_screen_link(link=made.row, by=None)
    assert client.get(url).status_code == 404


def test_another_schools_mentor_photo_is_404_through_this_schools_screen(
    school, other_school, kwame, client, board_day
):
    owen = trained_mentor(other_school, "Owen")
    on_duty(rota(other_school), owen, dt.date(2025, 11, 24))
    with_photo(owen)
    made = board_services.create_screen_link(school=school, label="Hall", by=None)

    assert client.get(photo_url(school, made.token, owen)).status_code == 404


def test_the_screen_is_the_same_board_on_a_holiday_before_the_rota(school, client, monkeypatch):
    kwame = trained_mentor(school, "Kwame")
    weekly(rota(school), kwame, weekday=2)  # from 3 November
    at_day(monkeypatch, dt.date(2025, 10, 29))  # half-term
    made = board_services.create_screen_link(school=school, label="Hall", by=None)

    text = client.get(screen_url(school, made.token)).text

    assert "Wednesday lunch" in text
    assert TODAY.year == 2025


def test_the_pages_without_sign_in_are_exactly_the_board_pages_outside_the_access_table():
    # The access table cannot hold a page that lets anonymous visitors in (it expects a
    # redirect to sign in): those are listed in access_board.PUBLIC and tested here and in
    # test_ical.py. Any other board page missing from the table fails this.
    from peermentoring.dropin import board_urls
    from peermentoring.dropin.tests import access_board
    from tests.support.access import school_url_names

    board_pages = {f"dropin:{p.name}" for p in board_urls.urlpatterns}
    assert board_pages <= school_url_names({"dropin"})
    assert board_pages - set(access_board.ACCESS) == set(access_board.PUBLIC)
    assert set(access_board.PUBLIC) == {"dropin:screen", "dropin:screen-photo", "dropin:feed"}
