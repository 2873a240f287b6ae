"""Every change behind the notice board: photo consent, photos, screen links, calendar feeds.

A photo is kept only while its consent is recorded: withdrawing consent deletes it, and
no photo is taken without consent. A screen link or calendar feed is a secret address:
`secrets.token_urlsafe(32)` shown once when it is made and never again; only its SHA-256
is stored (`token_digest`), so a copy of the database opens nothing. Making a new one for
the same screen, mentor or room stops the old one. Each change writes its audit entry in
its own transaction.

Two requests making a link for the same owner at once (a double click, two tabs) queue on
the owner's row (the mentor, the room, or the school for a screen), so the second stops
the first's new link. Whatever else gets past that, the database keeps one live link per
owner (the models' constraints), and the loser is told `LINK_MADE_TWICE`, not a 500.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.dropin.models import (
    LINK_MADE_TWICE,
    CalendarFeed,
    MentorPhoto,
    Room,
    ScreenLink,
    token_digest,
)
from peermentoring.dropin.photos import clean_photo, read_upload
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import School

NO_CONSENT = (
    "Record {name}'s photo consent before uploading a photo: without it the board shows "
    "their initial."
)
LABEL_NEEDED = "Say where the screen is, for example 'Year 7 corridor'."
LABEL_MAX = 80
LABEL_TOO_LONG = f"Keep the screen's name to {LABEL_MAX} characters."
MOST_SCREENS = 50
TOO_MANY_SCREENS = (
    f"The school already has {MOST_SCREENS} screen links. Stop one you no longer use first."
)
NOT_THIS_SCHOOL = "That is not one of your school's rooms or mentors."
TOKEN_MAX = 64  # token_urlsafe(32) is 43 characters: anything much longer is not a token


def new_token() -> str:
    return secrets.token_urlsafe(32)


# --- Photo consent and photos -------------------------------------------------------

PHOTO_FIELDS = ["image", "width", "height", "uploaded_at", "uploaded_by"]


def _photo_row(mentor: Mentor) -> MentorPhoto:
    """The mentor's photo row, locked for this transaction (made the first time)."""
    row, _ = MentorPhoto.objects.select_for_update().get_or_create(mentor=mentor)
    return row


@transaction.atomic
def record_photo_consent(*, mentor: Mentor, by: User | None) -> MentorPhoto:
    """Record that the mentor's photo may be shown on the board (done once; again: no change)."""
    row = _photo_row(mentor)
    if row.has_consent:
        return row
    row.consent_recorded_at = timezone.now()
    row.consent_recorded_by = by
    row.save(update_fields=["consent_recorded_at", "consent_recorded_by"])
    record(action="dropin.photo_consent_recorded", target=row, by=by, school=mentor.school)
    return row


@transaction.atomic
def withdraw_photo_consent(*, mentor: Mentor, by: User | None) -> MentorPhoto:
    """Consent withdrawn: the photo is deleted at once, and the board shows the initial."""
    row = _photo_row(mentor)
    if not row.has_consent and not row.image:
        return row
    had_photo = bool(row.image)
    _clear(row)
    row.consent_recorded_at = None
    row.consent_recorded_by = None
    row.save(update_fields=[*PHOTO_FIELDS, "consent_recorded_at", "consent_recorded_by"])
    record(
        action="dropin.photo_consent_withdrawn",
        target=row,
        by=by,
        school=mentor.school,
        changes={"photo_deleted": had_photo},
    )
    return row


def _clear(row: MentorPhoto) -> None:
    row.image = None
    row.width = row.height = None
    row.uploaded_at = None
    row.uploaded_by = None


def upload_photo(
    *, mentor: Mentor, upload: IO[bytes], size: int | None, by: User | None
) -> MentorPhoto:
    """Check the file (photos.py), then keep its clean copy as the mentor's photo.

    Refused without consent. The picture is decoded before the transaction starts, so a
    large photo does not hold the database while it is worked on.
    """
    _check_consent(mentor)
    clean = clean_photo(read_upload(upload, size=size))
    with transaction.atomic():
        row = _photo_row(mentor)
        if not row.has_consent:  # withdrawn while the photo was being checked
            raise ValidationError(NO_CONSENT.format(name=mentor.pupil.first_name))
        replaced = bool(row.image)
        row.image = clean.data
        row.width, row.height = clean.width, clean.height
        row.uploaded_at = timezone.now()
        row.uploaded_by = by
        row.save(update_fields=PHOTO_FIELDS)
        record(
            action="dropin.photo_uploaded",
            target=row,
            by=by,
            school=mentor.school,
            changes={"width": clean.width, "height": clean.height, "replaced": replaced},
        )
    return row


def _check_consent(mentor: Mentor) -> None:
    if not MentorPhoto.objects.filter(mentor=mentor, consent_recorded_at__isnull=False).exists():
        raise ValidationError(NO_CONSENT.format(name=mentor.pupil.first_name))


@transaction.atomic
def remove_photo(*, mentor: Mentor, by: User | None) -> MentorPhoto:
    """Delete the photo; the consent stays recorded (a new photo may be uploaded)."""
    row = _photo_row(mentor)
    if not row.image:
        return row
    _clear(row)
    row.save(update_fields=PHOTO_FIELDS)
    record(action="dropin.photo_removed", target=row, by=by, school=mentor.school)
    return row


# --- Secret links: screens and calendars ----------------------------------------------


