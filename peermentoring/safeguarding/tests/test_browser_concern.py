"""In Chromium at 360 px: a mentor raises a worry about their mentee; the safeguarding lead
(second factor entered) acknowledges it, records an action and a decision, and closes it;
the coordinator sees only that it exists and where it stands."""

from __future__ import annotations

import os

import pytest

from peermentoring.core.roles import Role
from tests.support.browser import sign_in
from tests.support.factories import MembershipFactory, PairingFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
WORDS = "He said the older boys take his lunch money every day"


def person(username: str = "", email: str = "", first: str = "Sam"):
    user = UserFactory(username=username or email, email=email, first_name=first)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_worry_goes_from_a_mentor_to_the_lead_and_the_coordinator_sees_only_its_status(
    browser, live_server, school, browser_errors
):
    pairing = PairingFactory(school=school)
    mentor = person(username="kwame.mensah", first="Kwame")
    MembershipFactory(user=mentor, school=school, role=Role.MENTOR, pupil=pairing.mentor.pupil)
    lead = person(email="priya.shah@oakbrook.example", first="Priya")
    MembershipFactory(user=lead, school=school, role=Role.SAFEGUARDING_LEAD)
    coordinator = person(email="helen.hewitt@oakbrook.example", first="Helen")
    MembershipFactory(user=coordinator, school=school, role=Role.COORDINATOR)
    MembershipFactory(
        user=UserFactory(username="mentee1"),
        school=school,
        role=Role.MENTEE,
        pupil=pairing.mentee,
    )
    base = live_server.url
    phone = {"viewport": {"width": 360, "height": 740}}

    # The mentor, on a phone.
    page = browser.new_context(**phone).new_page()
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    sign_in(page, base, "kwame.mensah", PASSWORD)
    page.goto(f"{base}/s/oakbrook/meetings/my-mentee/")
    page.get_by_role("link", name=f"I'm worried about {pairing.mentee.first_name}").click()
    page.get_by_label("What happened, or what worries you?").fill(WORDS)
    page.get_by_role("radio", name="No", exact=True).check()
    page.get_by_role("radio", name="Urgent: the child may be in danger now").check()
    page.get_by_role("button", name="Send to the safeguarding lead").click()
    page.wait_for_url("**/safeguarding/received/*/")
    assert page.get_by_text("Received by the safeguarding lead at").is_visible()
    assert WORDS not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The lead: the concern is first on her home page.
    page = browser.new_context(**phone).new_page()
    sign_in(page, base, lead.email, PASSWORD)
    page.goto(f"{base}/s/oakbrook/")
    page.get_by_role("link", name="Safeguarding concern to acknowledge").click()
    page.locator("td[data-label=Raised] a").first.click()
    page.wait_for_url("**/safeguarding/concerns/*/")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/lead-concern-360.png", full_page=True)
    assert page.get_by_text(WORDS).is_visible()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_label("What are you recording?").select_option("action")
    page.get_by_label("What happened or was done").fill("Spoke to him with his form tutor.")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_label("What are you recording?").select_option("decision")
    page.get_by_label("What happened or was done").fill("Tell his parents; pastoral team to act.")
    page.get_by_label("Reasons (for a decision)").fill("Bullying, no harm at home.")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_label("What are you recording?").select_option("closed")
    page.get_by_label("What happened or was done").fill("Resolved with the families.")
    page.get_by_role("button", name="Add", exact=True).click()
    assert page.locator(".chronology li").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The coordinator: that it exists and that it is closed; not what it says.
    page = browser.new_context(**phone).new_page()
    sign_in(page, base, coordinator.email, PASSWORD)
    page.goto(f"{base}/s/oakbrook/safeguarding/status/")
    assert page.get_by_text(pairing.mentee.full_name).is_visible()
    assert page.get_by_text("Closed").is_visible()
    assert WORDS not in page.content()
    assert browser_errors == []
