"""Who may reach each board page; merged in tests/access.py.

Staff see the notice board and the photos; the coordinator and the school admin (the office
uploads photos) manage photos, screen links and room calendars; a mentor makes their own
calendar link.

Three pages are opened by a secret link without signing in (`PUBLIC` below). The access
table cannot hold them: its rules send every anonymous visitor to sign in. Their own rules
(a stopped, unknown or other school's token is 404; only the board or the duties; no
cookie; no referrer; no index) are tested where each is named.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from peermentoring.core.roles import Role
from peermentoring.dropin import board_services
from peermentoring.dropin.models import CalendarFeed, MentorPhoto, Room, ScreenLink
from peermentoring.dropin.tests.board_support import noisy_jpeg, trained_mentor
from tests.support.access import GET, GET_POST, SETUP, STAFF, Access, ForeignPost, school_of
from tests.support.factories import MentorFactory

MENTOR = frozenset({Role.MENTOR})

PUBLIC: dict[str, str] = {
    "dropin:screen": "dropin/tests/test_screen.py",
    "dropin:screen-photo": "dropin/tests/test_screen.py",
    "dropin:feed": "dropin/tests/test_ical.py",
}


def _mentor_row(school: Any, viewer: Any) -> dict[str, int]:
    return {"mentor_pk": trained_mentor(school, "Kwame").pk}


def _mentor_with_photo(school: Any, viewer: Any) -> dict[str, int]:
    mentor = trained_mentor(school, "Kwame")
    board_services.record_photo_consent(mentor=mentor, by=None)
    upload = SimpleUploadedFile("k.jpg", noisy_jpeg((200, 200)), "image/jpeg")
    board_services.upload_photo(mentor=mentor, upload=upload, size=upload.size, by=None)
    return {"mentor_pk": mentor.pk}


def _consent_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"action": "consent"}


def _consent_recorded(response: Any, kwargs: dict[str, int]) -> None:
    photo = MentorPhoto.objects.get(mentor=kwargs["mentor_pk"])
    assert photo.has_consent
    assert photo.consent_recorded_by == response.wsgi_request.user


def _screen_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"action": "make-screen", "label": "Year 7 corridor"}


def _screen_made(response: Any, kwargs: dict[str, int]) -> None:
    link = ScreenLink.objects.live().get(school=school_of(response))
    assert link.label == "Year 7 corridor"
    assert "/dropin/screen/" in response.text  # the address, shown once


def _own_mentor(school: Any, viewer: Any) -> Any:
    membership = viewer.memberships.get(school=school)
    return MentorFactory(school=school, pupil=membership.pupil, status="trained")


def _calendar_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    _own_mentor(school, viewer)
    return {"action": "make"}


def _calendar_made(response: Any, kwargs: dict[str, int]) -> None:
    feed = CalendarFeed.objects.live().get(school=school_of(response))
    assert (
        feed.mentor is not None and feed.mentor.pupil.membership.user == response.wsgi_request.user
    )
    assert "webcal://" in response.text


ACCESS: dict[str, Access] = {
    "dropin:board": Access(STAFF, None, GET),
    "dropin:photos": Access(SETUP, None, GET),
    "dropin:photo-edit": Access(SETUP, _mentor_row, GET_POST, _consent_recorded, _consent_body),
    "dropin:photo": Access(STAFF, _mentor_with_photo, GET),
    "dropin:screens": Access(SETUP, None, GET_POST, _screen_made, _screen_body),
    "dropin:my-calendar": Access(MENTOR, None, GET_POST, _calendar_made, _calendar_body),
}


def _foreign_photo_edit(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """This school's mentor in the address, another school's in the body: theirs is untouched."""
    kwargs = _mentor_row(school, viewer)
    theirs = trained_mentor(other_school, "Owen")

    def unchanged(response: Any) -> None:
        assert not MentorPhoto.objects.filter(mentor=theirs).exists()

    return ForeignPost(kwargs, {"action": "consent", "mentor": theirs.pk}, unchanged)


def _foreign_screens(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's screen link stopped through this school's page: 404, it still works."""
    theirs = board_services.create_screen_link(school=other_school, label="Hall", by=None).row

    def unchanged(response: Any) -> None:
        assert response.status_code == 404
        assert ScreenLink.objects.get(pk=theirs.pk).revoked_at is None

    return ForeignPost(
        {}, {"action": "revoke-screen", "link": theirs.pk, "confirmed": "yes"}, unchanged
    )


def _foreign_calendar(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's mentor and room named in the mentor's own form: no feed of theirs."""
    _own_mentor(school, viewer)
    theirs = trained_mentor(other_school, "Owen")
    room = Room.objects.create(school=other_school, name="Library")

    def unchanged(response: Any) -> None:
        assert not CalendarFeed.objects.filter(school=other_school).exists()
        assert not CalendarFeed.objects.filter(mentor=theirs).exists()

    return ForeignPost({}, {"action": "make", "mentor": theirs.pk, "room": room.pk}, unchanged)


FOREIGN_POSTS: dict[str, Any] = {
    "dropin:photo-edit": _foreign_photo_edit,
    "dropin:screens": _foreign_screens,
    "dropin:my-calendar": _foreign_calendar,
}
