"""In Chromium at 360 px: a mentor logs a meeting in a few taps, from My mentee, with the
window under way already ticked; then logs yesterday's by changing the date (htmx swaps in
that day's windows); the mentee's home says when they last met."""

from __future__ import annotations

import os
import time

import pytest

from peermentoring.core.roles import Role
from peermentoring.meetings.models import Meeting
from tests.support.browser import sign_in
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.meetings import at, pairing_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def test_a_mentor_logs_a_meeting_on_a_phone_in_a_few_taps(
    browser, live_server, school, browser_errors, monkeypatch
):
    at(monkeypatch)  # Wednesday 19 November 2025, 13:00: lunch has begun
    pairing = pairing_in(school)
    mentor = UserFactory(username="kwame.mensah", first_name="Kwame", email="")
    mentor.set_password(PASSWORD)
    mentor.save()
    MembershipFactory(user=mentor, school=school, role=Role.MENTOR, pupil=pairing.mentor.pupil)
    mentee = pairing.mentee.first_name
    base = live_server.url
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    sign_in(page, base, "kwame.mensah", PASSWORD)
    page.goto(f"{base}/s/oakbrook/meetings/my-mentee/")

    started = time.monotonic()
    taps = 0
    page.get_by_role("link", name=f"Log a meeting with {mentee}").click()
    taps += 1
    assert page.get_by_role("radio", name="Lunch").is_checked()  # the window under way
    assert page.get_by_role("radio", name="We met").is_checked()
    for choice in ("15 min", "Friendships", "😊 Good"):
        page.get_by_label(choice, exact=True).check()
        taps += 1
    page.get_by_role("button", name="Save meeting").click()
    taps += 1
    page.wait_for_url("**/meetings/my-mentee/")
    took = time.monotonic() - started
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/mentor-logged-360.png", full_page=True)

    assert taps == 5
    print(f"Logged a meeting in {taps} taps, {took:.1f} s of browser time")
    assert page.get_by_text(
        f"Meeting with {mentee} saved: Wednesday 19 November, lunch."
    ).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    meeting = Meeting.objects.get()
    assert (meeting.window.kind, meeting.minutes, meeting.mood) == ("lunch", 15, 4)
    assert [t.name for t in meeting.topics.all()] == ["Friendships"]

    # Yesterday's break: the date changes, and Tuesday's times come in its place.
    page.get_by_role("link", name=f"Log a meeting with {mentee}").click()
    with page.expect_response(lambda response: "held_on=2025-11-18" in response.url):
        page.get_by_label("Date").fill("2025-11-18")
    page.wait_for_function("!document.querySelector('#window-choices input:checked')")
    page.get_by_role("radio", name="Break").check()
    page.get_by_role("radio", name="Mentee absent").check()
    # A meeting that did not happen asks nothing of how long or how the mentee seemed.
    assert not page.get_by_text("Roughly how long?").is_visible()
    page.get_by_role("button", name="Save meeting").click()
    page.wait_for_url("**/meetings/my-mentee/")
    missed = Meeting.objects.get(held_on="2025-11-18")
    assert (missed.window.kind, missed.status) == ("break", "mentee_absent")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(
            path=f"{os.environ['SCREENSHOTS']}/mentor-my-mentee-360.png", full_page=True
        )
    assert browser_errors == []
