"""In Chromium at 360 px: a mentor on duty at lunch follows the link on their home page and
records three Year 7 visitors in a few taps; their duty is marked done."""

from __future__ import annotations

import os

import pytest

from peermentoring.dropin.models import Duty, Visit
from peermentoring.dropin.tests.visits_support import WEDNESDAY, duty, mentor_member
from tests.support.browser import sign_in
from tests.support.meetings import at

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def test_a_mentor_on_duty_records_three_year_7_visitors_on_a_phone(
    browser, live_server, school, browser_errors, monkeypatch
):
    at(monkeypatch)  # Wednesday 19 November 2025, 13:00: lunch has begun
    membership, mentor = mentor_member(school, "Kwame")
    duty(school, mentor, WEDNESDAY, "lunch")
    user = membership.user
    user.username = "kwame.mensah"
    user.set_password(PASSWORD)
    user.save()
    base = live_server.url
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    sign_in(page, base, "kwame.mensah", PASSWORD)
    page.goto(f"{base}/s/{school.slug}/")

    taps = 0
    page.get_by_role("link", name="Afterwards: record who came").click()
    taps += 1
    assert page.get_by_text("Wednesday 19 November, lunch").is_visible()
    year7 = page.get_by_label("Year 7", exact=True)
    assert year7.get_attribute("inputmode") == "numeric"
    year7.fill("3")
    taps += 1
    page.get_by_label("Friendships", exact=True).check()
    taps += 1
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/dropin-visit-360.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Save").click()
    taps += 1
    page.wait_for_url(f"**/s/{school.slug}/")

    assert taps == 4
    assert page.get_by_text("Saved: 3 people at lunch on Wednesday 19 November.").is_visible()
    visit = Visit.objects.get()
    assert (visit.year7, visit.year8, visit.older) == (3, 0, 0)
    assert [t.name for t in visit.topics.all()] == ["Friendships"]
    assert Duty.objects.get().attendance == Duty.Attendance.DONE
    assert browser_errors == []
