"""Issue #7 in Chromium: a school invites another school's member, who accepts on a phone.

Also holds the 360 px layout of the account pages the fixes changed: a long e-mail
address and the school-day grid must not push the page sideways.
"""

from __future__ import annotations

import os

import pytest

from peermentoring.core.roles import Role
from peermentoring.core.tests.test_browser_sign_in import sign_in
from tests.support.factories import MembershipFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invited_safeguarding_lead_accepts_on_a_phone_and_the_layout_fits(
    page, live_server, school, other_school, other_school_admin, browser_errors
):
    priya = UserFactory(
        first_name="Priya",
        last_name="Shah",
        username="priya.shah.safeguarding-lead@oakbrook-academy.example",
    )
    MembershipFactory(user=priya, school=school, role=Role.SAFEGUARDING_LEAD)
    page.set_viewport_size({"width": 360, "height": 740})

    sign_in(page, live_server.url, other_school_admin.email)
    page.goto(f"{live_server.url}/s/elmstead/people/new-staff/")
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Family name").fill("Shah")
    page.get_by_label("School e-mail address").fill(priya.email.upper())
    page.get_by_label("Role").select_option("coordinator")
    page.get_by_role("button", name="Add", exact=True).click()
    assert page.get_by_text("sent them an invitation").is_visible()
    page.get_by_role("link", name=priya.email).click()
    assert page.get_by_text("waiting for them to accept").is_visible()
    assert page.get_by_role("link", name="Reset password").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(f"{live_server.url}/s/elmstead/school-day/edit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.context.clear_cookies()
    sign_in(page, live_server.url, priya.email)
    assert page.get_by_text("Elmstead School would like you to be coordinator").is_visible()
    page.get_by_role("button", name="Accept").click()
    assert page.get_by_text("You are now coordinator at Elmstead School").is_visible()
    page.get_by_role("link", name="Elmstead School").click()
    page.wait_for_url(f"{live_server.url}/s/elmstead/")
    assert [e for e in browser_errors if "Content Security Policy" in e] == []
