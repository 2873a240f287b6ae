"""In Chromium: a new coordinator sets up an authenticator app from the key the page shows,
keeps the recovery codes, and later signs in with one; a passkey set up on the device signs
in without a password; a pupil signs in with no second factor."""

from __future__ import annotations

import os
import re

import pytest

from peermentoring.core.roles import Role
from tests.support.browser import fresh_code
from tests.support.factories import MembershipFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def new_coordinator(school):
    user = UserFactory(email="nia.evans@oakbrook.example", first_name="Nia")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, school=school, role=Role.COORDINATOR)
    return user


def type_password(page, base: str, login: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address or username").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


def test_a_new_coordinator_sets_up_the_app_keeps_the_codes_and_signs_in_with_one(
    page, live_server, new_coordinator, browser_errors
):
    base = live_server.url
    type_password(page, base, new_coordinator.email)

    # Nothing of the school until the second factor is set up.
    page.goto(f"{base}/s/oakbrook/pupils/")
    assert page.url == f"{base}/accounts/2fa/"
    assert page.get_by_role("heading", name="Set up your second factor before you carry on")
    page.get_by_role("link", name="Set up an authenticator app").click()

    key = page.locator("#authenticator_secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", key)
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    page.get_by_label("The six-digit code your app shows").fill(fresh_code("nia", key))
    page.get_by_role("button", name="Turn it on").click()

    page.wait_for_url(f"{base}/accounts/2fa/recovery-codes/")
    codes = [c.strip() for c in page.locator(".code-list code").all_inner_texts()]
    assert len(codes) == 10
    # Printed, the page is the codes alone: no header, menu or buttons.
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert not page.get_by_role("button", name="Print").is_visible()
    assert page.locator(".code-list").is_visible()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Done: go to my home page").click()
    page.wait_for_url(f"{base}/s/oakbrook/")

    # Later, on another day, without the phone: a recovery code.
    page.context.clear_cookies()
    type_password(page, base, new_coordinator.email)
    assert page.url == f"{base}/accounts/2fa/authenticate/"
    page.get_by_label("Code from your app, or a recovery code").fill(codes[0])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{base}/s/oakbrook/")
    assert page.get_by_role("heading", level=1).inner_text() == "Oakbrook Academy"
    assert browser_errors == []


def test_a_passkey_on_this_device_signs_a_coordinator_in(
    page, live_server, new_coordinator, browser_errors
):
    base = live_server.url
    # A virtual authenticator stands in for the laptop's fingerprint reader.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    type_password(page, base, new_coordinator.email)
    page.goto(f"{base}/accounts/2fa/")
    page.get_by_role("link", name="Add a passkey instead").click()
    page.get_by_label("Name").fill("School laptop")
    page.locator("input[type=checkbox]").check()  # usable to sign in without a password
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda url: not url.endswith("/webauthn/add/"))
    page.goto(f"{base}/s/oakbrook/")
    assert page.url == f"{base}/s/oakbrook/"

    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(f"{base}/s/oakbrook/")
    assert page.get_by_role("heading", level=1).inner_text() == "Oakbrook Academy"
    assert browser_errors == []


def test_a_pupil_signs_in_with_no_second_factor(page, live_server, school, browser_errors):
    from tests.support.factories import pupil_member

    membership = pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7)
    membership.user.set_password(PASSWORD)
    membership.user.save()

    type_password(page, live_server.url, membership.user.username)

    page.wait_for_url(f"{live_server.url}/s/oakbrook/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert browser_errors == []
