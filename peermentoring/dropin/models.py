"""The drop-in room: its openings, the duty rota, the visits recorded, and the notice board.

A `Room` is open at some of the school's windows (`RoomOpening`: a weekday's break or
lunch, with how many mentors it needs on duty). An opening on one date is the room,
the window and the date; nothing is stored for it until a duty or a visit names it.
A `Rota` covers a half-term or a term: its `Duty` rows say who is on duty when. A
mentor's `DutyAvailability` says when they can do duties. `Visit` is what the mentors
on duty record of one opening. `MentorPhoto` holds a mentor's photo (re-encoded, no
EXIF) and whether their photo consent is recorded; `ScreenLink` and `CalendarFeed` are
the secret, revocable addresses that need no sign-in. Rules live in `services.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet, School

DEFAULT_ROOM = "Peer Mentoring room"
# On duty at one opening: the school's default, and what any opening may ask.
DEFAULT_MIN, DEFAULT_MAX = 2, 3
MOST_ON_DUTY = 8
VISITS_MAX = 200
NAMES_MAX = 500
# Two links asked for at once (a double click, two tabs): the database keeps one live link
# for each screen, mentor and room, and the other request is told this.
LINK_MADE_TWICE = (
    "Two new links were asked for at the same moment (a double click, or two tabs open), "
    "so this one was not made. Make a new link again: it replaces the other one."
)


def token_digest(token: str) -> str:
    """What is stored of a secret link's token: its SHA-256, so a copied database holds no
    working link."""
    return hashlib.sha256(token.encode()).hexdigest()


def rows_digest(rows: Iterable[Iterable[object]]) -> str:
    """A fingerprint of the rows a form shows: the SHA-256 of their values, in a fixed order.

    Sent back with the form (its hidden `seen`), it tells the save whether someone else
    changed those rows while this person was editing."""
    lines = sorted(json.dumps([str(value) for value in row]) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


class RoomQuerySet(ForSchoolQuerySet["Room"]):
    def in_use(self) -> RoomQuerySet:
        return self.filter(is_active=True)


class Room(models.Model):
    """A room mentors staff at break and lunch, open to every Year 7 pupil."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=80, default=DEFAULT_ROOM)
    where = models.CharField(
        max_length=120, blank=True, help_text="Where to find it, for the notice board: 'Room S12'."
    )
    is_active = models.BooleanField("open", default=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = RoomQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="dropin_room_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RoomOpeningQuerySet(models.QuerySet["RoomOpening"]):
    def for_school(self, school: School | int) -> RoomOpeningQuerySet:
        return self.filter(room__school=school)


class RoomOpening(models.Model):
    """A room open at one window of the week (a weekday's break or lunch), every teaching day
    of that weekday, with how many mentors it needs on duty."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="openings")
    window = models.ForeignKey(
        "schools.SchoolDayWindow", on_delete=models.CASCADE, related_name="room_openings"
    )
    min_on_duty = models.PositiveSmallIntegerField(
        "fewest on duty",
        default=DEFAULT_MIN,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_ON_DUTY)],
    )
    max_on_duty = models.PositiveSmallIntegerField(
        "most on duty",
        default=DEFAULT_MAX,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_ON_DUTY)],
    )

    objects = RoomOpeningQuerySet.as_manager()

    class Meta:
        ordering = ["window__weekday", "window__start_time", "room__order"]
        constraints = [
            models.UniqueConstraint(fields=["room", "window"], name="dropin_opening_unique"),
            models.CheckConstraint(
                condition=Q(min_on_duty__gte=1, max_on_duty__lte=MOST_ON_DUTY)
                & Q(min_on_duty__lte=F("max_on_duty")),
                name="dropin_opening_min_max",
                violation_error_message="The fewest on duty must be between 1 and the most.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room}: {self.window.label}"


class DutyAvailability(models.Model):
    """A window of the week a mentor can be on duty in the room. A mentor with none recorded
    is taken to be available at the kinds of window their application gave."""

    mentor = models.ForeignKey(
        "mentors.Mentor", on_delete=models.CASCADE, related_name="duty_availability"
    )
    window = models.ForeignKey(
        "schools.SchoolDayWindow", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentor", "window"], name="dropin_availability_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor}: {self.window}"


class RotaQuerySet(ForSchoolQuerySet["Rota"]):
    def published(self) -> RotaQuerySet:
        return self.filter(published_at__isnull=False)

    def covering(self, day: dt.date) -> RotaQuerySet:
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Rota(models.Model):
    """The duty rota of a half-term or a term: a draft until the coordinator publishes it."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="rotas")
    starts_on = models.DateField()
    ends_on = models.DateField()
    built_at = models.DateTimeField(default=timezone.now)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the solver said last: "optimal", "feasible", "infeasible"; and the openings it
    # could not staff with their reasons ({"opening key": "Thursday lunch: only 1 ..."}).
    solver_status = models.CharField(max_length=20, blank=True)
    unstaffable = models.JSONField(default=dict, blank=True)
    # Bumped on every change, so two people editing one rota cannot overwrite each other.
    version = models.PositiveIntegerField(default=1)

    objects = RotaQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="dropin_rota_ends_after_start",
                violation_error_message="A rota must end on or after the day it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rota {self.starts_on:%d %b} to {self.ends_on:%d %b %Y}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class DutyQuerySet(ForSchoolQuerySet["Duty"]):
    def on(self, day: dt.date) -> DutyQuerySet:
        return self.filter(held_on=day)

    def published(self) -> DutyQuerySet:
        return self.filter(rota__published_at__isnull=False)

    def live(self) -> DutyQuerySet:
        """Duties pupils and calendars are told of: published, not marked absent, of a
        mentor still trained (a paused mentor is not advertised as in the room)."""
        return (
            self.published()
            .exclude(attendance=Duty.Attendance.ABSENT)
            .filter(mentor__status="trained")
        )


class Duty(models.Model):
    """One mentor on duty in one room at one window of one date."""

    class Attendance(models.TextChoices):
        EXPECTED = "expected", "On the rota"
        DONE = "done", "Done"
        ABSENT = "absent", "Absent (told us)"
        MISSED = "missed", "Missed"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    rota = models.ForeignKey(Rota, on_delete=models.CASCADE, related_name="duties")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="duties")
    window = models.ForeignKey(
        "schools.SchoolDayWindow", on_delete=models.PROTECT, related_name="duties"
    )
    held_on = models.DateField()
    mentor = models.ForeignKey("mentors.Mentor", on_delete=models.PROTECT, related_name="duties")
    # Kept when the rota is built again: the coordinator placed it by hand.
    is_locked = models.BooleanField("locked", default=False)
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.EXPECTED
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = DutyQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "window__start_time", "room__order", "mentor__pupil__given_name"]
        indexes = [models.Index(fields=["school", "held_on"], name="dropin_duty_school_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["rota", "room", "window", "held_on", "mentor"],
                name="dropin_duty_once_per_opening",
                violation_error_message="That mentor is already on duty then.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} in {self.room}, {self.window.label} {self.held_on:%d %b}"


class VisitQuerySet(ForSchoolQuerySet["Visit"]):
    def between(self, first: dt.date, last: dt.date) -> VisitQuerySet:
        return self.filter(held_on__gte=first, held_on__lte=last)


class Visit(models.Model):
    """Who came to the room at one opening: counts by year group, anonymous by default."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="visits")
    window = models.ForeignKey(
        "schools.SchoolDayWindow", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField()
    year7 = models.PositiveSmallIntegerField(
        "Year 7", default=0, validators=[MaxValueValidator(VISITS_MAX)]
    )
    year8 = models.PositiveSmallIntegerField(
        "Year 8", default=0, validators=[MaxValueValidator(VISITS_MAX)]
    )
    older = models.PositiveSmallIntegerField(
        "Year 9 and above", default=0, validators=[MaxValueValidator(VISITS_MAX)]
    )
    # Typed names, optional, read by staff only (no search over the school's pupils).
    names = models.TextField("names (optional)", blank=True, max_length=NAMES_MAX)
    topics = models.ManyToManyField("meetings.Topic", blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # Two mentors on duty editing the same counts: the second is told, nothing is lost.
    version = models.PositiveIntegerField(default=1)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-window__start_time"]
        indexes = [models.Index(fields=["school", "held_on"], name="dropin_visit_school_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "window", "held_on"], name="dropin_visit_one_per_opening"
            ),
            models.CheckConstraint(
                condition=Q(year7__lte=VISITS_MAX, year8__lte=VISITS_MAX, older__lte=VISITS_MAX),
                name="dropin_visit_counts_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room}, {self.window.label} {self.held_on:%d %b %Y}: {self.total}"

    @property
    def total(self) -> int:
        return self.year7 + self.year8 + self.older


class MentorPhoto(models.Model):
    """A mentor's photo for the notice board, and whether their photo consent is recorded.

    The image is stored re-encoded (JPEG, at most 600 px, no EXIF or location) in the
    database and served only through the school's own pages and its screen link.
    """

    mentor = models.OneToOneField("mentors.Mentor", on_delete=models.CASCADE, related_name="photo")
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    image = models.BinaryField(null=True, blank=True, editable=False)
    width = models.PositiveSmallIntegerField(null=True, blank=True)
    height = models.PositiveSmallIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Photo of {self.mentor}"

    @property
    def has_consent(self) -> bool:
        return self.consent_recorded_at is not None

    @property
    def shows(self) -> bool:
        """Shown on the notice board: consent recorded and a photo uploaded."""
        return self.has_consent and bool(self.image)


class ScreenLinkQuerySet(models.QuerySet["ScreenLink"]):
    def live(self) -> ScreenLinkQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def live(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class ScreenLink(models.Model):
    """A revocable address showing the notice board on a corridor screen, without sign-in."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="screen_links"
    )
    label = models.CharField(max_length=80, help_text="Where the screen is: 'Year 7 corridor'.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ScreenLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One working link per screen: a new one for the same name (any case) stops the old.
            models.UniqueConstraint(
                "school",
                Lower("label"),
                condition=Q(revoked_at__isnull=True),
                name="dropin_screen_one_live_per_label",
                violation_error_message=LINK_MADE_TWICE,
            ),
        ]

    def __str__(self) -> str:
        return self.label


class CalendarFeed(models.Model):
    """A secret, revocable iCalendar address: one mentor's duties, or one room's rota."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    mentor = models.ForeignKey(
        "mentors.Mentor",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(mentor__isnull=False, room__isnull=True)
                | Q(mentor__isnull=True, room__isnull=False),
                name="dropin_feed_mentor_or_room",
            ),
            # One working calendar address per mentor and per room: a new one stops the old.
            models.UniqueConstraint(
                fields=["mentor"],
                condition=Q(revoked_at__isnull=True, mentor__isnull=False),
                name="dropin_feed_one_live_per_mentor",
                violation_error_message=LINK_MADE_TWICE,
            ),
            models.UniqueConstraint(
                fields=["room"],
                condition=Q(revoked_at__isnull=True, room__isnull=False),
                name="dropin_feed_one_live_per_room",
                violation_error_message=LINK_MADE_TWICE,
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar of {self.mentor or self.room}"
