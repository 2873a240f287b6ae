"""In Chromium on a 360 px phone: the coordinator follows "Record a signed paper copy" from a
mentor's row on the policy's page, records it, and the row then says "On paper"; and
removes a paper record made by mistake, after the confirmation page. No page scrolls
sideways, axe-core finds nothing, and nothing breaks the Content Security
Policy."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.evaluation import evidence_services as services
from peermentoring.evaluation.models import PolicyAcknowledgement
from peermentoring.evaluation.tests.access_evidence import current_version, make_policy
from tests.support.browser import sign_in
from tests.support.factories import (
    MembershipFactory,
    MentorFactory,
    PupilFactory,
    UserFactory,
    this_year,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
PHONE = {"viewport": {"width": 360, "height": 740}}
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => `${v.id}: ${v.nodes.slice(0, 2).map(n => n.target).join('; ')}`);
}"""


def _problems(page) -> list[str]:
    """Sideways scrolling, and what axe-core finds (the test puts it in, bypassing the CSP)."""
    found = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 360:
        found.append(f"the page is {width} px wide")
    page.add_script_tag(path=str(AXE))
    return found + page.evaluate(RUN_AXE, AXE_TAGS)


def test_the_coordinator_records_a_paper_copy_on_a_phone(
    browser, live_server, school, browser_errors
):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install-test)")
    year = this_year(school)
    helen = UserFactory(
        email="helen.hewitt@oakbrook.example", first_name="Helen", last_name="Hewitt"
    )
    helen.set_password(PASSWORD)
    helen.save()
    MembershipFactory(user=helen, school=school, role=Role.COORDINATOR)
    for given, family in [("Amara", "Okafor-Whitfield"), ("Bartholomew", "Fennimore-Ashdown")]:
        pupil = PupilFactory(school=school, given_name=given, family_name=family)
        MentorFactory(school=school, pupil=pupil, academic_year=year)
    policy = make_policy(school, "Code of conduct for peer mentors and the mentees they meet")
    base = live_server.url

    page = browser.new_context(bypass_csp=True, **PHONE).new_page()
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    page.on("console", lambda m: browser_errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "helen.hewitt@oakbrook.example", PASSWORD)
    page.goto(f"{base}/s/oakbrook/evaluation/policies/{policy.pk}/")
    problems = {"policy page": _problems(page)}
    page.get_by_role("link", name="Record a signed paper copy for Amara Okafor-Whitfield").click()
    page.wait_for_url("**/paper/?pupil=*")
    problems["paper form"] = _problems(page)
    page.get_by_role("button", name="Record the paper copy").click()
    page.wait_for_load_state()
    problems["after"] = _problems(page)

    assert problems == {"policy page": [], "paper form": [], "after": []}
    assert page.get_by_text("On paper,").first.is_visible()
    assert page.get_by_text("recorded by Helen Hewitt").first.is_visible()
    ack = PolicyAcknowledgement.objects.get()
    assert ack.is_paper and ack.pupil.given_name == "Amara" and ack.by == helen
    assert browser_errors == []


def test_the_coordinator_removes_a_paper_record_made_by_mistake_on_a_phone(
    browser, live_server, school, browser_errors
):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install-test)")
    year = this_year(school)
    helen = UserFactory(
        email="helen.hewitt@oakbrook.example", first_name="Helen", last_name="Hewitt"
    )
    helen.set_password(PASSWORD)
    helen.save()
    MembershipFactory(user=helen, school=school, role=Role.COORDINATOR)
    pupil = PupilFactory(school=school, given_name="Amara", family_name="Okafor-Whitfield")
    MentorFactory(school=school, pupil=pupil, academic_year=year)
    policy = make_policy(school, "Code of conduct for peer mentors and the mentees they meet")
    services.record_paper_acknowledgement(
        version=current_version(policy), pupil=pupil, signed_on=timezone.localdate(), by=helen
    )
    base = live_server.url

    page = browser.new_context(bypass_csp=True, **PHONE).new_page()
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    page.on("console", lambda m: browser_errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "helen.hewitt@oakbrook.example", PASSWORD)
    page.goto(f"{base}/s/oakbrook/evaluation/policies/{policy.pk}/")
    problems = {"policy page": _problems(page)}
    page.get_by_role("link", name="Remove the paper record for Amara Okafor-Whitfield").click()
    page.wait_for_url("**/remove/")
    problems["confirmation"] = _problems(page)
    page.get_by_role("button", name="Remove the paper record").click()
    page.wait_for_url(f"**/policies/{policy.pk}/")
    problems["after"] = _problems(page)

    assert problems == {"policy page": [], "confirmation": [], "after": []}
    assert page.get_by_text("The paper record for Amara Okafor-Whitfield was removed.").is_visible()
    assert page.get_by_text("Not yet").first.is_visible()
    assert not PolicyAcknowledgement.objects.exists()
    assert browser_errors == []
