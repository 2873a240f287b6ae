"""On a 360 px phone no page scrolls sideways: every table becomes stacked cards (label: value).

At 1280 px the same tables are still tables. The template check below keeps the one pattern
whole: every table sits in a `.table-wrap`, every data cell names its column in `data-label`
(the card's label on a phone), and no column header is empty.
"""

from __future__ import annotations

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from peermentoring.demo.builder import DEMO_PASSWORD
from peermentoring.matching.models import MatchRun
from peermentoring.schools.models import School
from peermentoring.training.models import TrainingSession

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PACKAGE = Path(__file__).resolve().parents[2]

# The widest pages before the cards: their tables needed sideways scrolling at 360 px.
WIDE_PAGES = [
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
]

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


@pytest.fixture
def demo_admin_page(page, live_server, transactional_db):
    """The demo school, its school admin signed in; returns the page and the school's URLs."""
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    oakbrook = School.objects.get(slug="oakbrook")
    session = TrainingSession.objects.filter(school=oakbrook).order_by("pk").first()
    run = MatchRun.objects.filter(school=oakbrook).order_by("pk").first()
    assert session is not None and run is not None, "the demo has a training session and a run"
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "gareth.jones@oakbrook.example")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/s/oakbrook/")
    base = f"{live_server.url}/s/oakbrook/"
    return page, [base + p.format(session=session.pk, run=run.pk) for p in WIDE_PAGES]


@pytest.mark.browser
def test_no_page_scrolls_sideways_on_a_360_px_phone(demo_admin_page):
    page, urls = demo_admin_page
    page.set_viewport_size({"width": 360, "height": 800})
    wide = {}
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        if found := page.evaluate(SIDEWAYS_JS):
            wide[url] = found
    assert wide == {}


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
        if text.count("<table") != len(re.findall(r'class="table-wrap"[^>]*>\s*<table', text)):
            problems.append(f"{name}: a table outside a table-wrap")
        for cell in re.findall(r"<td\b[^>]*>", text):
            if "data-label=" not in cell and "colspan=" not in cell:
                problems.append(f"{name}: {cell} has no data-label")
        for header in re.findall(r"<th\b[^>]*>\s*</th>", text):
            problems.append(f"{name}: an empty header {header}")
    assert problems == []
