"""The bullying board: every change to its items goes through here.

An item is a short message, a poster (with a picture, if the coordinator uploads one) or a
note of where to get help: a title of at most 80 characters and at most 600 more. Only
items "on the board" (`is_published`) are shown to pupils, printed and shown on the
corridor screens. A poster's picture goes through the drop-in's photo checks
(`dropin.photos`: a real JPEG or PNG, at most 8 MB and 40 megapixels, turned the right way
up, every EXIF, location and comment dropped, re-encoded as a JPEG), before the
transaction starts. Each change writes its audit entry in its own transaction; the "add"
form sent twice makes one item (`submission_key`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.dropin.photos import clean_photo, read_upload
from peermentoring.outreach.models import BoardItem
from peermentoring.schools.models import School

TITLE_MAX = 80
BODY_MAX = 600
MOST_ITEMS = 40

TITLE_NEEDED = "Give the item a title, for example 'You are not on your own'."
TITLE_TOO_LONG = f"Keep the title to {TITLE_MAX} characters (it has {{length}})."
BODY_TOO_LONG = f"Keep the words to {BODY_MAX} characters (they have {{length}})."
KIND_UNKNOWN = "Choose whether it is a message, a poster or where to get help."
PICTURE_ONLY_ON_POSTERS = (
    "Only a poster has a picture. Choose 'Poster', or remove the picture first."
)
TOO_MANY_ITEMS = f"The board already has {MOST_ITEMS} items. Delete one you no longer use first."


@dataclass
class ItemFields:
    """What the item form says of an item."""

    kind: str
    title: str
    body: str = ""
    is_published: bool = False


def _check(fields: ItemFields, *, has_picture: bool) -> ItemFields:
    """The fields, tidied, or a ValidationError naming each field that is wrong."""
    errors: dict[str, list[str]] = {}
    title, body = fields.title.strip(), fields.body.strip()
    if fields.kind not in BoardItem.Kind.values:
        errors.setdefault("kind", []).append(KIND_UNKNOWN)
    elif has_picture and fields.kind != BoardItem.Kind.POSTER:
        errors.setdefault("picture", []).append(PICTURE_ONLY_ON_POSTERS)
    if not title:
        errors.setdefault("title", []).append(TITLE_NEEDED)
    elif len(title) > TITLE_MAX:
        errors.setdefault("title", []).append(TITLE_TOO_LONG.format(length=len(title)))
    if len(body) > BODY_MAX:
        errors.setdefault("body", []).append(BODY_TOO_LONG.format(length=len(body)))
    if errors:
        raise ValidationError(errors)
    return ItemFields(kind=fields.kind, title=title, body=body, is_published=fields.is_published)


def _picture(upload: IO[bytes] | None, size: int | None) -> bytes | None:
    """The upload as the board keeps it (dropin.photos' checks), or None for no upload."""
    if upload is None:
        return None
    try:
        return clean_photo(read_upload(upload, size=size)).data
    except ValidationError as error:
        raise ValidationError({"picture": error.messages}) from None


def _audit(item: BoardItem, action: str, by: User | None, **changes: object) -> None:
    record(
        action=f"outreach.board_{action}", target=item, by=by, school=item.school, changes=changes
    )


def create_item(
    *,
    school: School,
    fields: ItemFields,
    upload: IO[bytes] | None = None,
    size: int | None = None,
    submission_key: uuid.UUID | None = None,
    by: User | None,
) -> BoardItem:
    """Add an item at the end of the board; the same form sent twice gives the first back."""
    if submission_key is not None:
        earlier = BoardItem.objects.for_school(school).filter(submission_key=submission_key)
        if earlier.exists():
            return earlier.get()
    fields = _check(fields, has_picture=upload is not None)
    picture = _picture(upload, size)
    try:
        with transaction.atomic():
            items = BoardItem.objects.for_school(school).select_for_update()
            if items.count() >= MOST_ITEMS:
                raise ValidationError(TOO_MANY_ITEMS)
            last = items.aggregate(last=Max("position"))["last"]
            item = BoardItem.objects.create(
                school=school,
                kind=fields.kind,
                title=fields.title,
                body=fields.body,
                is_published=fields.is_published,
                image=picture,
                position=0 if last is None else last + 1,
                created_by=by,
                submission_key=submission_key,
            )
            _audit(item, "item_added", by, title=item.title, on_board=item.is_published)
    except IntegrityError:
        if submission_key is None:
            raise
        # The same form sent twice at the same moment: the first one made it.
        return BoardItem.objects.for_school(school).get(submission_key=submission_key)
    return item


def change_item(
    *,
    item: BoardItem,
    fields: ItemFields,
    upload: IO[bytes] | None = None,
    size: int | None = None,
    remove_picture: bool = False,
    by: User | None,
) -> BoardItem:
    """Change the item's words, kind or place on the board; replace or remove its picture."""
    keeps_picture = upload is not None or (item.image is not None and not remove_picture)
    fields = _check(fields, has_picture=keeps_picture)
    picture = _picture(upload, size)
    with transaction.atomic():
        item.kind = fields.kind
        item.title = fields.title
        item.body = fields.body
        item.is_published = fields.is_published
        update = ["kind", "title", "body", "is_published", "changed_at"]
        if picture is not None:
            item.image = picture
            update.append("image")
        elif remove_picture and item.image is not None:
            item.image = None
            update.append("image")
        item.changed_at = timezone.now()
        item.save(update_fields=update)
        _audit(
            item,
            "item_changed",
            by,
            title=item.title,
            on_board=item.is_published,
            picture="replaced" if picture is not None else ("removed" if remove_picture else ""),
        )
    return item


@transaction.atomic
def set_on_board(*, item: BoardItem, on: bool, by: User | None) -> BoardItem:
    """Put the item on the board, or take it off (it is kept, to put back later)."""
    if item.is_published == on:
        return item
    item.is_published = on
    item.changed_at = timezone.now()
    item.save(update_fields=["is_published", "changed_at"])
    _audit(item, "item_shown" if on else "item_hidden", by, title=item.title)
    return item


@transaction.atomic
def move_item(*, item: BoardItem, up: bool, by: User | None) -> BoardItem:
    """Swap the item with the one before it (`up`) or after it; the first stays first."""
    items = list(
        BoardItem.objects.for_school(item.school_id)
        .select_for_update()
        .defer("image")
        .order_by("position", "pk")
    )
    index = next(i for i, row in enumerate(items) if row.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return item
    items[index], items[other] = items[other], items[index]
    for position, row in enumerate(items):
        row.position = position
    BoardItem.objects.bulk_update(items, ["position"])
    item.position = other
    _audit(item, "item_moved", by, title=item.title, position=other + 1)
    return item


@transaction.atomic
def delete_item(*, item: BoardItem, by: User | None) -> None:
    """Delete the item and its picture for good."""
    _audit(item, "item_deleted", by, title=item.title)
    item.delete()
