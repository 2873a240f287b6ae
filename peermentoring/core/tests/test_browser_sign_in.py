"""A person signs in through the real page in Chromium and lands on their school's home page."""

from __future__ import annotations

import os

import pytest

from tests.support.browser import sign_in as browser_sign_in
from tests.support.mfa import give_authenticator

# Playwright's sync API runs an event loop in this thread; the test itself only
# sets up rows before the browser starts, so Django's async guard is lifted.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, username: str, password: str = "correct horse battery") -> None:
    browser_sign_in(page, base_url, username, password)


def test_coordinator_signs_in_and_sees_the_school_home_page(
    page, live_server, coordinator, browser_errors
):
    give_authenticator(coordinator)
    sign_in(page, live_server.url, coordinator.email)
    page.wait_for_url(f"{live_server.url}/s/oakbrook/")
    assert page.get_by_role("heading", level=1).inner_text() == "Oakbrook Academy"
    assert page.get_by_text("The scheme at a glance").is_visible()
    # Scripts and styles all load from the site under the strict CSP: nothing refused.
    assert [e for e in browser_errors if "Content Security Policy" in e] == []
    assert page.evaluate("typeof htmx") == "object"


def test_a_wrong_password_keeps_the_person_on_the_sign_in_page(page, live_server, coordinator):
    sign_in(page, live_server.url, coordinator.email, password="not the password")
    assert page.get_by_text("do not match").is_visible()
    assert page.url.startswith(f"{live_server.url}/accounts/login/")


def test_on_a_phone_the_menu_opens_from_its_button(page, live_server, school_admin):
    page.set_viewport_size({"width": 360, "height": 740})
    give_authenticator(school_admin)
    sign_in(page, live_server.url, school_admin.email)
    page.wait_for_url(f"{live_server.url}/s/oakbrook/")
    pupils_link = page.get_by_role("link", name="Pupils", exact=True)
    assert not pupils_link.is_visible()
    page.get_by_role("button", name="Menu").click()
    page.locator("#school-menu summary", has_text="School").click()
    assert pupils_link.is_visible()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
