"""In Chromium at 320 px: a mentee follows "Your check-in" from their home page, taps a face
(or its words) for each question and sends it. The faces fit one row, nothing scrolls
sideways and nothing breaks the Content Security Policy. With $SCREENSHOTS set, each page is
photographed there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peermentoring.core.roles import Role
from peermentoring.evaluation.models import Response
from peermentoring.evaluation.tests.access_outcomes import answer_with, pairing_of
from tests.support.browser import sign_in
from tests.support.factories import MembershipFactory, UserFactory, pupil_member, this_year

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
PHONE = {"viewport": {"width": 320, "height": 640}}
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => `${v.id}: ${v.nodes.slice(0, 2).map(n => n.target).join('; ')}`);
}"""


def axe_problems(page) -> list[str]:
    """What axe-core finds on the page (put in by the test: the context bypasses the CSP)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, AXE_TAGS)


def shoot(page, name: str) -> None:
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOTS"]) / name), full_page=True)


def test_a_mentee_answers_their_check_in_on_a_small_phone(
    browser, live_server, school, browser_errors
):
    this_year(school)
    lily = pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7, form_group="7C")
    lily.user.username = "lily.ahmed"
    lily.user.set_password(PASSWORD)
    lily.user.save()
    pairing = pairing_of(school, mentee=lily.pupil)
    base = live_server.url

    page = browser.new_context(**PHONE).new_page()
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    page.on("console", lambda m: browser_errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "lily.ahmed", PASSWORD)
    page.goto(f"{base}/s/oakbrook/")
    shoot(page, "1-mentee-home-320.png")
    page.get_by_role("link", name="Answer your check-in").click()
    page.wait_for_url("**/evaluation/my-check-in/")

    groups = page.locator("fieldset.faces-question")
    assert groups.count() == 4
    for n, words in enumerate(["Mostly", "Yes, a lot", "A bit", "Mostly"]):
        group = groups.nth(n)
        labels = group.locator(".face-choice label")
        tops = {round(labels.nth(i).bounding_box()["y"]) for i in range(5)}
        assert len(tops) == 1, "the five faces sit in one row"
        # Tapping the face's words chooses it; the radio is named by them.
        group.get_by_text(words, exact=True).click()
        assert group.get_by_label(words, exact=True).is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shoot(page, "2-check-in-320.png")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Thank you").is_visible()
    answered = Response.objects.get(pairing=pairing)
    assert sorted(answered.answers.values_list("score", flat=True)) == [3, 4, 4, 5]
    assert browser_errors == []


def test_the_staff_pages_and_the_pupils_form_pass_axe(browser, live_server, school):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install-test)")
    this_year(school)
    helen = UserFactory(email="helen.hewitt@oakbrook.example", first_name="Helen")
    helen.set_password(PASSWORD)
    helen.save()
    MembershipFactory(user=helen, school=school, role=Role.COORDINATOR)
    lily = pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7, form_group="7C")
    lily.user.username = "lily.ahmed"
    lily.user.set_password(PASSWORD)
    lily.user.save()
    pairing = pairing_of(school, mentee=lily.pupil)
    answered = pairing_of(school, given_name="Amara")
    answer_with(answered, "start", [2, 3, 1, 2], by=helen)
    base = f"{live_server.url}/s/oakbrook/evaluation/"

    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server.url, "helen.hewitt@oakbrook.example", PASSWORD)
    problems = {}
    for path in [
        "outcomes/",
        "outcomes/check-ins/",
        f"outcomes/pairings/{answered.pk}/",
        f"outcomes/check-ins/{pairing.pk}/start/paper/",
        "outcomes/questions/",
    ]:
        assert page.goto(base + path).status == 200, path
        if found := axe_problems(page):
            problems[path] = found
    context.close()
    context = browser.new_context(bypass_csp=True, **PHONE)
    page = context.new_page()
    sign_in(page, live_server.url, "lily.ahmed", PASSWORD)
    assert page.goto(base + "my-check-in/").status == 200
    if found := axe_problems(page):
        problems["my-check-in/"] = found

    assert problems == {}
