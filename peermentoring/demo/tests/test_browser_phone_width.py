"""From a 320 px phone to a 1024 px tablet no page scrolls sideways, and the header stays small.

On a phone every table becomes stacked cards (label: value); on a tablet tables close up, and
the widest grids (`cards-wide`: the training grid, the school day) stay cards up to 50rem. At
1280 px the same tables are still tables. The template check below keeps the one pattern
whole: every table sits in a `.table-wrap`, every data cell names its column in `data-label`
(the card's label on a phone), and no column header is empty. The menu's groups open and close
from the keyboard, and work without the script.
"""

from __future__ import annotations

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from peermentoring.demo.builder import DEMO_PASSWORD
from peermentoring.demo.second_factors import DEMO_TOTP_KEY
from peermentoring.matching.models import MatchRun
from peermentoring.schools.models import School
from peermentoring.training.models import TrainingSession
from tests.support.browser import sign_in as browser_sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PACKAGE = Path(__file__).resolve().parents[2]

# The widest pages before the cards: their tables needed sideways scrolling at 360 px; and
# the rest of the pages on the school admin's menu and a page of each kind below them.
MAIN_PAGES = [
    "calendar/",
    "school-day/edit/",
    "emails/",
    "training/grid/",
    "training/sessions/{session}/",
    "matching/referrals/",
    "matching/runs/{run}/",
    "matching/pairings/",
    "pupils/",
    "primaries/",
    "recruitment/",
    "audit/",
    "",
    "school-day/",
    "training/",
    "training/badges/",
    "matching/",
    "matching/mentors/",
    "matching/do-not-pair/",
    "matching/primary-links/",
    "pupils/import/",
    "people/",
    "reads/",
    "settings/",
    "messages/",
    "recruitment/interviews/",
]
# A small phone, a phone, a narrow window, a tablet upright, a tablet on its side.
WIDTHS = [320, 360, 700, 768, 900, 1024]

# How far the page reaches sideways: the document, or any element in <main> that scrolls
# sideways inside its own box (a wrapper with overflow-x: auto hides the overflow from the
# document's width, but the reader still has to scroll to see it).
SIDEWAYS_JS = """() => {
  const found = [];
  if (document.documentElement.scrollWidth > window.innerWidth) {
    found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  }
  for (const el of document.querySelectorAll('main *')) {
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
      found.push(`a ${el.tagName.toLowerCase()}.${el.className} scrolls to ${el.scrollWidth} px`);
    }
  }
  return found;
}"""


def sign_in(page, base: str, username: str) -> None:
    browser_sign_in(page, base, username, DEMO_PASSWORD, secret=DEMO_TOTP_KEY)
    page.wait_for_url(f"{base}/s/oakbrook/")


@pytest.fixture
def demo_admin_page(page, live_server, transactional_db):
    """The demo school, its school admin signed in; returns the page and the school's URLs."""
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    oakbrook = School.objects.get(slug="oakbrook")
    session = TrainingSession.objects.filter(school=oakbrook).order_by("pk").first()
    run = MatchRun.objects.filter(school=oakbrook).order_by("pk").first()
    assert session is not None and run is not None, "the demo has a training session and a run"
    sign_in(page, live_server.url, "gareth.jones@oakbrook.example")
    base = f"{live_server.url}/s/oakbrook/"
    return page, [base + p.format(session=session.pk, run=run.pk) for p in MAIN_PAGES]


@pytest.mark.browser
def test_no_page_scrolls_sideways_from_a_small_phone_to_a_tablet(demo_admin_page):
    page, urls = demo_admin_page
    wide = {}
    for url in urls:
        page.set_viewport_size({"width": 1280, "height": 800})
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            if found := page.evaluate(SIDEWAYS_JS):
                wide[f"{url} at {width} px"] = found
    assert wide == {}


HEADER_HEIGHT_JS = "() => document.querySelector('header.topbar').getBoundingClientRect().height"


@pytest.mark.browser
def test_the_header_takes_one_line_on_a_320_px_phone(demo_admin_page, live_server):
    page, urls = demo_admin_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(urls[MAIN_PAGES.index("")])
    assert page.evaluate(HEADER_HEIGHT_JS) < 120
    # The school's name, the bell, the person and "Menu" share one line without spilling over.
    assert page.evaluate("() => document.querySelector('.topbar-inner').scrollWidth") <= 320
    # The admin's long menu folds behind "Menu"; it opens below the bar.
    assert not page.locator("#school-menu").is_visible()
    page.click(".menu-toggle")
    assert page.locator("#school-menu").is_visible()
    assert page.locator(".menu-toggle").get_attribute("aria-expanded") == "true"

    # A mentor's short menu stays in sight, in the same small header.
    page.context.clear_cookies()
    sign_in(page, live_server.url, "george.begum")
    assert page.evaluate(HEADER_HEIGHT_JS) < 120
    assert page.locator(".menu-toggle").count() == 0
    assert page.get_by_role("link", name="My mentee").first.is_visible()


