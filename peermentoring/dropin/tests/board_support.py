"""Rows the notice board's tests build: mentors in 2025-26, published rotas and duties made
directly with the models (the rota's own services are another area's), and pictures."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib
from typing import Any

from django.utils import timezone
from PIL import Image

from peermentoring.dropin.models import Duty, Room, Rota
from peermentoring.dropin.schedule import rooms_for
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import School, SchoolDayWindow
from tests.support.builders import safeguarding_module
from tests.support.factories import MentorFactory, ModuleCompletionFactory, PupilFactory
from tests.support.meetings import year_2025

# Wednesday 19 November 2025, in the autumn term's second half (3 November to 19 December).
TODAY = dt.date(2025, 11, 19)
AUTUMN_2 = (dt.date(2025, 11, 3), dt.date(2025, 12, 19))


def at_day(monkeypatch: Any, day: dt.date = TODAY) -> dt.date:
    """Set the board's date (the screen, the print page, the feeds' window)."""
    monkeypatch.setattr("peermentoring.dropin.board.today", lambda: day)
    return day


def trained_mentor(school: School, given_name: str = "Kwame", **pupil: Any) -> Mentor:
    """A trained Year 10 mentor of 2025-26."""
    fields = {"year_group": 10, "form_group": "10B", **pupil}
    mentor: Mentor = MentorFactory(
        school=school,
        pupil=PupilFactory(school=school, given_name=given_name, **fields),
        academic_year=year_2025(school),
        status=Mentor.Status.TRAINED,
    )
    ModuleCompletionFactory(
        mentor=mentor, module=safeguarding_module(school), completed_on=dt.date(2025, 9, 10)
    )
    return mentor


def rota(
    school: School,
    first: dt.date = AUTUMN_2[0],
    last: dt.date = AUTUMN_2[1],
    *,
    published: bool = True,
) -> Rota:
    year_2025(school)
    return Rota.objects.create(
        school=school,
        starts_on=first,
        ends_on=last,
        published_at=timezone.now() if published else None,
    )


def room_of(school: School) -> Room:
    return rooms_for(school)[0]


def on_duty(
    the_rota: Rota, mentor: Mentor, day: dt.date, kind: str = "lunch", room: Room | None = None
) -> Duty:
    school = the_rota.school
    window = SchoolDayWindow.objects.get(school=school, weekday=day.weekday(), kind=kind)
    return Duty.objects.create(
        school=school,
        rota=the_rota,
        room=room or room_of(school),
        window=window,
        held_on=day,
        mentor=mentor,
    )


def weekly(the_rota: Rota, mentor: Mentor, weekday: int, kind: str = "lunch") -> list[Duty]:
    """A duty on that weekday every week of the rota (half-term days included: tests only)."""
    day = the_rota.starts_on + dt.timedelta(days=(weekday - the_rota.starts_on.weekday()) % 7)
    duties = []
    while day <= the_rota.ends_on:
        duties.append(on_duty(the_rota, mentor, day, kind))
        day += dt.timedelta(days=7)
    return duties


# --- Pictures ---------------------------------------------------------------------------


def picture(
    size: tuple[int, int] = (800, 600),
    fmt: str = "JPEG",
    mode: str = "RGB",
    colour: Any = (200, 40, 40),
    **save: Any,
) -> bytes:
    image = Image.new(mode, size, colour)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def noisy_jpeg(size: tuple[int, int] = (600, 600)) -> bytes:
    """A photo-like JPEG (noise does not compress), tens of kilobytes."""
    image = Image.effect_noise(size, 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header declares `width` × `height` pixels (a decompression bomb's
    shape: the header is all Pillow reads before deciding to decode)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    rows = zlib.compress(b"\x00" * 4096, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )
