"""The bullying board's items (board_services.py): words within their limits, a poster's
picture through the drop-in's photo checks, the board's order, on and off the board."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from peermentoring.core.models import AuditEntry
from peermentoring.dropin import photos
from peermentoring.dropin.tests.board_support import picture, png_declaring
from peermentoring.dropin.tests.test_photos import jpeg_with_exif
from peermentoring.outreach import board_services as services
from peermentoring.outreach.board_services import ItemFields
from peermentoring.outreach.models import BoardItem
from peermentoring.outreach.tests.outreach_support import poster_jpeg
from tests.support.factories import BoardItemFactory

pytestmark = pytest.mark.django_db

POSTER = ItemFields(kind="poster", title="Stand up to bullying", is_published=True)


def upload(data: bytes, name: str = "poster.jpg", kind: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, kind)


def add(school, fields: ItemFields = POSTER, data: bytes | None = None, **kwargs) -> BoardItem:
    file = upload(data) if data is not None else None
    return services.create_item(
        school=school,
        fields=fields,
        upload=file,
        size=file.size if file else None,
        by=kwargs.pop("by", None),
        **kwargs,
    )


def refused(school, fields: ItemFields = POSTER, data: bytes | None = None) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        add(school, fields, data)
    assert not BoardItem.objects.exists()
    return caught.value.message_dict


# --- Words ------------------------------------------------------------------------------------


def test_an_item_is_added_at_the_end_of_the_board_with_its_audit_entry(school, coordinator):
    first = add(school, ItemFields(kind="message", title="  Be kind online  "), by=coordinator)
    second = add(school, ItemFields(kind="help", title="Childline", body="0800 1111"))

    assert (first.title, first.position, second.position) == ("Be kind online", 0, 1)
    assert not first.is_published  # off the board until the coordinator says
    entry = AuditEntry.objects.get(action="outreach.board_item_added", target_id=str(first.pk))
    assert entry.actor == coordinator and entry.school == school


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (ItemFields(kind="message", title=""), "title", services.TITLE_NEEDED),
        (
            ItemFields(kind="message", title="x" * 81),
            "title",
            "Keep the title to 80 characters (it has 81).",
        ),
        (
            ItemFields(kind="message", title="Hello", body="x" * 601),
            "body",
            "Keep the words to 600 characters (they have 601).",
        ),
        (ItemFields(kind="banner", title="Hello"), "kind", services.KIND_UNKNOWN),
    ],
)
def test_words_past_their_limits_are_refused_in_words(school, fields, field, message):
    assert refused(school, fields)[field] == [message]


def test_eighty_and_six_hundred_characters_are_taken(school):
    item = add(school, ItemFields(kind="message", title="x" * 80, body="y" * 600))

    assert len(item.title) == 80 and len(item.body) == 600


def test_the_same_form_sent_twice_adds_one_item(school):
    key = uuid.uuid4()

    add(school, submission_key=key)
    add(school, submission_key=key)

    assert BoardItem.objects.count() == 1


def test_the_board_holds_at_most_forty_items(school):
    for n in range(services.MOST_ITEMS):
        BoardItemFactory(school=school, title=f"Item {n}", position=n)

    with pytest.raises(ValidationError) as caught:
        add(school)

    assert caught.value.messages == [services.TOO_MANY_ITEMS]


# --- A poster's picture -------------------------------------------------------------------


def test_a_posters_picture_is_kept_as_a_clean_jpeg_without_its_location(school):
    item = add(school, data=jpeg_with_exif(size=(1200, 800)))

    image = Image.open(io.BytesIO(bytes(item.image)))
    assert image.format == "JPEG"
    assert max(image.size) == photos.LONG_SIDE
    assert not image.getexif()
    assert b"home address" not in bytes(item.image)


def test_a_png_poster_is_taken(school):
    item = add(school, data=picture((300, 200), fmt="PNG", mode="RGBA", colour=(0, 90, 0, 128)))

    assert Image.open(io.BytesIO(bytes(item.image))).format == "JPEG"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (picture((200, 200), fmt="GIF", mode="P", colour=0), photos.NOT_A_PHOTO),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", photos.NOT_A_PHOTO),
        (png_declaring(50_000, 50_000), "That picture is too large ("),
        (poster_jpeg()[:500], photos.DAMAGED),
    ],
)
def test_a_bad_picture_is_refused_in_the_photo_checks_words(school, data, message):
    errors = refused(school, data=data)

    assert errors["picture"][0].startswith(message)


def test_a_file_over_eight_megabytes_is_refused_before_it_is_read(school):
    big = upload(b"\xff\xd8" + b"0" * 16)
    big.size = 9 * 2**20  # what the upload says of itself

    with pytest.raises(ValidationError) as caught:
        services.create_item(school=school, fields=POSTER, upload=big, size=big.size, by=None)

    assert caught.value.message_dict["picture"] == [
        "That file is 9 MB. Upload a photo of 8 MB or less (a phone's usual photo is 2 to 5 MB)."
    ]


def test_only_a_poster_has_a_picture(school):
    errors = refused(school, ItemFields(kind="message", title="Hello"), data=poster_jpeg())

    assert errors["picture"] == [services.PICTURE_ONLY_ON_POSTERS]


def test_a_poster_with_a_picture_becomes_a_message_only_once_the_picture_is_removed(school):
    item = add(school, data=poster_jpeg())
    message = ItemFields(kind="message", title=item.title)

    with pytest.raises(ValidationError):
        services.change_item(item=item, fields=message, by=None)
    changed = services.change_item(
        item=BoardItem.objects.get(pk=item.pk), fields=message, remove_picture=True, by=None
    )

    changed.refresh_from_db()
    assert changed.kind == "message" and changed.image is None


def test_replacing_the_picture_moves_the_items_version_on(school):
    item = add(school, data=poster_jpeg())
    before, old = item.changed_at, bytes(item.image)

    changed = services.change_item(
        item=item,
        fields=POSTER,
        upload=upload(poster_jpeg((500, 500))),
        by=None,
    )

    changed.refresh_from_db()
    assert bytes(changed.image) != old and changed.changed_at > before


# --- Order, on and off the board, deleting -------------------------------------------------


def titles(school) -> list[str]:
    return list(
        BoardItem.objects.for_school(school)
        .order_by("position", "pk")
        .values_list("title", flat=True)
    )


def test_moving_items_up_and_down(school, other_school):
    a, b, c = (BoardItemFactory(school=school, title=t, position=0) for t in "abc")
    theirs = BoardItemFactory(school=other_school, title="theirs", position=0)

    services.move_item(item=c, up=True, by=None)
    assert titles(school) == ["a", "c", "b"]
    services.move_item(item=a, up=False, by=None)
    assert titles(school) == ["c", "a", "b"]
    services.move_item(item=c, up=True, by=None)  # the first stays first
    services.move_item(item=b, up=False, by=None)  # the last stays last
    assert titles(school) == ["c", "a", "b"]
    theirs.refresh_from_db()
    assert theirs.position == 0


def test_taking_an_item_off_the_board_keeps_it(school, coordinator):
    item = BoardItemFactory(school=school, is_published=True)

    services.set_on_board(item=item, on=False, by=coordinator)

    item.refresh_from_db()
    assert not item.is_published
    assert AuditEntry.objects.filter(action="outreach.board_item_hidden").count() == 1


def test_deleting_an_item(school, coordinator):
    item = add(school, data=poster_jpeg())

    services.delete_item(item=item, by=coordinator)

    assert not BoardItem.objects.exists()
    assert AuditEntry.objects.filter(action="outreach.board_item_deleted").count() == 1
