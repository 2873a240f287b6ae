"""Outreach: visits to the feeder primaries, the scheme's events, the bullying board and
the pupils' "tell us" reports.

`PrimaryVisit` is one planned visit of mentors to a feeder primary (who goes, the member of
staff with them, what they will cover; the primary's answer through a signed link; what
happened after). `VisitFollowUp` is something to do after a visit: a Year 6 child who would
like a mentor becomes a referral for September. `Event` is an event the scheme runs or
joins (Anti-Bullying Week each November, assemblies, open evenings, celebrations), with the
mentors who took part. `BoardItem` is a message, poster or where-to-get-help note on the
bullying board. `TellUsReport` is a pupil's report of bullying, anonymous or not; an
anonymous one holds nothing that says who sent it. `TellUsRecipient` names the staff who
receive the reports. Rules live in the services modules.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet

PLAN_MAX = 2000
NOTES_MAX = 4000
YEAR6_MAX = 500
REACH_MAX = 5000
REPORT_MAX = 4000


class PrimaryVisit(models.Model):
    """Mentors' visit to a feeder primary school, to talk to Year 6 about the move."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CONFIRMED = "confirmed", "Confirmed by the primary"
        OTHER_DATE = "other_date", "The primary asked for another date"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    primary = models.ForeignKey(
        "schools.FeederPrimary", on_delete=models.PROTECT, related_name="visits"
    )
    visit_on = models.DateField("date")
    starts_at = models.TimeField("from")
    ends_at = models.TimeField("until")
    mentors = models.ManyToManyField("mentors.Mentor", blank=True, related_name="primary_visits")
    released_from_lessons = models.BooleanField(
        "released from lessons by agreement",
        default=False,
        help_text="Tick when the visit is in lesson time and the mentors' release is agreed.",
    )
    staff_name = models.CharField("member of staff going with them", max_length=150, blank=True)
    plan = models.TextField("what the visit will cover", blank=True, max_length=PLAN_MAX)
    contact_email = models.EmailField("primary school contact's e-mail", blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    # The signed link sent to the primary's contact: `link_nonce` is in its token, and a new
    # one is made when the link is answered or sent again, so an old link cannot be reused.
    link_nonce = models.CharField(max_length=32, blank=True, editable=False)
    link_sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    suggested_date = models.DateField("date the primary suggested", null=True, blank=True)
    answer_note = models.TextField("the primary's note", blank=True, max_length=1000)
    # After the visit.
    year6_met = models.PositiveSmallIntegerField(
        "Year 6 pupils met", null=True, blank=True, validators=[MaxValueValidator(YEAR6_MAX)]
    )
    questions = models.TextField("questions they asked", blank=True, max_length=NOTES_MAX)
    notes = models.TextField("how it went", blank=True, max_length=NOTES_MAX)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Two people changing one visit at once: the second is told, nothing is overwritten.
    version = models.PositiveIntegerField(default=1)
    # The one-time key of the form that planned it: the same form sent twice plans one visit.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["visit_on", "starts_at"]
        indexes = [models.Index(fields=["school", "visit_on"], name="outreach_visit_school_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "submission_key"], name="outreach_visit_once_per_form"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="outreach_visit_ends_after_start",
                violation_error_message="The visit must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(year6_met__isnull=True) | Q(year6_met__lte=YEAR6_MAX),
                name="outreach_visit_year6_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Visit to {self.primary} on {self.visit_on:%d %b %Y}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def asked_other_date(self) -> bool:
        return self.status == self.Status.OTHER_DATE


class VisitFollowUp(models.Model):
    """Something to do after a visit; a child who would like a mentor becomes a referral."""

    class Kind(models.TextChoices):
        WANTS_MENTOR = "wants_mentor", "A Year 6 pupil who would like a mentor"
        OTHER = "other", "Something else to do"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    visit = models.ForeignKey(PrimaryVisit, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    child_given_name = models.CharField("child's first name", max_length=100, blank=True)
    child_family_name = models.CharField("child's last name", max_length=100, blank=True)
    note = models.TextField(blank=True, max_length=1000)
    referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_follow_up",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The one-time key of the form that added it: the same form sent twice adds one.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "submission_key"], name="outreach_follow_up_once_per_form"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.WANTS_MENTOR:
            return f"{self.child_given_name} {self.child_family_name} would like a mentor".strip()
        return self.note[:60] or "Follow-up"

    @property
    def wants_mentor(self) -> bool:
        return self.kind == self.Kind.WANTS_MENTOR


class Event(models.Model):
    """An event the scheme runs or joins, with the mentors who took part and whom it reached."""

    class Kind(models.TextChoices):
        ANTI_BULLYING_WEEK = "anti_bullying_week", "Anti-Bullying Week"
        ASSEMBLY = "assembly", "Assembly"
        OPEN_EVENING = "open_evening", "Open evening"
        CELEBRATION = "celebration", "Mentor celebration"
        OTHER = "other", "Other event"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    academic_year = models.ForeignKey(
        "schools.AcademicYear", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=150)
    starts_on = models.DateField("first day")
    ends_on = models.DateField("last day")
    audience = models.CharField(
        max_length=150, blank=True, help_text="Who it was for, e.g. Year 7, Year 6 parents."
    )
    reach = models.PositiveIntegerField(
        "people reached",
        null=True,
        blank=True,
        validators=[MaxValueValidator(REACH_MAX)],
        help_text="Roughly how many came or heard it.",
    )
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    mentors = models.ManyToManyField("mentors.Mentor", blank=True, related_name="events")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # The "add" form sent twice (a double click) makes one event.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "submission_key"], name="outreach_event_one_per_submission"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="outreach_event_ends_after_start",
                violation_error_message="The last day must be on or after the first day.",
            ),
            models.UniqueConstraint(
                fields=["school", "academic_year"],
                condition=Q(kind="anti_bullying_week"),
                name="outreach_event_one_anti_bullying_week_a_year",
                violation_error_message="This year's Anti-Bullying Week is already there.",
            ),
            models.CheckConstraint(
                condition=Q(reach__isnull=True) | Q(reach__lte=REACH_MAX),
                name="outreach_event_reach_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_anti_bullying_week(self) -> bool:
        return self.kind == self.Kind.ANTI_BULLYING_WEEK


class BoardItem(models.Model):
    """One item on the bullying board: a short message, a poster, or where to get help."""

    class Kind(models.TextChoices):
        MESSAGE = "message", "Message"
        POSTER = "poster", "Poster"
        HELP = "help", "Where to get help"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    title = models.CharField(max_length=80)
    body = models.TextField(blank=True, max_length=600)
    # A poster's picture: re-encoded JPEG, no EXIF (the drop-in photos' rules).
    image = models.BinaryField(null=True, blank=True, editable=False)
    is_published = models.BooleanField("on the board", default=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)
    # The "add" form sent twice (a double click) makes one item.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "submission_key"], name="outreach_boarditem_one_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_help(self) -> bool:
        return self.kind == self.Kind.HELP


class TellUsRecipient(models.Model):
    """A member of staff the school names to receive "tell us" reports (never a pupil)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="outreach_one_recipient_row")
        ]

    def __str__(self) -> str:
        return str(self.user)


class TellUsReport(models.Model):
    """A pupil's report of bullying. An anonymous one (`is_anonymous`) holds no user, no
    pupil, no address, browser or session value: nothing in the row says who sent it."""

    class Category(models.TextChoices):
        NAME_CALLING = "name_calling", "Name-calling, teasing or threats"
        LEFT_OUT = "left_out", "Being left out or ignored"
        PHYSICAL = "physical", "Hitting, pushing or hurting"
        ONLINE = "online", "Online or on phones"
        BELONGINGS = "belongings", "Things taken or damaged"
        OTHER = "other", "Something else"

    class About(models.TextChoices):
        ME = "me", "Me"
        SOMEONE_ELSE = "someone_else", "Someone else"

    class Status(models.TextChoices):
        NEW = "new", "Waiting for staff"
        NOTHING = "nothing", "Nothing to do"
        PASTORAL = "pastoral", "Handled by the pastoral team"
        CONCERN = "concern", "Passed to safeguarding"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    is_anonymous = models.BooleanField(default=False)
    # Empty when anonymous (a check constraint holds it so).
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pupil = models.ForeignKey(
        "schools.Pupil", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    about = models.CharField("who it is about", max_length=12, choices=About.choices)
    category = models.CharField("what kind of bullying", max_length=12, choices=Category.choices)
    what_happened = models.TextField(max_length=REPORT_MAX)
    where = models.CharField("where it happens", max_length=200, blank=True)
    # Words of the school's risk list found in the report: flagged for staff at once.
    risk_words = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Sending the form twice (a double tap) makes one report; the key is random, not the pupil's.
    submission_key = models.UUIDField(default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triage_note = models.TextField(blank=True, max_length=NOTES_MAX)
    concern = models.ForeignKey(
        "safeguarding.Concern", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"], name="outreach_report_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(reporter__isnull=True, pupil__isnull=True),
                name="outreach_report_anonymous_names_nobody",
            ),
            models.UniqueConstraint(
                fields=["school", "submission_key"], name="outreach_report_one_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk}: {self.get_category_display()}"

    @property
    def is_flagged(self) -> bool:
        return bool(self.risk_words)

    @property
    def is_new(self) -> bool:
        return self.status == self.Status.NEW
