"""Other apps' slides on the corridor screen (screen_slides.py): the drop-in imports none of
them; each registers a function, and the screen shows its slides in turn with the board."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.safestring import mark_safe

from peermentoring.dropin import board_services, screen_slides
from peermentoring.dropin.screen_slides import ScreenRequest, ScreenSlide
from peermentoring.dropin.tests.board_support import at_day, rota, trained_mentor, weekly


@pytest.fixture
def screen(school, monkeypatch):
    at_day(monkeypatch)
    weekly(rota(school), trained_mentor(school, "Kwame"), weekday=0, kind="lunch")
    made = board_services.create_screen_link(school=school, label="Year 7 corridor", by=None)
    return reverse("dropin:screen", args=[school.slug, made.token]), made.token


@pytest.fixture
def asked(monkeypatch):
    """Only this test's source of slides; what it was asked is kept."""
    seen: list[ScreenRequest] = []

    def provider(request: ScreenRequest) -> list[ScreenSlide]:
        seen.append(request)
        return [
            ScreenSlide(title="Be kind online", text="Think before you post.", kicker="Message"),
            ScreenSlide(
                title="Childline",
                text="0800 1111",
                picture_url="/pictures/1.jpg",
                picture_alt="Poster: Childline",
                qr_svg=mark_safe('<svg class="qr"></svg>'),
                qr_caption="Scan to tell us",
            ),
        ]

    monkeypatch.setattr(screen_slides, "_providers", {"test": provider})
    return seen


def test_a_registered_sources_slides_follow_the_board_on_the_screen(school, screen, asked, client):
    url, token = screen

    text = client.get(url).text

    assert asked == [ScreenRequest(school=school, token=token)]
    board = text.index('data-slide="board"')
    first, second = text.index("Be kind online"), text.index("Childline")
    assert board < first < second
    assert "Kwame" in text[board:first]  # the mentors' board is the first slide
    assert text.count('data-slide="extra"') == 2
    assert 'src="/pictures/1.jpg" alt="Poster: Childline"' in text
    assert '<svg class="qr"></svg><figcaption>Scan to tell us</figcaption>' in text
    assert "/static/dropin/screen.js" in text


def test_slide_words_are_escaped(screen, monkeypatch, client):
    url, _ = screen
    monkeypatch.setattr(
        screen_slides,
        "_providers",
        {"test": lambda request: [ScreenSlide(title="<script>alert(1)</script>")]},
    )

    text = client.get(url).text

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_without_slides_the_screen_is_the_board_alone_and_loads_no_script(
    screen, monkeypatch, client
):
    url, _ = screen
    monkeypatch.setattr(screen_slides, "_providers", {})

    text = client.get(url).text

    assert 'data-slide="extra"' not in text
    assert "screen.js" not in text
    assert "<script" not in text


def test_registering_the_same_key_again_replaces_the_source(monkeypatch, school):
    monkeypatch.setattr(screen_slides, "_providers", {})
    screen_slides.register_screen_slides("a", lambda r: [ScreenSlide(title="old")])
    screen_slides.register_screen_slides("a", lambda r: [ScreenSlide(title="new")])

    slides = screen_slides.screen_slides(ScreenRequest(school=school, token="t"))

    assert [s.title for s in slides] == ["new"]
