"""One applicant, from the advert to a trained peer mentor, through the real pages in Chromium."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.tests.conftest import pupil_of
from peermentoring.training.services import create_default_programme
from tests.support.browser import sign_in as browser_sign_in
from tests.support.mfa import give_authenticator

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery"


def person(browser, base_url: str, username: str):
    """A fresh browser window signed in as someone."""
    page = browser.new_context().new_page()
    browser_sign_in(page, base_url, username, PASSWORD)
    page.wait_for_url(f"{base_url}/s/**")
    return page


def test_an_applicant_becomes_a_trained_mentor_through_the_pages(
    browser, live_server, school, round_, applicant, coordinator, experienced, interview_slot
):
    create_default_programme(school=school, by=None)
    base = live_server.url
    errors: list[str] = []

    # Maya sees the advert, saves a draft, then submits.
    maya = person(browser, base, applicant.username)
    maya.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    maya.get_by_role("link", name="Read more and apply").click()
    maya.get_by_label("Why do you want to be a peer mentor?").fill("To help Year 7s settle in.")
    maya.get_by_role("button", name="Save draft").click()
    assert maya.get_by_text("Your draft is saved").is_visible()
    maya.get_by_label("Tell us about a time you helped someone.").fill("I helped my cousin read.")
    maya.get_by_label("What makes a good listener?").fill("Letting people finish.")
    maya.get_by_label("Break").check()
    maya.get_by_label("Languages you speak").fill("Polish")
    maya.get_by_role("button", name="Submit my application").click()
    assert maya.get_by_text("Thank you for applying!").is_visible()

    # Helen shortlists her and books an interview at break with Jordan on the panel.
    give_authenticator(coordinator)
    helen = person(browser, base, coordinator.username)
    helen.get_by_role("link", name="Recruitment", exact=True).first.click()
    helen.get_by_role("link", name=round_.title).click()
    helen.get_by_role("link", name=pupil_of(applicant).full_name).click()
    helen.get_by_role("button", name="Shortlist").click()
    helen.get_by_role("link", name="Book an interview").click()
    day = timezone.localtime(interview_slot[0]).date().isoformat()
    helen.get_by_label("Day").fill(day)
    helen.get_by_label("Starts").fill("10:52")
    helen.get_by_label("Ends").fill("11:05")
    helen.get_by_label("Staff member").select_option(label=coordinator.display_name)
    helen.get_by_label(f"{pupil_of(experienced).full_name} (11A)").check()
    helen.get_by_role("button", name="Book the interview").click()
    assert helen.get_by_text("Interview booked for").is_visible()

    # Jordan scores the interview from his home page; Helen too.
    for scorer, marks in ((experienced, "4"), (coordinator, "3")):
        page = person(browser, base, scorer.username) if scorer == experienced else helen
        page.goto(f"{base}/s/{school.slug}/recruitment/interviews/")
        page.get_by_role("link", name=pupil_of(applicant).full_name).click()
        for index in range(4):
            page.locator(f"input[name=score_{index}][value='{marks}']").check()
        page.get_by_role("button", name="Submit my scores").click()
        assert page.get_by_text("Your scores are saved").is_visible()

    # Helen ranks and offers.
    helen.goto(f"{base}/s/{school.slug}/recruitment/{round_.pk}/scores/")
    helen.get_by_label("Rank").fill("1")
    helen.get_by_role("button", name="Save ranks").click()
    helen.get_by_role("link", name="Offer places in rank order…").click()
    assert helen.get_by_text("Offer places to the top 1 in rank order?").is_visible()
    helen.get_by_role("button", name="Make the offers").click()
    assert helen.get_by_text("1 offer(s) made").is_visible()

    # Maya accepts from her home page.
    maya.goto(f"{base}/s/{school.slug}/")
    maya.get_by_role("link", name="Answer your offer").click()
    maya.get_by_role("button", name="Accept my place").click()
    assert maya.get_by_text("Welcome to the peer mentoring team!").is_visible()

    # Helen records consent, schedules training and takes the register.
    helen.goto(f"{base}/s/{school.slug}/recruitment/{round_.pk}/")
    helen.get_by_role("link", name=pupil_of(applicant).full_name).click()
    helen.get_by_label("Consent received on").fill(timezone.localdate().isoformat())
    helen.get_by_role("button", name="Record consent").click()
    helen.get_by_role("link", name="Training", exact=True).first.click()
    helen.get_by_role("link", name="Schedule a session").click()
    helen.get_by_label("Title").fill("Activities week")
    helen.get_by_label("Date").fill(timezone.localdate().isoformat())
    mentor = Mentor.objects.get(pupil=pupil_of(applicant))
    helen.get_by_label("Cohort").select_option(label=mentor.academic_year.name)
    for box in helen.locator("input[name=modules]").all():
        box.check()
    helen.get_by_role("button", name="Save").click()
    for cell in helen.locator("select[name^=mark_]").all():
        cell.select_option("present")
    helen.get_by_role("button", name="Save the register").click()
    assert helen.get_by_text("Register saved: 6 change(s).").is_visible()

    helen.goto(f"{base}/s/{school.slug}/training/grid/?year={mentor.academic_year_id}")
    assert helen.get_by_text("Trained", exact=True).first.is_visible()
    helen.get_by_role("link", name="Certificate").click()
    assert helen.get_by_role("heading", name="Certificate of training").is_visible()
    mentor.refresh_from_db()
    assert mentor.status == Mentor.Status.TRAINED and mentor.can_mentor()
    assert [e for e in errors if "Content Security Policy" in e] == []