@dataclass(frozen=True)
class MadeLink:
    """A link just made: its row, the token to show once, and how many old ones it stopped."""

    row: ScreenLink | CalendarFeed
    token: str
    stopped: int


@transaction.atomic
def create_screen_link(*, school: School, label: str, by: User | None) -> MadeLink:
    """A link showing the board on one screen; one with the same name stops working."""
    label = " ".join(label.split())
    if not label:
        raise ValidationError(LABEL_NEEDED)
    if len(label) > LABEL_MAX:
        raise ValidationError(LABEL_TOO_LONG)
    # A screen has no row of its own: a second request for one waits on the school's row.
    _lock(School.objects.filter(pk=school.pk))
    live = ScreenLink.objects.select_for_update().filter(school=school).live()
    same = [link for link in live if link.label.casefold() == label.casefold()]
    if len(live) - len(same) >= MOST_SCREENS:
        raise ValidationError(TOO_MANY_SCREENS)
    for old in same:
        _revoke(old, by=by, action="dropin.screen_link_revoked", school=school)
    token = new_token()
    link = ScreenLink(school=school, label=label, token_hash=token_digest(token), created_by=by)
    _insert(link)
    record(action="dropin.screen_link_made", target=link, by=by, school=school)
    return MadeLink(row=link, token=token, stopped=len(same))


@transaction.atomic
def revoke_screen_link(*, link: ScreenLink, by: User | None) -> ScreenLink:
    """The link stops working at once (again: no change)."""
    link = ScreenLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        _revoke(link, by=by, action="dropin.screen_link_revoked", school=link.school)
    return link


@transaction.atomic
def create_calendar_feed(
    *, school: School, mentor: Mentor | None = None, room: Room | None = None, by: User | None
) -> MadeLink:
    """A calendar address for one mentor's duties or one room's rota; the old one stops."""
    if (mentor is None) == (room is None):
        raise ValueError("A calendar feed is of a mentor or of a room.")
    owner = mentor if mentor is not None else room
    if owner is None or owner.school_id != school.pk:
        raise ValidationError(NOT_THIS_SCHOOL)
    _lock(type(owner).objects.filter(pk=owner.pk))
    old = list(
        CalendarFeed.objects.select_for_update()
        .filter(school=school, mentor=mentor, room=room)
        .live()
    )
    for feed in old:
        _revoke(feed, by=by, action="dropin.calendar_feed_revoked", school=school)
    token = new_token()
    feed = CalendarFeed(
        school=school, mentor=mentor, room=room, token_hash=token_digest(token), created_by=by
    )
    _insert(feed)
    record(action="dropin.calendar_feed_made", target=feed, by=by, school=school)
    return MadeLink(row=feed, token=token, stopped=len(old))


@transaction.atomic
def revoke_calendar_feed(*, feed: CalendarFeed, by: User | None) -> CalendarFeed:
    """The calendar address stops working at once (again: no change)."""
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is None:
        _revoke(feed, by=by, action="dropin.calendar_feed_revoked", school=feed.school)
    return feed


@transaction.atomic
def revoke_calendar_feeds(
    *, school: School, mentor: Mentor | None = None, room: Room | None = None, by: User | None
) -> int:
    """Stop every working calendar address of one mentor or one room; how many were stopped."""
    if (mentor is None) == (room is None):
        raise ValueError("A calendar feed is of a mentor or of a room.")
    live = list(
        CalendarFeed.objects.select_for_update()
        .filter(school=school, mentor=mentor, room=room)
        .live()
        .order_by("pk")
    )
    for feed in live:
        _revoke(feed, by=by, action="dropin.calendar_feed_revoked", school=school)
    return len(live)


def _lock(rows: QuerySet[Any]) -> None:
    """Hold the owner's row until the transaction ends: a second request for the same
    owner waits here, then sees (and stops) the link the first one made."""
    list(rows.select_for_update(no_key=True))


def _insert(row: ScreenLink | CalendarFeed) -> None:
    """Save a new link; one made meanwhile for the same owner is refused in words.

    The one-live-link rule is left to the database (not `full_clean`): it is checked at the
    insert, which is the only moment two requests can no longer both pass it.
    """
    row.full_clean(validate_constraints=False)
    try:
        row.save()
    except IntegrityError as error:
        raise ValidationError(LINK_MADE_TWICE, code="made_twice") from error


def _revoke(
    row: ScreenLink | CalendarFeed, *, by: User | None, action: str, school: School
) -> None:
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    record(action=action, target=row, by=by, school=school)


def live_screen_link(school: School, token: str) -> ScreenLink | None:
    """The school's working screen link with this token, if there is one."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return ScreenLink.objects.live().filter(school=school, token_hash=token_digest(token)).first()


# A screen reads the board every few minutes: when it was last used is written at most hourly.
USED_EVERY = dt.timedelta(hours=1)


def note_screen_used(link: ScreenLink) -> None:
    """Remember when a screen last showed the board (no audit entry: it is not a change)."""
    now = timezone.now()
    if link.last_used_at is None or now - link.last_used_at > USED_EVERY:
        # update(): a screen's visit is not a change to any page, so no page cache is emptied.
        ScreenLink.objects.filter(pk=link.pk).update(last_used_at=now)


def live_calendar_feed(school: School, token: str) -> CalendarFeed | None:
    """The school's working calendar feed with this token, if there is one."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return (
        CalendarFeed.objects.live()
        .filter(school=school, token_hash=token_digest(token))
        .select_related("mentor__pupil", "mentor__school", "room__school")
        .first()
    )
