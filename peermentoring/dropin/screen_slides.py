"""Slides other apps show on the corridor screen, in turn with the notice board's own.

The drop-in stands below the apps that add slides (outreach's bullying board), so it
imports none of them: each registers a function here from its AppConfig.ready(), and the
screen asks every registered function for its slides at each request, in the order they
were registered. The screen shows the board, then the first added slide, the board again,
the next slide, and so on (static/dropin/screen.js; without it, everything one under the
other).

A slide holds words, and optionally a picture and a QR code. The screen is opened without
signing in, by its secret link: a picture's address must be one that checks the same link
(`ScreenRequest.token`), and a slide shows only what may hang in a corridor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString

from peermentoring.schools.models import School


@dataclass(frozen=True)
class ScreenRequest:
    """The screen asking for slides: its school and the token of its link."""

    school: School
    token: str


@dataclass(frozen=True)
class ScreenSlide:
    """One slide: a heading and words; a picture reached through the screen link; a QR code."""

    title: str
    text: str = ""
    kicker: str = ""  # a few words above the title: "Where to get help"
    picture_url: str = ""
    picture_alt: str = ""
    # SVG markup the providing app drew on the server from its own data (never a user's).
    qr_svg: SafeString | None = None
    qr_caption: str = ""


SlideProvider = Callable[[ScreenRequest], Sequence[ScreenSlide]]

_providers: dict[str, SlideProvider] = {}


def register_screen_slides(key: str, provider: SlideProvider) -> None:
    """Add a source of slides to every school's corridor screen (the same key replaces it)."""
    _providers[key] = provider


def screen_slides(screen: ScreenRequest) -> list[ScreenSlide]:
    """Every registered source's slides for this screen, in the order they were registered."""
    slides: list[ScreenSlide] = []
    for provider in _providers.values():
        slides.extend(provider(screen))
    return slides
