"""One-to-one meetings between a mentor and their mentee, and what is known of them.

A `Meeting` is one meeting (or one that did not happen) on a teaching day, in one of
the school's free windows: AM registration, break or lunch. A `WeekCount` is "met N
times last week" when a mentor reports only a number; `week_totals` in `counting.py`
reconciles the two so that no meeting is counted twice. `UsualWindow` is when a pair
usually meet. Every rule lives in `rules.py` and `services.py`, never here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet

NOTE_MAX = 1000


class TopicQuerySet(ForSchoolQuerySet["Topic"]):
    def in_use(self) -> TopicQuerySet:
        return self.filter(is_active=True)


class Topic(models.Model):
    """What a meeting was about: a short list each school edits."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="meeting_topics"
    )
    name = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("offered", default=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="meetings_topic_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(ForSchoolQuerySet["Meeting"]):
    def happened(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.HAPPENED)

    def did_not_happen(self) -> MeetingQuerySet:
        # Every status but "we met", listed rather than `!= happened`: an index with status
        # in its key then reads only those entries (the check constraint
        # meetings_status_known keeps a status to the listed ones).
        return self.filter(status__in=Meeting.NOT_HELD)

    def between(self, first: object, last: object) -> MeetingQuerySet:
        return self.filter(held_on__gte=first, held_on__lte=last)


class Meeting(models.Model):
    """One meeting of a pairing, in one window of one teaching day."""

    class Status(models.TextChoices):
        HAPPENED = "happened", "We met"
        MENTEE_ABSENT = "mentee_absent", "Mentee absent"
        MENTOR_ABSENT = "mentor_absent", "Mentor absent"
        CANCELLED = "cancelled", "Cancelled"

    class Length(models.IntegerChoices):
        FIVE = 5, "About 5 minutes"
        TEN = 10, "About 10 minutes"
        FIFTEEN = 15, "About 15 minutes"
        TWENTY = 20, "About 20 minutes"
        THIRTY = 30, "30 minutes or more"

    class Mood(models.IntegerChoices):
        VERY_LOW = 1, "Very down"
        LOW = 2, "A bit down"
        OK = 3, "OK"
        GOOD = 4, "Good"
        GREAT = 5, "Really good"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    pairing = models.ForeignKey(
        "matching.Pairing", on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField()
    window = models.ForeignKey(
        "schools.SchoolDayWindow", on_delete=models.PROTECT, related_name="meetings"
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.HAPPENED)
    minutes = models.PositiveSmallIntegerField(choices=Length.choices, null=True, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="meetings")
    mood = models.PositiveSmallIntegerField(
        "how your mentee seemed",
        choices=Mood.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    note = models.TextField(blank=True, max_length=NOTE_MAX)
    # One meeting per form sent, whatever the double-submit.
    submission_key = models.UUIDField(null=True, blank=True, unique=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    # The statuses of a meeting that did not happen.
    NOT_HELD: tuple[str, ...] = (Status.MENTEE_ABSENT, Status.MENTOR_ABSENT, Status.CANCELLED)

    class Meta:
        ordering = ["-held_on", "-window__start_time", "-pk"]
        indexes = [
            models.Index(fields=["school", "held_on"], name="meetings_school_held_on"),
            # The term report and the trust view count a school's meetings by status over
            # a span: with status in the key the count is read from the index alone
            # (migration 0002 gives the measurements).
            models.Index(
                fields=["school", "status", "held_on"], name="meetings_school_status_held"
            ),
            # A pairing's meetings that happened in a span, from the index alone: the
            # report's "met N times" reconciliation probes it once a count (migration 0003).
            models.Index(
                fields=["pairing", "status", "held_on"], name="meetings_pairing_status_held"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "held_on", "window"],
                name="meetings_one_per_pairing_window_day",
                violation_error_message="This pair already have a meeting in that window that day.",
            ),
            models.CheckConstraint(
                condition=Q(mood__isnull=True) | Q(mood__gte=1, mood__lte=5),
                name="meetings_mood_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["happened", "mentee_absent", "mentor_absent", "cancelled"]),
                name="meetings_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="happened") | Q(mood__isnull=True, minutes__isnull=True),
                name="meetings_no_mood_or_length_when_not_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pairing} on {self.held_on:%d %b %Y}"

    @property
    def happened(self) -> bool:
        return self.status == self.Status.HAPPENED


class WeekCountQuerySet(ForSchoolQuerySet["WeekCount"]):
    pass


class WeekCount(models.Model):
    """ "Met N times last week": a mentor's count when they did not log each meeting."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    pairing = models.ForeignKey(
        "matching.Pairing", on_delete=models.PROTECT, related_name="week_counts"
    )
    # The Monday of the school week counted.
    week_of = models.DateField()
    count = models.PositiveSmallIntegerField(validators=[MaxValueValidator(15)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = WeekCountQuerySet.as_manager()

    class Meta:
        ordering = ["-week_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "week_of"], name="meetings_one_count_per_pairing_week"
            ),
            models.CheckConstraint(
                condition=Q(count__lte=15), name="meetings_week_count_at_most_15"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pairing}: {self.count} in the week of {self.week_of:%d %b %Y}"


class UsualWindow(models.Model):
    """A window a pair usually meet in: shown to both, used by the duty rota."""

    pairing = models.ForeignKey(
        "matching.Pairing", on_delete=models.CASCADE, related_name="usual_windows"
    )
    window = models.ForeignKey(
        "schools.SchoolDayWindow", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pairing", "window"], name="meetings_usual_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pairing}: {self.window}"
