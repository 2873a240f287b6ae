"""'Hide screen' on a staff page: the header's button, or Escape twice, blanks a shared
classroom display at once; only a click on the cover shows the page again. Pupils have no
such button."""

from __future__ import annotations

import base64
import os

import pytest

from peermentoring.core.roles import Role
from tests.support.factories import MembershipFactory, UserFactory

from .test_browser_sign_in import sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Whether any of the page's own words can be seen (an element is seen if it is the topmost one at its centre).
PAGE_WORDS_SEEN_JS = """() => {
  const seen = [];
  for (const el of document.querySelectorAll('h1, main p, .brand, .account-menu summary')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || box.bottom < 0 || box.top > innerHeight) continue;
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (top && (el === top || el.contains(top))) seen.push(el.textContent.trim());
  }
  return seen;
}"""


PLAINEST_COLOUR_JS = """async (src) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, img.width, img.height).data;
  const counts = new Map();
  for (let i = 0; i < data.length; i += 4) {
    const colour = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    counts.set(colour, (counts.get(colour) || 0) + 1);
  }
  return Math.max(...counts.values()) / (data.length / 4);
}"""


def plain_share(page) -> float:
    """The share of a screenshot's pixels in its commonest colour (worked out in a blank tab)."""
    picture = "data:image/png;base64," + base64.b64encode(page.screenshot()).decode()
    blank = page.context.new_page()
    try:
        return blank.evaluate(PLAINEST_COLOUR_JS, picture)
    finally:
        blank.close()


def cover_box(page) -> dict | None:
    cover = page.locator(".screen-cover")
    if cover.count() == 0 or not cover.is_visible():
        return None
    return cover.bounding_box()


def assert_hidden(page, width: int, height: int) -> None:
    box = cover_box(page)
    assert box is not None, "the screen is not hidden"
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, width, height)
    assert page.evaluate(PAGE_WORDS_SEEN_JS) == []
    assert page.title() == "Peer mentoring"
    # A plain panel: all but a line of its own small print is one colour.
    assert plain_share(page) > 0.97


def assert_shown(page) -> None:
    assert cover_box(page) is None
    assert "Oakbrook Academy" in page.evaluate(PAGE_WORDS_SEEN_JS)
    assert "Oakbrook Academy" in page.title()


@pytest.fixture
def trust_lead(school):
    user = UserFactory(first_name="Ruth")
    MembershipFactory(user=user, school=school, role=Role.TRUST_LEAD)
    return user


def test_the_button_hides_the_screen_and_only_a_click_shows_it(
    page, live_server, coordinator, browser_errors
):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, coordinator.email)
    page.wait_for_url(f"{live_server.url}/s/oakbrook/")
    assert_shown(page)
    assert plain_share(page) < 0.9

    button = page.get_by_role("button", name="Hide screen")
    assert button.inner_text() == "Hide screen"
    button.click()
    assert_hidden(page, 1280, 800)
    # A screen reader hears that the screen is hidden, not the page behind.
    assert page.locator("[role=dialog][aria-label='Screen hidden']").is_visible()
    assert page.locator("main").evaluate("m => m.closest('[inert]') !== null")

    # Stray keys leave it hidden.
    for key in ["Escape", "Enter", " ", "Tab", "a"]:
        page.keyboard.press(key)
    assert_hidden(page, 1280, 800)

    page.mouse.click(640, 400)
    assert_shown(page)
    assert [e for e in browser_errors if "Content Security Policy" in e] == []


def test_escape_twice_hides_the_screen_and_a_tap_shows_it(page, live_server, dsl):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url, dsl.email)
    page.wait_for_url(f"{live_server.url}/s/oakbrook/")
    page.locator("main").click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert_hidden(page, 360, 740)
    page.keyboard.press("Escape")
    assert_hidden(page, 360, 740)
    page.mouse.click(100, 100)
    assert_shown(page)

    # An Escape that closes a drop-down is spent on it: closing the account menu and then
    # pressing Escape once leaves the page in sight.
    page.locator(".account-menu summary").click()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert_shown(page)
    page.keyboard.press("Escape")
    assert_hidden(page, 360, 740)


def test_the_button_reached_by_keyboard_and_fits_a_phone_header(page, live_server, trust_lead):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server.url, trust_lead.email)
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/s/oakbrook/")
    assert page.evaluate("() => document.querySelector('.topbar-inner').scrollWidth") <= 320
    button = page.get_by_role("button", name="Hide screen")
    assert button.is_visible()
    # On a small phone the button is its icon; its name stays for a screen reader.
    assert button.evaluate("b => b.getBoundingClientRect().width") < 60
    button.focus()
    page.keyboard.press("Enter")
    assert_hidden(page, 320, 640)


def test_a_pupil_has_no_hide_screen_button(page, live_server, mentor):
    sign_in(page, live_server.url, mentor.username)
    page.wait_for_url(f"{live_server.url}/s/oakbrook/")
    assert page.get_by_role("button", name="Hide screen").count() == 0
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert page.locator(".screen-cover").count() == 0
