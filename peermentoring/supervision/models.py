"""Weekly supervision: a coordinator's group of mentors, its session each school week,
what each mentor reports there, and the actions agreed.

Every change goes through `services.py`; a session carries a `version` so that two
people saving it at once never overwrite each other silently.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet

TEXT_MAX = 2000
ACTION_MAX = 300


class SupervisionGroupQuerySet(ForSchoolQuerySet["SupervisionGroup"]):
    pass


class SupervisionGroup(models.Model):
    """Mentors who meet their coordinator for supervision, on a usual weekday and window."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="supervision_groups"
    )
    name = models.CharField(max_length=80)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The window says the weekday too: "Tuesday lunch".
    window = models.ForeignKey(
        "schools.SchoolDayWindow",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="usual day and time",
    )
    members = models.ManyToManyField(
        "mentors.Mentor", blank=True, related_name="supervision_groups"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SupervisionGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"], name="supervision_group_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SessionQuerySet(ForSchoolQuerySet["Session"]):
    def open(self) -> SessionQuerySet:
        return self.filter(status=Session.Status.OPEN)


class Session(models.Model):
    """A group's supervision in one school week, led by its coordinator or a colleague covering."""

    class Status(models.TextChoices):
        OPEN = "open", "Not finished"
        FINISHED = "finished", "Finished"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT, related_name="sessions")
    # The Monday of the school week.
    week_of = models.DateField()
    held_on = models.DateField()
    led_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Raised by one at every save: a save naming an older version is refused.
    version = models.PositiveIntegerField(default=1)
    saved_at = models.DateTimeField(null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The form last saved: the same form sent twice is one save.
    last_submission_key = models.UUIDField(null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-week_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "week_of"], name="supervision_session_one_a_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}, {self.held_on:%-d %B %Y}"

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.FINISHED


class SessionMentor(models.Model):
    """One mentor in one session: attended or not, their meetings, what was discussed."""

    class Attendance(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="mentor_rows")
    mentor = models.ForeignKey("mentors.Mentor", on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True)
    # What the logs said for the previous school week, and what the mentor said.
    logged_meetings = models.PositiveSmallIntegerField(default=0)
    reported_meetings = models.PositiveSmallIntegerField(null=True, blank=True)
    # The report went into the mentor's pairing as a week count (meetings.WeekCount).
    is_count_recorded = models.BooleanField(default=False)
    # Why not, when the report differs from the logs but stays here ("two mentees").
    count_kept_because = models.CharField(max_length=200, blank=True)
    problems = models.TextField("problems discussed", blank=True, max_length=TEXT_MAX)
    # Only that a concern was raised: what it was about is the safeguarding lead's.
    has_raised_concern = models.BooleanField("a safeguarding concern was raised", default=False)

    class Meta:
        ordering = ["mentor__pupil__family_name", "mentor__pupil__given_name"]
        indexes = [
            # A session's attendance counted from the index alone: the term report and the
            # trust view sum it over the span's sessions (migration 0002).
            models.Index(fields=["session", "attendance"], name="supervision_session_attendance"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "mentor"], name="supervision_sessionmentor_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} in {self.session}"

    @property
    def difference(self) -> int:
        """The mentor's report less the logs: +2 means two meetings the logs do not show."""
        if self.reported_meetings is None:
            return 0
        return self.reported_meetings - self.logged_meetings


class ActionQuerySet(ForSchoolQuerySet["Action"]):
    def still_open(self) -> ActionQuerySet:
        return self.filter(closed_at__isnull=True)

    def overdue(self, today: object) -> ActionQuerySet:
        """Open actions whose due date has passed."""
        return self.still_open().filter(due_on__lt=today)


class Action(models.Model):
    """Something agreed in supervision, with whoever will do it and by when; open until closed."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT, related_name="actions")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="actions")
    mentor = models.ForeignKey(
        "mentors.Mentor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.CharField("action", max_length=ACTION_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Someone without an account here ("Mr Patel, Year 7 tutor").
    owner_name = models.CharField("who", max_length=100, blank=True)
    due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_by__isnull=False),
                name="supervision_action_closed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def who(self) -> str:
        if self.owner is not None:
            return self.owner.get_full_name() or str(self.owner)
        return self.owner_name or "Not given"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
