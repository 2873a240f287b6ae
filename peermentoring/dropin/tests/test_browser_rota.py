"""In Chromium at 360 px: the coordinator builds the drop-in rota from her home page's to-do
and publishes it; a mentor then sees on their home page and on My duties when they are on
duty. No page scrolls sideways and none breaks the Content Security Policy.

The solver here is the greedy stand-in (tests only): this journey tests the pages; the
real solver's rotas are checked in test_rota_services.py and test_build_rota_command.py.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from peermentoring.core.models import Notification
from peermentoring.core.roles import Role
from peermentoring.dropin.models import Duty, Rota
from peermentoring.dropin.tests.rota_support import (
    PASSWORD,
    in_term,
    trained_mentor,
    use_greedy,
)
from tests.support.browser import sign_in
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.meetings import at

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["Asha", "Ben", "Cara", "Dev", "Ella"]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_coordinator_builds_and_publishes_the_rota_and_a_mentor_sees_their_duties(
    browser, live_server, school, monkeypatch, browser_errors
):
    in_term(school, monkeypatch)
    # Wednesday 19 November 2025 before school: a rota built at one o'clock would put
    # nobody on that day's break and lunch, which have begun.
    at(monkeypatch, dt.datetime(2025, 11, 19, 8, 0))
    use_greedy(monkeypatch)
    helen = UserFactory(email="helen.hewitt@oakbrook.example", first_name="Helen")
    helen.set_password(PASSWORD)
    helen.save()
    MembershipFactory(user=helen, school=school, role=Role.COORDINATOR)
    mentors = [trained_mentor(school, name, account=True) for name in NAMES]
    base = live_server.url
    phone = {"viewport": {"width": 360, "height": 740}}

    page = browser.new_context(**phone).new_page()
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    sign_in(page, base, helen.email, PASSWORD)
    page.goto(f"{base}/s/oakbrook/")
    page.get_by_role("link", name="Drop-in rota for Autumn 2, 2025 not built").click()
    page.wait_for_url("**/dropin/rotas/")
    assert page.get_by_label("Autumn 2, 2025: Monday 3 November to Friday 19 December").is_checked()
    page.get_by_role("button", name="Build the rota").click()
    page.wait_for_url("**/dropin/rotas/*/")
    assert page.get_by_text("Rota built: every opening has enough mentors on duty.").is_visible()
    assert page.get_by_text("Draft: the mentors cannot see it yet").is_visible()
    assert fits(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/rota-grid-360.png", full_page=True)
    page.get_by_role("link", name="Publish the rota").click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/dropin/rotas/*/")
    assert page.get_by_text("Rota published: every mentor on it has been told.").is_visible()
    made = Rota.objects.get()
    assert made.is_published
    assert Notification.objects.filter(title="You are on the drop-in rota").count() == 5

    asha = mentors[0]
    first = Duty.objects.filter(mentor=asha).order_by("held_on", "window__start_time").first()
    mentor_page = browser.new_context(**phone).new_page()
    mentor_page.on("pageerror", lambda error: browser_errors.append(str(error)))
    sign_in(mentor_page, base, "asha", PASSWORD)
    mentor_page.goto(f"{base}/s/oakbrook/")
    # The stand-in fills today's break first, with the first mentors.
    assert (first.held_on.isoformat(), first.window.kind) == ("2025-11-19", "break")
    assert mentor_page.get_by_text("On duty today: break in the Peer Mentoring room").is_visible()
    assert mentor_page.get_by_text("Your next duty:").is_visible()
    mentor_page.get_by_role("link", name="My duties").first.click()
    mentor_page.wait_for_url("**/dropin/my-duties/")
    this_week = Duty.objects.filter(mentor=asha, held_on__lte="2025-11-23").count()
    assert mentor_page.locator("h2", has_text="This week").is_visible()
    assert mentor_page.locator("li.message").count() >= this_week
    assert fits(mentor_page)
    if os.environ.get("SCREENSHOTS"):
        mentor_page.screenshot(
            path=f"{os.environ['SCREENSHOTS']}/my-duties-360.png", full_page=True
        )
    assert browser_errors == []
