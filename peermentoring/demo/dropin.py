"""The drop-in room at Oakbrook: the room, mentors' availability and photos, this
half-term's published rota, and the visits recorded last year and this year to date.

Called by `demo.builder.load_demo` after supervision. The room is the default one
(break and lunch every day) with where to find it. Every mentor serving this year has
their availability recorded (the kinds of window their application gave, less a day
or two for clubs). Most have photo consent recorded and a photo: generated drawings,
not of real people. The rota for the half-term that holds today is built by the
solver through the rota services and published; its duties before today are done,
but for a few absences and one or two missed. Visits are counted at every opening of
every teaching day last year and this year up to the last school day before today:
mostly Year 7, some Year 8, now and then an older pupil, busiest in the first weeks
of the autumn term and in anti-bullying week.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.utils import timezone
from PIL import Image, ImageDraw

from peermentoring.core.roles import Role
from peermentoring.dropin import rota_services
from peermentoring.dropin.availability import availability_for
from peermentoring.dropin.models import Duty, DutyAvailability, MentorPhoto, Room, Visit
from peermentoring.dropin.rota_plan import weekdays_of
from peermentoring.dropin.schedule import openings_between, periods_around, rooms_for
from peermentoring.meetings.services import topics_for
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, Membership, School, SchoolDayWindow

WHERE = "Room S12, next to the library"
PHOTO_CONSENT = 0.8  # of this year's mentors, those whose photo consent is recorded
NAMED = 0.04  # of visits, those with a visitor named
SKIN = ["#f1c6a5", "#e0ac69", "#c68642", "#8d5524", "#ffdbac", "#a16e4b"]
HAIR = ["#2c1b10", "#4a3021", "#a0522d", "#e6be8a", "#1b1b1b", "#6b4423"]
BACKGROUND = ["#cde7f0", "#f6e0b5", "#d8f0cd", "#ecd5f2", "#f9d3c8", "#d6ddf5"]


def avatar(rng: random.Random, size: int = 480) -> bytes:
    """A drawn head and shoulders, as a JPEG: a stand-in photo of nobody."""
    image = Image.new("RGB", (size, size), rng.choice(BACKGROUND))
    draw = ImageDraw.Draw(image)
    skin, hair = rng.choice(SKIN), rng.choice(HAIR)
    jumper = rng.choice(["#1d3d6b", "#7a1f2b", "#2f5d3a", "#3a3a3a"])
    s = size / 480
    draw.ellipse([90 * s, 360 * s, 390 * s, 620 * s], fill=jumper)  # shoulders
    draw.rectangle([205 * s, 300 * s, 275 * s, 380 * s], fill=skin)  # neck
    if rng.random() < 0.5:  # long hair behind the head
        draw.rounded_rectangle([120 * s, 110 * s, 360 * s, 400 * s], 60 * s, fill=hair)
    draw.ellipse([140 * s, 110 * s, 340 * s, 340 * s], fill=skin)  # face
    draw.chord([130 * s, 80 * s, 350 * s, 260 * s], 180, 360, fill=hair)  # fringe
    for x in (195, 285):  # eyes
        draw.ellipse([(x - 10) * s, 215 * s, (x + 10) * s, 235 * s], fill="#2b2b2b")
    draw.arc(
        [200 * s, 240 * s, 280 * s, 300 * s], 20, 160, fill="#7a3b2e", width=max(2, int(5 * s))
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _availability(school: School, mentors: list[Mentor], rng: random.Random) -> None:
    windows = list(SchoolDayWindow.objects.for_school(school))
    defaults = availability_for(mentors, windows)
    rows = []
    for mentor in mentors:
        ids, _ = defaults[mentor.pk]
        chosen = [w for w in windows if w.pk in ids]
        # A club or a team practice takes a day or two of lunches or breaks.
        busy_days = set(rng.sample(range(5), rng.choice([0, 1, 1, 2])))
        kept = [w for w in chosen if w.weekday not in busy_days] or chosen
        rows += [DutyAvailability(mentor=mentor, window=w) for w in kept]
    DutyAvailability.objects.bulk_create(rows, ignore_conflicts=True)


def _photos(mentors: list[Mentor], rng: random.Random, by: object) -> None:
    now = timezone.now()
    rows = []
    for mentor in mentors:
        consent = rng.random() < PHOTO_CONSENT
        photo = MentorPhoto(mentor=mentor)
        if consent:
            image = avatar(rng)
            photo.consent_recorded_at = now
            photo.consent_recorded_by = by  # type: ignore[assignment]
            photo.image = image
            photo.width = photo.height = 480
            photo.uploaded_at = now
            photo.uploaded_by = by  # type: ignore[assignment]
        rows.append(photo)
    MentorPhoto.objects.bulk_create(rows)


def _visits(school: School, room: Room, first: dt.date, last: dt.date, rng: random.Random) -> int:
    """A count at every opening of every teaching day from `first` to `last`."""
    topics = topics_for(school)
    rows: list[Visit] = []
    chosen_topics: list[list[int]] = []
    recorder = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    for dated in openings_between(school, first, last):
        if dated.room != room:
            continue
        day = dated.day
        busy = 1.0
        if day.month == 9 and day.day < 30:
            busy = 1.6  # the first weeks at secondary school
        elif day.month == 11 and 10 <= day.day <= 21:
            busy = 1.4  # anti-bullying week
        lunch = dated.window.kind == SchoolDayWindow.Kind.LUNCH
        year7 = max(0, round(rng.gauss(5 if lunch else 3, 2) * busy))
        year8 = max(0, round(rng.gauss(1.2, 1)))
        older = 1 if rng.random() < 0.05 else 0
        names = ""
        if rng.random() < NAMED and year7:
            names = rng.choice(["Came with a friend from 7B", "One pupil new to the school"])
        rows.append(
            Visit(
                school=school,
                room=room,
                window=dated.window,
                held_on=day,
                year7=year7,
                year8=year8,
                older=older,
                names=names,
                recorded_by=recorder,
                recorded_at=timezone.make_aware(dt.datetime.combine(day, dated.window.end_time)),
            )
        )
        chosen_topics.append(
            [t.pk for t in rng.sample(topics, rng.choice([0, 1, 1, 2]))] if year7 + year8 else []
        )
    made = Visit.objects.bulk_create(rows)
    through = Visit.topics.through
    through.objects.bulk_create(
        [
            through(visit_id=visit.pk, topic_id=topic_id)
            for visit, topic_ids in zip(made, chosen_topics, strict=True)
            for topic_id in topic_ids
        ]
    )
    return len(made)


def _attendance(school: School, today: dt.date, rng: random.Random) -> None:
    """Duties before today done, but for a few told-us absences and one or two missed."""
    past = list(Duty.objects.for_school(school).filter(held_on__lt=today).order_by("pk"))
    for duty in past:
        roll = rng.random()
        if roll < 0.04:
            duty.attendance = Duty.Attendance.ABSENT
        elif roll < 0.07:
            duty.attendance = Duty.Attendance.MISSED
        else:
            duty.attendance = Duty.Attendance.DONE
    Duty.objects.bulk_update(past, ["attendance"])


def load_dropin_demo(school: School) -> None:
    rng = random.Random(1207)
    today = timezone.localdate()
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    (room,) = rooms_for(school)
    room.where = WHERE
    room.save(update_fields=["where"])
    this_year, last_year = AcademicYear.objects.for_school(school)[:2]
    mentors = list(
        Mentor.objects.for_school(school).for_year(this_year).serving().select_related("pupil")
    )
    _availability(school, mentors, rng)
    _photos(mentors, rng, coordinator)

    yesterday = today - dt.timedelta(days=1)
    _visits(school, room, last_year.starts_on, last_year.ends_on, rng)
    _visits(school, room, this_year.starts_on, min(yesterday, this_year.ends_on), rng)

    # The half-term that holds today (in a holiday, the next one).
    periods = [p for p in periods_around(school, today) if not p.whole_term]
    if periods:
        half_term = periods[0]
        first, last = weekdays_of(half_term.first, half_term.last)
        rota = rota_services.build_rota(
            school=school,
            first=first,
            last=last,
            by=coordinator,
            since=first,  # the weeks gone by too, so supervision has duties to show
        )
        rota_services.publish_rota(rota=rota, by=coordinator)
        _attendance(school, today, rng)
