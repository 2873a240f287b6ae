"""In Chromium at 360 px: a pupil opens "Tell us" from their home page and sends an anonymous
report, and sees the receipt; then the coordinator signs in (with her second factor), follows
her home page's to-do to the report and triages it. No page scrolls sideways and none breaks
the Content Security Policy. With $SCREENSHOTS set, each page is photographed there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peermentoring.core.roles import Role
from peermentoring.outreach.models import TellUsReport
from tests.support.browser import sign_in
from tests.support.factories import MembershipFactory, UserFactory, pupil_member, this_year

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
PHONE = {"viewport": {"width": 360, "height": 740}}


def shoot(page, name: str) -> None:
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOTS"]) / name), full_page=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_pupil_sends_an_anonymous_report_on_a_phone_and_the_coordinator_triages_it(
    browser, live_server, school, browser_errors
):
    this_year(school)
    lily = pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7, form_group="7C")
    lily.user.username = "lily.ahmed"
    lily.user.set_password(PASSWORD)
    lily.user.save()
    helen = UserFactory(
        email="helen.hewitt@oakbrook.example", first_name="Helen", last_name="Hewitt"
    )
    helen.set_password(PASSWORD)
    helen.save()
    MembershipFactory(user=helen, school=school, role=Role.COORDINATOR)
    base = live_server.url

    page = browser.new_context(**PHONE).new_page()
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    sign_in(page, base, "lily.ahmed", PASSWORD)
    page.goto(f"{base}/s/oakbrook/")
    shoot(page, "1-pupil-home-360.png")
    page.get_by_role("region", name="Tell us").get_by_role("link", name="Tell us").click()
    page.wait_for_url("**/outreach/tell-us/")
    page.get_by_label("Someone else").check()
    page.get_by_label("Hitting, pushing or hurting").check()
    page.get_by_label("What happened?").fill(
        "Two boys in Year 9 push a Year 7 boy into the lockers every morning."
    )
    page.get_by_label("Where does it happen?").fill("The corridor by the sports hall")
    # A tap anywhere in the choice's box chooses it: here on its explanation.
    explanation = page.get_by_text("Staff will not know who sent it")
    explanation.scroll_into_view_if_needed()
    means = explanation.bounding_box()
    page.mouse.click(means["x"] + means["width"] / 2, means["y"] + means["height"] / 2)
    assert page.get_by_label("Don't put my name on it (anonymous)").is_checked()
    assert fits(page)
    shoot(page, "2-tell-us-form-360.png")
    page.get_by_role("button", name="Send it").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Thank you for telling us").is_visible()
    assert page.get_by_text("You did not put your name on it").is_visible()
    assert page.url.endswith("/outreach/tell-us/")  # the POST's own answer, no redirect
    assert fits(page)
    shoot(page, "3-receipt-360.png")
    report = TellUsReport.objects.get()
    assert report.is_anonymous and report.reporter is None and report.pupil is None

    staff = browser.new_context(**PHONE).new_page()
    staff.on("pageerror", lambda error: browser_errors.append(str(error)))
    sign_in(staff, base, helen.email, PASSWORD)
    staff.goto(f"{base}/s/oakbrook/")
    staff.get_by_role("link", name="1 'tell us' report to read").click()
    staff.wait_for_url("**/outreach/tell-us-reports/")
    assert staff.get_by_text("1 report waiting for staff").is_visible()
    assert fits(staff)
    shoot(staff, "4-reports-list-360.png")
    staff.get_by_role("link", name="Read and decide").click()
    staff.wait_for_url("**/outreach/tell-us-reports/*/")
    assert staff.get_by_text("Anonymous: nobody knows who sent it").is_visible()
    assert staff.get_by_text("push a Year 7 boy into the lockers").is_visible()
    staff.get_by_label("Handled by the pastoral team").check()
    staff.get_by_label("Note").fill("Head of Year 9 is looking into it with the duty staff.")
    assert fits(staff)
    shoot(staff, "5-triage-360.png")
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_url("**/outreach/tell-us-reports/")

    assert staff.get_by_text("Report marked: handled by the pastoral team.").is_visible()
    assert staff.get_by_text("Nothing is waiting").is_visible()
    shoot(staff, "6-after-triage-360.png")
    report.refresh_from_db()
    assert report.status == TellUsReport.Status.PASTORAL
    assert report.triaged_by == helen
    assert browser_errors == []
