"""In Chromium: the demo's coordinator opens last year's autumn term report from the menu,
sees 527 meetings and the charts (SVG images that load under the strict CSP), downloads the
CSV, and opens the printable report. No page scrolls sideways on a phone and none breaks
the Content Security Policy. With $SCREENSHOTS set, each page is photographed there."""

from __future__ import annotations

import csv
import io
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from peermentoring.demo.builder import DEMO_PASSWORD
from peermentoring.demo.second_factors import DEMO_TOTP_KEY
from peermentoring.schools.models import School, Term
from tests.support.browser import sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, name: str) -> None:
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOTS"]) / name), full_page=True)


def test_the_coordinator_reads_last_autumns_report_downloads_it_and_prints_it(
    page, live_server, browser_errors
):
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    school = School.objects.get(slug="oakbrook")
    autumn = (
        Term.objects.for_school(school)
        .filter(name=Term.Name.AUTUMN)
        .select_related("academic_year")
        .order_by("starts_on")
        .first()
    )
    base = live_server.url
    sign_in(page, base, "helen.hewitt@oakbrook.example", DEMO_PASSWORD, secret=DEMO_TOTP_KEY)
    page.goto(f"{base}/s/oakbrook/")
    menu = page.locator("#school-menu")
    if not menu.get_by_role("link", name="Term report").is_visible():
        menu.get_by_text("Reports", exact=True).click()  # the group's drop-down
    menu.get_by_role("link", name="Term report").click()
    page.wait_for_url("**/evaluation/report/")
    # This term by default; choose last year's autumn term.
    page.get_by_label("Term").select_option(label=str(autumn))
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert (
        page.locator(".report-sentence")
        .inner_text()
        .startswith("From September to December there were 527 meetings")
    )
    assert page.locator('[data-figure="meetings_held"]').inner_text().startswith("527")
    # The charts load as images (an image the CSP or the server refused has no width).
    images = page.locator(".report-chart img")
    assert images.count() == 3
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=image.element_handle())
        assert image.evaluate("img => img.naturalWidth") > 100
        assert image.get_attribute("alt")
    shoot(page, "report-1-desktop.png")

    with page.expect_download() as found:
        page.locator(".report-downloads").get_by_role("link", name="CSV").click()
    download = found.value
    assert download.suggested_filename == f"oakbrook-report-autumn-{autumn.starts_on.year}.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Oakbrook Academy", str(autumn)]
    assert ["One-to-one meetings that happened", "527"] in rows
    weekly = rows.index(
        [
            "Week beginning",
            "Logged one by one",
            "Reported as a count",
            "Meetings",
            "Drop-in visitors",
        ]
    )
    total = 0
    for row in rows[weekly + 1 :]:
        if not row:
            break
        total += int(row[3])
    assert total == 527

    page.get_by_role("link", name="Printable report").click()
    page.wait_for_load_state()
    assert "print=1" in page.url
    page.emulate_media(media="print")
    assert page.get_by_role("heading", name="Peer mentoring at Oakbrook Academy").is_visible()
    assert "527 meetings" in page.locator(".report-print").inner_text()
    assert not page.locator("header.topbar").is_visible()
    assert not page.get_by_role("button", name="Print").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.emulate_media(media="screen")
    shoot(page, "report-2-print.png")

    # On a phone nothing scrolls sideways: tables become cards, the charts shrink.
    page.set_viewport_size({"width": 360, "height": 740})
    page.go_back()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(page, "report-3-phone.png")
    assert browser_errors == []


def test_the_report_and_its_printable_copy_pass_axe(browser, live_server):
    """axe-core's WCAG 2 A/AA and best-practice checks, as the demo-wide test runs them."""
    from peermentoring.demo.tests.test_browser_axe import AXE, AXE_TAGS, RUN_AXE

    if not AXE.exists():
        pytest.skip("axe-core is not installed: `make install-test` runs `npm ci`.")
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    school = School.objects.get(slug="oakbrook")
    autumn = Term.objects.for_school(school).filter(name=Term.Name.AUTUMN).order_by("starts_on")[0]
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "helen.hewitt@oakbrook.example", DEMO_PASSWORD, secret=DEMO_TOTP_KEY)
    problems = []
    for query in (
        f"term=autumn-{autumn.starts_on.year}",
        f"term=autumn-{autumn.starts_on.year}&print=1",
        "first=2025-12-01&last=2025-09-01",
    ):
        page.goto(f"{base}/s/oakbrook/evaluation/report/?{query}")
        page.add_script_tag(path=str(AXE))
        for v in page.evaluate(RUN_AXE, [AXE_TAGS, ""]):
            problems.append(f"{query}: {v['impact']} {v['id']}: {'; '.join(v['targets'])}")
    context.close()
    assert problems == []
