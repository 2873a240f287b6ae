"""In Chromium at 360 px: the coordinator runs this week's supervision from her home page."""

from __future__ import annotations

import os

import pytest

from peermentoring.core.roles import Role
from peermentoring.schools.models import SchoolDayWindow
from peermentoring.supervision import services
from peermentoring.supervision.models import Action, SessionMentor
from tests.support.browser import sign_in
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.meetings import at, pairing_in, window

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def test_the_coordinator_runs_a_supervision_session_on_a_phone(
    browser, live_server, school, monkeypatch, browser_errors
):
    at(monkeypatch)
    helen = UserFactory(email="helen.hewitt@oakbrook.example", first_name="Helen")
    helen.set_password(PASSWORD)
    helen.save()
    MembershipFactory(user=helen, school=school, role=Role.COORDINATOR)
    pairing = pairing_in(school)
    services.create_group(
        school=school,
        name="Year 10 mentors",
        coordinator=helen,
        window=window(school, 1, SchoolDayWindow.Kind.LUNCH),
        members=[pairing.mentor],
        by=helen,
    )
    base = live_server.url

    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    sign_in(page, base, helen.email, PASSWORD)
    page.goto(f"{base}/s/oakbrook/")
    page.get_by_role("link", name="Supervision this week: Year 10 mentors").click()
    page.wait_for_url("**/supervision/groups/*/")
    card = page.locator("fieldset.card").first
    assert card.get_by_text("for two school weeks").is_visible()
    card.get_by_role("radio", name="Present").check()
    card.get_by_label("Meetings last school week").fill("2")
    card.get_by_label("Problems discussed").fill("Finds it hard to get Lily to talk.")
    card.get_by_text("Add an action for").click()
    card.get_by_label("Action agreed").fill("Meet at lunch in the library")
    card.get_by_label("Who will do it").select_option(label="Helen " + helen.last_name)
    card.get_by_label("Due by").fill("2025-11-26")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/supervision-360.png", full_page=True)
    page.get_by_role("button", name="Save and finish").click()
    page.wait_for_url("**/supervision/sessions/*/")
    assert page.get_by_text("Supervision for Year 10 mentors finished.").is_visible()
    assert page.get_by_text("Said 2, the logs said 0 (+2)").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    row = SessionMentor.objects.get()
    assert (row.attendance, row.reported_meetings, row.is_count_recorded) == ("present", 2, True)
    assert Action.objects.get().owner == helen
    assert browser_errors == []
