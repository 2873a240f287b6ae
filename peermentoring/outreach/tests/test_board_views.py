"""The bullying board's pages: pupils see what is on the board, staff everything, the
coordinator changes it; pictures only through the school's pages; the printed A4 board
with its QR code to the "tell us" form."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peermentoring.core.registry import todo_items
from peermentoring.outreach import board_services
from peermentoring.outreach.board_qr import tell_us_qr, tell_us_url
from peermentoring.outreach.board_services import ItemFields
from peermentoring.outreach.models import BoardItem
from peermentoring.outreach.tests.outreach_support import poster_jpeg
from peermentoring.schools.models import Membership
from tests.support.factories import BoardItemFactory

pytestmark = pytest.mark.django_db


def board_url(school) -> str:
    return reverse("outreach:board", args=[school.slug])


def poster(school, title: str = "Stand up to bullying", on: bool = True) -> BoardItem:
    file = SimpleUploadedFile("p.jpg", poster_jpeg(), "image/jpeg")
    return board_services.create_item(
        school=school,
        fields=ItemFields(kind="poster", title=title, is_published=on),
        upload=file,
        size=file.size,
        by=None,
    )


@pytest.fixture
def items(school):
    return {
        "on": BoardItemFactory(school=school, title="Be kind online", position=0),
        "off": BoardItemFactory(
            school=school, title="Draft for next term", is_published=False, position=1
        ),
        "help": BoardItemFactory(
            school=school, kind="help", title="Childline", body="0800 1111", position=2
        ),
    }


# --- The board, and its items for staff ---------------------------------------------------


def items_url(school) -> str:
    return reverse("outreach:board-items", args=[school.slug])


def test_a_pupil_sees_only_what_is_on_the_board_and_how_to_tell_us(
    school, mentee, client_for, items
):
    text = client_for(mentee).get(board_url(school)).text

    assert "Be kind online" in text and "Childline" in text and "0800 1111" in text
    assert "Draft for next term" not in text
    assert "Where to get help" in text
    assert reverse("outreach:tell-us", args=[school.slug]) in text
    assert items_url(school) not in text


def test_staff_see_the_board_as_pupils_do_with_a_link_to_every_item(school, dsl, client_for, items):
    text = client_for(dsl).get(board_url(school)).text

    assert "Draft for next term" not in text
    assert "This is the board as pupils see it" in text and items_url(school) in text


def test_staff_see_every_item_marked_on_or_off_without_the_coordinators_buttons(
    school, dsl, client_for, items
):
    text = client_for(dsl).get(items_url(school)).text

    assert "Draft for next term" in text
    assert text.count("On the board</span>") == 2 and text.count("Off the board</span>") == 1
    assert "Move up" not in text and "Delete" not in text


def test_the_coordinator_can_change_move_and_take_items_off(school, coordinator, client_for, items):
    text = client_for(coordinator).get(items_url(school)).text

    for item in items.values():
        assert reverse("outreach:board-item-edit", args=[school.slug, item.pk]) in text
    assert text.count(">Move up<") == 2 and text.count(">Move down<") == 2
    assert "Put on the board" in text and "Take off the board" in text


def test_another_schools_items_are_not_on_this_schools_board(
    school, other_school, coordinator, mentee, client_for, items
):
    BoardItemFactory(school=other_school, title="Elmstead's own poster")

    assert "Elmstead" not in client_for(mentee).get(board_url(school)).text
    assert "Elmstead" not in client_for(coordinator).get(items_url(school)).text


def home_links(school, user) -> list[tuple[str, str]]:
    membership = Membership.objects.select_related("school").get(school=school, user=user)
    return [(item.label, item.url) for item in todo_items(membership)]


def test_every_pupil_has_the_board_on_their_home_page_and_a_mentor_their_contribution(
    school, mentor, mentee, client_for
):
    board = ("The bullying board: where to get help", board_url(school))
    mine = (
        "My contribution: what I have done as a peer mentor this year",
        reverse("outreach:my-contribution", args=[school.slug]),
    )

    assert board in home_links(school, mentee) and mine not in home_links(school, mentee)
    assert board in home_links(school, mentor) and mine in home_links(school, mentor)
    page = client_for(mentee).get(reverse("schools:home", args=[school.slug])).text
    assert f'<a href="{board_url(school)}">The bullying board: where to get help</a>' in page


def test_staff_reach_the_board_from_the_menu_not_the_home_page(school, coordinator):
    assert not [label for label, _ in home_links(school, coordinator) if "bullying board" in label]


# --- Changing it -----------------------------------------------------------------------------


def test_adding_a_poster_with_its_picture(school, coordinator, client_for):
    file = SimpleUploadedFile("poster.jpg", poster_jpeg(), "image/jpeg")

    response = client_for(coordinator).post(
        reverse("outreach:board-item-add", args=[school.slug]),
        {"kind": "poster", "title": "Stand up to bullying", "is_published": "on", "picture": file},
        follow=True,
    )

    item = BoardItem.objects.get()
    assert item.image and item.is_published
    assert "“Stand up to bullying” added" in response.text
    assert reverse("outreach:board-picture", args=[school.slug, item.pk]) in response.text


def test_a_file_that_is_no_picture_is_refused_in_words(school, coordinator, client_for):
    file = SimpleUploadedFile("poster.jpg", b"MZ not a picture at all" * 10, "image/jpeg")

    response = client_for(coordinator).post(
        reverse("outreach:board-item-add", args=[school.slug]),
        {"kind": "poster", "title": "Poster", "picture": file},
    )

    assert response.status_code == 400
    assert "That file is not a JPEG or PNG photo." in response.text
    assert not BoardItem.objects.exists()


def test_a_title_too_long_is_refused_in_words(school, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("outreach:board-item-add", args=[school.slug]),
        {"kind": "message", "title": "x" * 5000, "body": "y" * 700},
    )

    assert response.status_code == 400
    assert "Keep the title to 80 characters." in response.text
    assert "Please keep this to at most 600 characters (it has 700)." in response.text


def test_moving_taking_off_and_deleting(school, coordinator, client_for, items):
    client = client_for(coordinator)
    slug = school.slug

    client.post(
        reverse("outreach:board-item-move", args=[slug, items["help"].pk]), {"direction": "up"}
    )
    client.post(reverse("outreach:board-item-show", args=[slug, items["on"].pk]), {"on": "no"})
    asked = client.get(reverse("outreach:board-item-delete", args=[slug, items["off"].pk]))
    client.post(reverse("outreach:board-item-delete", args=[slug, items["off"].pk]))

    assert "Delete “Draft for next term”?" in asked.text
    order = list(BoardItem.objects.order_by("position").values_list("title", "is_published"))
    assert order == [("Be kind online", False), ("Childline", True)]


def test_a_move_without_a_direction_says_what_to_do(school, coordinator, client_for, items):
    response = client_for(coordinator).post(
        reverse("outreach:board-item-move", args=[school.slug, items["on"].pk]), follow=True
    )

    assert "Choose whether to move the item up or down." in response.text


# --- Pictures --------------------------------------------------------------------------------


def picture_url(school, item) -> str:
    return reverse("outreach:board-picture", args=[school.slug, item.pk])


def test_a_pupil_gets_the_picture_of_a_poster_on_the_board_only(school, mentee, client_for):
    shown, hidden = poster(school), poster(school, "Draft", on=False)
    client = client_for(mentee)

    response = client.get(picture_url(school, shown))

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(picture_url(school, hidden)).status_code == 404


def test_staff_get_the_picture_of_a_poster_off_the_board(school, coordinator, client_for):
    hidden = poster(school, "Draft", on=False)

    assert client_for(coordinator).get(picture_url(school, hidden)).status_code == 200


def test_another_schools_picture_is_404(school, other_school, coordinator, client_for):
    theirs = poster(other_school)

    assert client_for(coordinator).get(picture_url(school, theirs)).status_code == 404


def test_an_item_without_a_picture_has_none(school, mentee, client_for, items):
    assert client_for(mentee).get(picture_url(school, items["on"])).status_code == 404


# --- Printed on A4 ---------------------------------------------------------------------------


def test_the_printed_board_has_the_items_on_the_board_and_the_tell_us_qr_code(
    school, coordinator, client_for, items, settings
):
    settings.SITE_URL = "https://mentoring.example.org"
    poster(school)

    text = client_for(coordinator).get(reverse("outreach:board-print", args=[school.slug])).text

    assert "Be kind online" in text and "Childline" in text and "Stand up to bullying" in text
    assert "Draft for next term" not in text
    assert "https://mentoring.example.org/s/oakbrook/outreach/tell-us/" in text
    assert str(tell_us_qr(school)) in text
    assert "outreach/a4-portrait.css" in text
    assert tell_us_url(school) == "https://mentoring.example.org/s/oakbrook/outreach/tell-us/"


def test_the_qr_code_is_inline_svg_without_styles_or_scripts(school, coordinator, client_for):
    svg = str(tell_us_qr(school))

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert not re.search(r"style=|<script|on\w+=|href=|id=", svg)
    assert 'aria-label="QR code: tell us about bullying"' in svg
