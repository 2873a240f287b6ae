"""In Chromium: the notice board prints on one A4 landscape page (the page's own @page size),
or A3 landscape when asked; photos and initials show, and the page breaks no CSP rule."""

from __future__ import annotations

import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peermentoring.dropin import board_services
from peermentoring.dropin.tests.board_support import (
    at_day,
    noisy_jpeg,
    rota,
    trained_mentor,
    weekly,
)
from tests.support.browser import sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
# PDF points: A4 is 297 × 210 mm, A3 420 × 297 mm; 72 points an inch.
A4_LANDSCAPE = (841.9, 595.3)
A3_LANDSCAPE = (1190.6, 841.9)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def close(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return all(abs(a - b) < 2 for a, b in zip(size, expected, strict=True))


def test_the_board_prints_on_one_a4_landscape_page(
    browser, live_server, school, coordinator, browser_errors, monkeypatch
):
    at_day(monkeypatch)
    the_rota = rota(school)
    for n, name in enumerate(["Kwame", "Lily", "Ama", "Ben", "Chloe", "Dev", "Ezra", "Femi"]):
        mentor = trained_mentor(school, name, form_group=f"10{'ABC'[n % 3]}")
        weekly(the_rota, mentor, weekday=n % 5, kind="lunch" if n % 2 else "break")
        if n % 2 == 0:
            board_services.record_photo_consent(mentor=mentor, by=None)
            upload = SimpleUploadedFile("p.jpg", noisy_jpeg((300, 300)), "image/jpeg")
            board_services.upload_photo(mentor=mentor, upload=upload, size=upload.size, by=None)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    sign_in(page, base, coordinator.username, PASSWORD)

    page.goto(f"{base}/s/{school.slug}/dropin/board/")
    assert page.locator(".board-card").count() == 8
    assert page.locator("img.board-photo").count() == 4
    assert all(
        page.locator("img.board-photo").evaluate_all("els => els.map(e => e.naturalWidth > 0)")
    )
    page.emulate_media(media="print")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/board-print.png", full_page=True)
    a4 = page.pdf(prefer_css_page_size=True, print_background=True)

    assert [close(size, A4_LANDSCAPE) for size in page_sizes(a4)] == [True]  # one page, A4 wide

    page.emulate_media(media="screen")  # the page as staff see it, to choose the paper
    page.get_by_role("link", name="A3 landscape").click()
    page.wait_for_url("**/board/?paper=a3")
    page.emulate_media(media="print")
    a3 = page.pdf(prefer_css_page_size=True, print_background=True)

    assert page_sizes(a3) and all(close(size, A3_LANDSCAPE) for size in page_sizes(a3))
    assert not browser_errors, browser_errors