@pytest.mark.browser
def test_the_menu_s_groups_open_and_close_from_the_keyboard(demo_admin_page):
    page, urls = demo_admin_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(urls[MAIN_PAGES.index("")])
    nav = page.locator("#school-menu")
    assert nav.evaluate("el => el.getBoundingClientRect().height") < 60, "one line at 1280 px"
    school = nav.locator("summary", has_text="School")
    pupils = nav.get_by_role("link", name="Pupils", exact=True)
    assert not pupils.is_visible()

    school.focus()
    page.keyboard.press("Enter")
    assert pupils.is_visible()
    page.keyboard.press("Tab")
    assert pupils.evaluate("a => a === document.activeElement")
    page.keyboard.press("Escape")
    assert not pupils.is_visible()
    assert school.evaluate("s => s === document.activeElement")

    # One group open at a time; tabbing past a group's last link closes it.
    page.keyboard.press("Enter")
    nav.locator("summary", has_text="Referrals and matching").click()
    expect(pupils).to_be_hidden()
    page.keyboard.press("Escape")
    school.focus()
    page.keyboard.press("Enter")
    school_links = nav.locator("details", has=page.locator("summary", has_text="School"))
    assert school_links.locator("a").count() == 12
    for _ in range(12):
        page.keyboard.press("Tab")
    assert pupils.is_visible()
    page.keyboard.press("Tab")
    assert not pupils.is_visible()

    # On a phone the whole menu opens from "Menu", then a group folds out in place.
    page.set_viewport_size({"width": 360, "height": 800})
    page.locator(".menu-toggle").focus()
    page.keyboard.press("Enter")
    school.focus()
    page.keyboard.press("Enter")
    assert pupils.is_visible()
    assert page.evaluate(SIDEWAYS_JS) == []


@pytest.mark.browser
def test_the_menu_works_without_the_script(demo_admin_page, browser, live_server):
    _, urls = demo_admin_page
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    sign_in(page, live_server.url, "gareth.jones@oakbrook.example")
    nav = page.locator("#school-menu")
    pupils = nav.get_by_role("link", name="Pupils", exact=True)
    # No "Menu" button that would do nothing: the menu stays in sight, closed up.
    assert nav.is_visible()
    assert not page.locator(".menu-toggle").is_visible()
    # Four lines at most (was two, under 150 px, before the admin's "Meetings" link; three
    # before issue 16's "Reports" group). With the script it is one line and a Menu button.
    assert page.evaluate(HEADER_HEIGHT_JS) < 220
    nav.locator("summary", has_text="School").click()
    assert pupils.is_visible()
    pupils.click()
    page.wait_for_url(urls[MAIN_PAGES.index("pupils/")])
    page.set_viewport_size({"width": 1280, "height": 800})
    nav.locator("summary", has_text="School").click()
    assert pupils.is_visible()
    context.close()


@pytest.mark.browser
def test_the_cards_label_each_value_and_tables_stay_tables_on_a_wide_screen(demo_admin_page):
    page, urls = demo_admin_page
    calendar = urls[0]
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(calendar)
    cell = page.locator("main table tbody td[data-label='Ends']").first
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Ends"'
    # The headers are hidden from sight, not from screen readers.
    assert page.locator("main table thead").first.evaluate(
        "el => getComputedStyle(el).display"
    ) not in ("none", "table-header-group")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(calendar)
    assert (
        page.locator("main table thead").first.evaluate("el => getComputedStyle(el).display")
        == "table-header-group"
    )
    assert cell.evaluate("td => getComputedStyle(td).display") == "table-cell"
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") in ("none", "normal")


def _table_templates() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.glob("*/templates/**/*.html")
        if "<table" in path.read_text(encoding="utf-8")
    )


def test_every_table_template_uses_the_card_pattern():
    templates = _table_templates()
    assert len(templates) > 20
    problems = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(PACKAGE)
        wrapped = re.findall(r'class="table-wrap(?: [\w-]+)*"[^>]*>\s*<table', text)
        if text.count("<table") != len(wrapped):
            problems.append(f"{name}: a table outside a table-wrap")
        for cell in re.findall(r"<td\b[^>]*>", text):
            if "data-label=" not in cell and "colspan=" not in cell:
                problems.append(f"{name}: {cell} has no data-label")
        for header in re.findall(r"<th\b[^>]*>\s*</th>", text):
            problems.append(f"{name}: an empty header {header}")
    assert problems == []


@pytest.mark.browser
def test_the_trust_leads_pages_do_not_scroll_sideways(page, live_server, transactional_db):
    """The trust dashboard's figures table, side by side per school, fits every width."""
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    base = live_server.url
    browser_sign_in(page, base, "anne.marsh@riverside.example", DEMO_PASSWORD, DEMO_TOTP_KEY)
    urls = [f"{base}/t/riverside/", f"{base}/s/oakbrook/figures/"]
    wide = {}
    for url in urls:
        page.set_viewport_size({"width": 1280, "height": 800})
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            if found := page.evaluate(SIDEWAYS_JS):
                wide[f"{url} at {width} px"] = found
    assert wide == {}
