"""Oakbrook's events and its bullying board, through the outreach services.

To be called by `demo.builder.load_demo` after the drop-in (the room's "where" is on the
board). This year: the Year 7 welcome assembly (if the term has begun) and this year's
Anti-Bullying Week in November, in the week the national one usually falls in, with six of
this year's mentors (its reach once it is over, its plan before). Last year: the welcome
assembly, the Year 6 open evening, Anti-Bullying Week, a Safer Internet Day assembly and
the end-of-year mentor celebration, with last year's mentors. The board: two messages and
two posters on it (their pictures are drawings made here, not photos of anyone), a
message kept off it for later, and where to get help: Childline, a member of staff, the
Peer Mentoring room.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.dropin.schedule import rooms_for
from peermentoring.mentors.models import Mentor
from peermentoring.outreach import board_services, event_services
from peermentoring.outreach.board_services import ItemFields
from peermentoring.outreach.event_services import EventFields
from peermentoring.outreach.models import Event
from peermentoring.schools.models import AcademicYear, Membership, School, Term

ABW_MENTORS = 6


def _on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _autumn(year: AcademicYear) -> Term:
    return year.terms.get(name=Term.Name.AUTUMN)


def _event(school: School, year: AcademicYear, by: User, fields: EventFields) -> Event:
    return event_services.create_event(school=school, academic_year=year, fields=fields, by=by)


def _this_years_events(
    school: School, year: AcademicYear, by: User, rng: random.Random, today: dt.date
) -> None:
    mentors = list(
        Mentor.objects.for_school(school).for_year(year).trained().select_related("pupil")
    )
    welcome = _on_or_after(_autumn(year).starts_on + dt.timedelta(days=1), 2)  # a Wednesday
    if welcome < today:
        welcome_fields = EventFields(
            kind=Event.Kind.ASSEMBLY,
            name="Year 7 welcome assembly",
            starts_on=welcome,
            ends_on=welcome,
            audience="Year 7",
            reach=212,
            notes="The mentors introduced themselves and the drop-in room.",
            mentors=rng.sample(mentors, min(8, len(mentors))),
        )
        _event(school, year, by, welcome_fields)
    week = event_services.suggested_anti_bullying_week(year)
    if week is None:
        return
    over = week[1] < today
    week_fields = EventFields(
        mentors=rng.sample(mentors, min(ABW_MENTORS, len(mentors))),
        kind=Event.Kind.ANTI_BULLYING_WEEK,
        name=event_services.anti_bullying_week_name(year),
        starts_on=week[0],
        ends_on=week[1],
        audience="The whole school",
        reach=1140 if over else None,
        notes=(
            "Odd Socks Day on the Monday; an assembly for each year group led by the peer "
            "mentors; the bullying board's new posters; the drop-in room open every lunchtime."
            if over
            else "Plan: Odd Socks Day on the Monday, an assembly for each year group led by "
            "the mentors, new posters for the bullying board."
        ),
    )
    _event(school, year, by, week_fields)


def _last_years_events(school: School, year: AcademicYear, by: User, rng: random.Random) -> None:
    mentors = list(Mentor.objects.for_school(school).for_year(year).select_related("pupil"))
    terms = {t.name: t for t in year.terms.all()}
    autumn, spring, summer = (
        terms[Term.Name.AUTUMN],
        terms[Term.Name.SPRING],
        terms[Term.Name.SUMMER],
    )
    welcome = _on_or_after(autumn.starts_on + dt.timedelta(days=1), 2)
    open_evening = _on_or_after(autumn.starts_on + dt.timedelta(days=21), 3)  # a Thursday
    internet_day = _on_or_after(dt.date(spring.starts_on.year, 2, 8), 1)  # a Tuesday
    celebration = _on_or_after(summer.ends_on - dt.timedelta(days=10), 3)
    week = event_services.suggested_anti_bullying_week(year)
    plans = [
        (Event.Kind.ASSEMBLY, "Year 7 welcome assembly", welcome, welcome, "Year 7", 205, 8, ""),
        (
            Event.Kind.OPEN_EVENING,
            "Year 6 open evening",
            open_evening,
            open_evening,
            "Year 6 pupils and their parents",
            340,
            6,
            "Mentors showed families round and talked about starting in Year 7.",
        ),
        (
            Event.Kind.ASSEMBLY,
            "Safer Internet Day assembly",
            internet_day,
            internet_day,
            "Year 7 and Year 8",
            415,
            4,
            "Mentors' role-play: what to do about an unkind group chat.",
        ),
        (
            Event.Kind.CELEBRATION,
            "Peer mentors' celebration",
            celebration,
            celebration,
            "Mentors, their families and staff",
            64,
            len(mentors),
            "Certificates of contribution and hoodies for next year's experienced mentors.",
        ),
    ]
    if week is not None:
        plans.append(
            (
                Event.Kind.ANTI_BULLYING_WEEK,
                event_services.anti_bullying_week_name(year),
                week[0],
                week[1],
                "The whole school",
                1095,
                ABW_MENTORS,
                "Odd Socks Day; assemblies by the mentors for each year group.",
            )
        )
    for kind, name, first, last, audience, reach, how_many, notes in plans:
        fields = EventFields(
            kind=kind,
            name=name,
            starts_on=first,
            ends_on=last,
            audience=audience,
            reach=reach,
            notes=notes,
            mentors=rng.sample(mentors, min(how_many, len(mentors))),
        )
        _event(school, year, by, fields)


# --- The board's posters: drawings, not photos --------------------------------------------


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _centred(draw: ImageDraw.ImageDraw, y: float, text: str, size: int, fill: str) -> None:
    font = _font(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    width = draw.im.size[0]
    draw.text(((width - (right - left)) / 2, y), text, font=font, fill=fill)


def together_poster(width: int = 900, height: int = 1200) -> bytes:
    """A row of simple figures holding hands under "Stand together"."""
    image = Image.new("RGB", (width, height), "#13653f")
    draw = ImageDraw.Draw(image)
    _centred(draw, 80, "STAND", 140, "#ffffff")
    _centred(draw, 230, "TOGETHER", 140, "#ffd23f")
    colours = ["#f25f5c", "#ffe066", "#70c1b3", "#a29bfe", "#ff9f1c"]
    step = width / (len(colours) + 1)
    for n, colour in enumerate(colours, start=1):
        x = step * n
        draw.ellipse([x - 55, 560, x + 55, 670], fill="#f6e0b5")  # a head
        draw.rounded_rectangle([x - 70, 690, x + 70, 960], 40, fill=colour)  # a body
        draw.rectangle([x - 50, 960, x - 15, 1080], fill="#2b2b2b")  # legs
        draw.rectangle([x + 15, 960, x + 50, 1080], fill="#2b2b2b")
    draw.line([(step * 0.6, 780), (step * (len(colours) + 0.4), 780)], fill="#f6e0b5", width=24)
    _centred(draw, 1110, "Bullying stops when we stand together", 48, "#ffffff")
    return _jpeg(image)


def online_poster(width: int = 900, height: int = 1200) -> bytes:
    """A phone with a heart on its screen under "Be kind online"."""
    image = Image.new("RGB", (width, height), "#1d4f91")
    draw = ImageDraw.Draw(image)
    _centred(draw, 70, "BE KIND", 140, "#ffffff")
    _centred(draw, 220, "ONLINE", 140, "#ffd23f")
    draw.rounded_rectangle([270, 430, 630, 1060], 50, fill="#1b1b1b")
    draw.rounded_rectangle([295, 480, 605, 990], 20, fill="#cde7f0")
    cx, cy = 450, 720
    draw.ellipse([cx - 110, cy - 90, cx + 10, cy + 30], fill="#e63946")
    draw.ellipse([cx - 10, cy - 90, cx + 110, cy + 30], fill="#e63946")
    draw.polygon([(cx - 106, cy - 10), (cx + 106, cy - 10), (cx, cy + 120)], fill="#e63946")
    _centred(draw, 1100, "Screenshot it. Report it. Tell us.", 48, "#ffffff")
    return _jpeg(image)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _board(school: School, by: User) -> None:
    room = rooms_for(school)[0]
    where = f"{room.where}: " if room.where else ""
    items: list[tuple[ItemFields, bytes | None]] = [
        (
            ItemFields(
                kind="message",
                title="You are not on your own",
                body="Everyone deserves to feel safe at school. If something is wrong, tell us: "
                "you can choose not to give your name.",
                is_published=True,
            ),
            None,
        ),
        (
            ItemFields(
                kind="poster",
                title="Stand together",
                body="Bullying stops when we stand together.",
                is_published=True,
            ),
            together_poster(),
        ),
        (
            ItemFields(
                kind="help",
                title="Childline",
                body="Call 0800 1111, free, day or night, or talk online at childline.org.uk. "
                "The call does not show on the phone bill.",
                is_published=True,
            ),
            None,
        ),
        (
            ItemFields(
                kind="help",
                title="Tell a member of staff",
                body="Your form tutor, your head of year or any teacher you trust. "
                "They will listen, and they will help.",
                is_published=True,
            ),
            None,
        ),
        (
            ItemFields(
                kind="poster",
                title="Be kind online",
                body="Think before you post. Screenshot it, report it, tell us.",
                is_published=True,
            ),
            online_poster(),
        ),
        (
            ItemFields(
                kind="help",
                title=f"The {room.name}",
                body=f"{where}open at break and lunch, Monday to Friday. "
                "Come and talk to a peer mentor.",
                is_published=True,
            ),
            None,
        ),
        (
            ItemFields(
                kind="message",
                title="Bystander? Be an upstander",
                body="If you see bullying, don't join in and don't walk past: tell someone.",
                is_published=False,
            ),
            None,
        ),
    ]
    for fields, picture in items:
        upload = SimpleUploadedFile("poster.jpg", picture, "image/jpeg") if picture else None
        board_services.create_item(
            school=school,
            fields=fields,
            upload=upload,
            size=upload.size if upload else None,
            by=by,
        )


def load_events_demo(school: School) -> None:
    """This year's and last year's events, and the bullying board, for the demo school."""
    rng = random.Random(1511)
    today = timezone.localdate()
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    this_year, last_year = AcademicYear.objects.for_school(school)[:2]
    _last_years_events(school, last_year, coordinator, rng)
    _this_years_events(school, this_year, coordinator, rng, today)
    _board(school, coordinator)
