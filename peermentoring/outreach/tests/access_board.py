"""Who may reach each page of the board area, and what a POST to it changes.

Everyone in the school sees the bullying board (the items on it) and its posters'
pictures (pupils only those on it); staff see every item and print the board; the
coordinator and the school admin change it.

One address is opened by a corridor screen's secret link without signing in (`PUBLIC`):
its rules (a stopped, unknown or other school's token is 404; only an item on the board)
are tested where it is named.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from peermentoring.outreach import board_services
from peermentoring.outreach.board_services import ItemFields
from peermentoring.outreach.models import BoardItem
from peermentoring.outreach.tests.outreach_support import poster_jpeg
from tests.support.access import EVERYONE, GET, GET_POST, POST, SETUP, STAFF, Access, school_of
from tests.support.factories import BoardItemFactory

PUBLIC: dict[str, str] = {
    "outreach:screen-picture": "outreach/tests/test_board_screen.py",
}


def _item_row(school: Any, viewer: Any) -> dict[str, int]:
    return {"item_pk": BoardItemFactory(school=school, title="Be kind online").pk}


def _second_item_row(school: Any, viewer: Any) -> dict[str, int]:
    BoardItemFactory(school=school, title="First", position=0)
    return {"item_pk": BoardItemFactory(school=school, title="Second", position=1).pk}


def _poster_row(school: Any, viewer: Any) -> dict[str, int]:
    upload = SimpleUploadedFile("p.jpg", poster_jpeg(), "image/jpeg")
    item = board_services.create_item(
        school=school,
        fields=ItemFields(kind="poster", title="Stand up to bullying", is_published=True),
        upload=upload,
        size=upload.size,
        by=None,
    )
    return {"item_pk": item.pk}


def _add_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"kind": "help", "title": "Childline", "body": "0800 1111", "is_published": "on"}


def _added(response: Any, kwargs: dict[str, int]) -> None:
    item = BoardItem.objects.for_school(school_of(response)).get(title="Childline")
    assert item.is_published and item.kind == "help"


def _edit_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"kind": "message", "title": "Be kind, online too", "body": ""}


def _edited(response: Any, kwargs: dict[str, int]) -> None:
    item = BoardItem.objects.get(pk=kwargs["item_pk"])
    assert item.title == "Be kind, online too" and not item.is_published


def _moved(response: Any, kwargs: dict[str, int]) -> None:
    titles = list(
        BoardItem.objects.for_school(school_of(response))
        .order_by("position", "pk")
        .values_list("title", flat=True)
    )
    assert titles == ["Second", "First"]


def _taken_off(response: Any, kwargs: dict[str, int]) -> None:
    assert not BoardItem.objects.get(pk=kwargs["item_pk"]).is_published


def _deleted(response: Any, kwargs: dict[str, int]) -> None:
    assert not BoardItem.objects.filter(pk=kwargs["item_pk"]).exists()


ACCESS: dict[str, Access] = {
    "outreach:board": Access(EVERYONE, None, GET),
    "outreach:board-items": Access(STAFF, None, GET),
    "outreach:board-print": Access(STAFF, None, GET),
    "outreach:board-item-add": Access(SETUP, None, GET_POST, _added, _add_body),
    "outreach:board-item-edit": Access(SETUP, _item_row, GET_POST, _edited, _edit_body),
    "outreach:board-item-move": Access(
        SETUP, _second_item_row, POST, _moved, lambda s, v, k: {"direction": "up"}
    ),
    "outreach:board-item-show": Access(
        SETUP, _item_row, POST, _taken_off, lambda s, v, k: {"on": "no"}
    ),
    "outreach:board-item-delete": Access(SETUP, _item_row, GET_POST, _deleted),
    "outreach:board-picture": Access(EVERYONE, _poster_row, GET),
}
FOREIGN_POSTS: dict[str, Any] = {}
# The item forms and buttons name no row in their body: the item is the address's.
NO_ROW_FIELDS = {
    "outreach:board-item-add",
    "outreach:board-item-edit",
    "outreach:board-item-move",
    "outreach:board-item-show",
    "outreach:board-item-delete",
}
