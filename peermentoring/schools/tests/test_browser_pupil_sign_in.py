"""A pupil given a temporary password by their school signs in and must choose their own."""

from __future__ import annotations

import os

import pytest

from peermentoring.core.roles import Role
from peermentoring.core.tests.test_browser_sign_in import sign_in
from peermentoring.schools.services import create_pupil_account
from tests.support.factories import PupilFactory

# Playwright's sync API runs an event loop in this thread; the test itself only
# sets up rows before the browser starts, so Django's async guard is lifted.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pupil_with_a_temporary_password_must_choose_their_own(page, live_server, school):
    pupil = PupilFactory(school=school, given_name="Lily")
    membership, temporary = create_pupil_account(
        school=school, pupil=pupil, role=Role.MENTEE, by=None
    )
    sign_in(page, live_server.url, membership.user.username, temporary)
    page.wait_for_url(f"{live_server.url}/accounts/password/")
    page.get_by_label("Old password").fill(temporary)
    page.get_by_label("New password", exact=True).fill("purple-kettle-mountain-91")
    page.get_by_label("New password confirmation").fill("purple-kettle-mountain-91")
    page.get_by_role("button", name="Save password").click()
    page.goto(f"{live_server.url}/s/oakbrook/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Lily"
