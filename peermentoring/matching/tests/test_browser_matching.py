"""The whole journey in Chromium: a primary refers, the coordinator matches, the mentor sees their mentee."""

from __future__ import annotations

import os

import pytest

from peermentoring.referrals import services as referral_services
from tests.support.browser import sign_in as browser_sign_in
from tests.support.builders import make_mentor, year_6_birthday
from tests.support.factories import FeederPrimaryFactory, PupilFactory
from tests.support.mfa import give_authenticator

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, username: str) -> None:
    browser_sign_in(page, base_url, username, "correct horse battery")


def test_a_year_6_referral_becomes_a_confirmed_pairing_the_mentor_can_see(
    page, live_server, school, coordinator, mentor, browser_errors
):
    meadowside = FeederPrimaryFactory(school=school, name="Meadowside Primary")
    # The incoming Year 7 list is already imported, so the referral finds Noor's record.
    PupilFactory(
        school=school,
        given_name="Noor",
        family_name="Haddad",
        year_group=7,
        form_group="7B",
        date_of_birth=year_6_birthday(),
        feeder_primary=meadowside,
    )
    first_choice = make_mentor(school, given_name="Ama", family_name="Boateng")
    first_choice.interests = "football"
    first_choice.save()
    make_mentor(school, mentor.memberships.get().pupil)
    _, token = referral_services.create_referral_link(
        school=school, primary=meadowside, by=coordinator
    )
    base = live_server.url

    # The Year 6 teacher, with no account, refers Noor through the link.
    page.goto(f"{base}/refer/{token}/")
    page.get_by_label("Your name and role").fill("Mrs Patel, Year 6 teacher")
    page.locator("#id_child-0-given_name").fill("Noor")
    page.locator("#id_child-0-family_name").fill("Haddad")
    page.locator("#id_child-0-date_of_birth").fill(year_6_birthday().isoformat())
    page.locator("#id_child-0-needs").fill("Anxious about the move.")
    page.locator("#id_child-0-consent").select_option("given")
    page.get_by_role("button", name="Send the referrals").click()
    assert page.get_by_text("1 referral sent to Oakbrook Academy").is_visible()
    assert "Haddad" not in page.content()

    # The coordinator accepts the referral and runs matching.
    give_authenticator(coordinator)
    sign_in(page, base, coordinator.email)
    page.wait_for_url(f"{base}/s/oakbrook/")
    page.locator("#school-menu summary", has_text="Referrals and matching").click()
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name="Noor Haddad").first.click()
    page.get_by_label("Accept into the matching queue").check()
    page.get_by_role("button", name="Save the decision").click()
    assert page.get_by_text("Noor Haddad is in the matching queue.").is_visible()
    page.locator("#school-menu summary", has_text="Referrals and matching").click()
    page.get_by_role("link", name="Matching", exact=True).first.click()
    page.get_by_role("button", name="Run matching").click()
    page.wait_for_url("**/matching/runs/*/")
    assert page.get_by_role("cell", name="Ama Boateng", exact=True).is_visible()

    # They forbid the proposed pair; matching re-runs around it and they confirm.
    page.get_by_role("button", name="Forbid Noor Haddad with Ama Boateng").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Pairs you forbade").is_visible()
    kwame = mentor.memberships.get().pupil.full_name
    assert page.get_by_role("cell", name=kwame, exact=True).is_visible()
    assert not page.get_by_role("cell", name="Ama Boateng", exact=True).is_visible()
    page.get_by_role("link", name="Confirm 1 pairing").click()
    assert page.get_by_text("first name and form").is_visible()
    page.get_by_role("button", name="Confirm 1 pairing").click()
    assert page.get_by_text("1 pairing confirmed; mentors told.").is_visible()

    # Kwame signs in and sees his new mentee: first name, form and free times only.
    page.context.clear_cookies()
    sign_in(page, base, mentor.username)
    page.wait_for_url(f"{base}/s/oakbrook/")
    page.get_by_role("link", name="My mentee").first.click()
    assert page.get_by_role("heading", name="Noor").is_visible()
    assert page.get_by_text("7B").is_visible()
    assert "Haddad" not in page.content()
    assert "Anxious" not in page.content()
    assert [e for e in browser_errors if "Content Security Policy" in e] == []
