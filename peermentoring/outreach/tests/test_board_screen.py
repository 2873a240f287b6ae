"""The bullying board on the corridor screen (board_screen.py, through the drop-in's
screen_slides registry): the items on the board, the school's own, in turn with the
mentors' board, each with the QR code of the "tell us" form; a poster's picture only
through a live screen link of the school, for an item on the board."""

from __future__ import annotations

import re

import pytest
import qrcode
import qrcode.constants
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peermentoring.dropin import board_services as screens
from peermentoring.dropin.tests.board_support import at_day, rota, trained_mentor, weekly
from peermentoring.outreach import board_services
from peermentoring.outreach.board_qr import tell_us_qr, tell_us_url
from peermentoring.outreach.board_services import ItemFields
from peermentoring.outreach.models import BoardItem
from peermentoring.outreach.tests.outreach_support import poster_jpeg
from tests.support.factories import BoardItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def screen(school, monkeypatch):
    at_day(monkeypatch)
    weekly(rota(school), trained_mentor(school, "Kwame"), weekday=0, kind="lunch")
    return screens.create_screen_link(school=school, label="Year 7 corridor", by=None)


def screen_url(school, token: str) -> str:
    return reverse("dropin:screen", args=[school.slug, token])


def poster(school, title: str = "Stand up to bullying", on: bool = True) -> BoardItem:
    file = SimpleUploadedFile("p.jpg", poster_jpeg(), "image/jpeg")
    return board_services.create_item(
        school=school,
        fields=ItemFields(kind="poster", title=title, is_published=on),
        upload=file,
        size=file.size,
        by=None,
    )


def picture_url(school, token: str, item: BoardItem) -> str:
    return reverse("outreach:screen-picture", args=[school.slug, token, item.pk])


# --- The screen ------------------------------------------------------------------------------


def test_the_screen_shows_the_items_on_the_board_after_the_mentors(school, screen, client):
    BoardItemFactory(school=school, title="Be kind online", position=0)
    BoardItemFactory(school=school, kind="help", title="Childline", body="0800 1111", position=1)

    text = client.get(screen_url(school, screen.token)).text

    board = text.index('data-slide="board"')
    assert board < text.index("Kwame") < text.index("Be kind online") < text.index("Childline")
    assert text.count('data-slide="extra"') == 2
    assert "Where to get help" in text and "0800 1111" in text
    assert "/static/dropin/screen.js" in text


def test_only_the_items_on_the_board_are_shown(school, screen, client):
    BoardItemFactory(school=school, title="Be kind online")
    BoardItemFactory(school=school, title="Draft for next term", is_published=False)

    text = client.get(screen_url(school, screen.token)).text

    assert "Be kind online" in text and "Draft for next term" not in text


def test_only_the_schools_own_items_are_shown(school, other_school, screen, client):
    BoardItemFactory(school=school, title="Be kind online")
    BoardItemFactory(school=other_school, title="Elmstead's own message")

    text = client.get(screen_url(school, screen.token)).text

    assert "Be kind online" in text and "Elmstead" not in text


def test_with_nothing_on_the_board_the_screen_is_the_mentors_board_alone(school, screen, client):
    BoardItemFactory(school=school, title="Draft", is_published=False)

    text = client.get(screen_url(school, screen.token)).text

    assert 'data-slide="extra"' not in text and "<svg" not in text


def qr_modules(svg: str) -> set[tuple[int, int]]:
    """The dark squares the SVG draws (SvgPathImage writes each as 'Mx,yH..V..H..z')."""
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", svg)}


def test_the_screen_carries_a_qr_code_that_reads_as_the_tell_us_address(
    school, screen, client, settings
):
    settings.SITE_URL = "https://mentoring.example.org"
    BoardItemFactory(school=school, title="Be kind online")

    text = client.get(screen_url(school, screen.token)).text

    svg = re.search(r'<figure class="slide-qr">(<svg.*?</svg>)', text).group(1)
    assert svg == str(tell_us_qr(school))
    # The squares drawn are the QR code of the "tell us" address, and of nothing else.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data("https://mentoring.example.org/s/oakbrook/outreach/tell-us/")
    code.make(fit=True)
    expected = {
        (x, y) for y, row in enumerate(code.get_matrix()) for x, dark in enumerate(row) if dark
    }
    assert qr_modules(svg) == expected
    assert tell_us_url(school) == "https://mentoring.example.org/s/oakbrook/outreach/tell-us/"
    assert "Scan to tell us about bullying" in text


def test_a_posters_picture_is_shown_through_the_screen_link(school, screen, client):
    item = poster(school)

    text = client.get(screen_url(school, screen.token)).text

    assert picture_url(school, screen.token, item) in text
    assert reverse("outreach:board-picture", args=[school.slug, item.pk]) not in text
    assert "<a " not in text and "<form" not in text  # the screen still links nowhere


# --- A poster's picture through the screen link ----------------------------------------------


def test_the_picture_of_a_poster_on_the_board(school, screen, client):
    item = poster(school)

    response = client.get(picture_url(school, screen.token, item))

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert bytes(response.content) == bytes(BoardItem.objects.get(pk=item.pk).image)
    assert not response.cookies
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]


def test_no_picture_of_a_poster_off_the_board(school, screen, client):
    item = poster(school, on=False)

    assert client.get(picture_url(school, screen.token, item)).status_code == 404


def test_no_picture_of_another_schools_poster(school, other_school, screen, client):
    theirs = poster(other_school)

    assert client.get(picture_url(school, screen.token, theirs)).status_code == 404


def test_no_picture_through_another_schools_link_or_a_stopped_or_unknown_one(
    school, other_school, screen, client
):
    item = poster(school)
    theirs = screens.create_screen_link(school=other_school, label="Hall", by=None)

    assert client.get(picture_url(school, theirs.token, item)).status_code == 404
    assert client.get(picture_url(school, "x" * 43, item)).status_code == 404
    screens.revoke_screen_link(link=screen.row, by=None)
    gone = client.get(picture_url(school, screen.token, item))
    assert gone.status_code == 404 and not gone.cookies
