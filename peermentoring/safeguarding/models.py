"""Safeguarding concerns: what was reported about a child, and the lead's chronology.

A concern is what someone reported; the chronology is everything the safeguarding lead
did about it, written once and never changed: a correction is a new entry pointing at
the one it corrects. Concerns and entries cannot be deleted, through the app or the
Django admin (neither is registered there), and a queryset's `update()` or `delete()`
on them raises. Every read of a concern, a list of them or a pupil's chronology is
kept in the safeguarding access log, which only the lead sees.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet


class AppendOnlyError(RuntimeError):
    """Safeguarding records are written once; a change is a new entry."""


class _AppendOnlyQuerySet(ForSchoolQuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Safeguarding records cannot be changed in bulk.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Safeguarding records cannot be deleted.")


class ConcernQuerySet(_AppendOnlyQuerySet):
    def open(self) -> ConcernQuerySet:
        return self.exclude(status=Concern.Status.CLOSED)


STATUS_FIELDS = {"status", "acknowledged_at", "closed_at", "escalated_at"}


class Concern(models.Model):
    """A worry about a child, as reported. Its words never change after it is raised."""

    class Urgency(models.TextChoices):
        NOW = "now", "Urgent: the child may be in danger now"
        TODAY = "today", "Today"
        SOON = "soon", "Not urgent, but the lead should know"

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        REFERRED = "referred", "Referred to another agency"
        CLOSED = "closed", "Closed"

    class ToldStaff(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(
        "schools.Pupil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when a pupil typed the name of someone they are worried about.",
    )
    about_name = models.CharField(
        "who it is about", max_length=120, blank=True, help_text="As the person typed it."
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_role = models.CharField(max_length=30)
    what_happened = models.TextField()
    happened_when = models.CharField(max_length=120, blank=True)
    child_words = models.TextField(blank=True)
    others_present = models.TextField(blank=True)
    told_staff = models.CharField(max_length=3, choices=ToldStaff.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="Not acknowledged in time: others were told."
    )
    # The form's one-time key: a second press of "Send" finds the concern already made.
    submission_key = models.UUIDField(default=uuid.uuid4)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["raised_by", "submission_key"], name="safeguarding_concern_once"
            )
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """What was reported never changes: once saved, only its status may."""
        if self.pk is not None:
            fields = set(kwargs.get("update_fields") or ())
            if not fields or not fields <= STATUS_FIELDS:
                raise AppendOnlyError("A concern's report is never changed: add an entry.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Safeguarding concerns cannot be deleted.")

    @property
    def is_new(self) -> bool:
        return self.status == Concern.Status.NEW

    @property
    def is_closed(self) -> bool:
        return self.status == Concern.Status.CLOSED

    @property
    def is_urgent(self) -> bool:
        return self.urgency == Concern.Urgency.NOW

    @property
    def raised_by_role_label(self) -> str:
        from peermentoring.core.roles import Role

        return Role(self.raised_by_role).label.lower() if self.raised_by_role in Role.values else ""

    @property
    def about(self) -> str:
        return self.pupil.full_name if self.pupil_id and self.pupil else self.about_name


class EntryQuerySet(_AppendOnlyQuerySet):
    school_path = "concern__school"


class ChronologyEntry(models.Model):
    """One step of the lead's work on a concern, written once."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Concern raised"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ACTION = "action", "Action taken"
        DECISION = "decision", "Decision"
        REFERRAL = "referral", "Referred to an outside agency"
        OUTCOME = "outcome", "Outcome"
        CLOSED = "closed", "Closed"
        CORRECTION = "correction", "Correction"
        ESCALATED = "escalated", "Escalated: not acknowledged in time"

    class Agency(models.TextChoices):
        SOCIAL_CARE = "social_care", "Children's social care"
        POLICE = "police", "Police"
        EARLY_HELP = "early_help", "Early help"
        OTHER = "other", "Other"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why: every decision carries its reasons.")
    agency = models.CharField(max_length=20, choices=Agency.choices, blank=True)
    agency_reference = models.CharField(max_length=80, blank=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    shared_with_coordinator = models.BooleanField(
        default=False,
        help_text="The lead chose to let the scheme's coordinator read this one entry.",
    )
    happened_at = models.DateTimeField(help_text="When it happened.")
    recorded_at = models.DateTimeField(default=timezone.now, help_text="When it was written here.")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for what the system wrote (an escalation).",
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name_plural = "chronology entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.recorded_at:%d %b %Y %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("A chronology entry is never changed: add a correction.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Chronology entries cannot be deleted.")


class SafeguardingSettings(models.Model):
    """How long a concern may wait for the lead, counted in school-day minutes, and who
    is told next when it waits longer (besides the deputies)."""

    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, related_name="safeguarding_settings"
    )
    acknowledge_within_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
        help_text="Counted only during the school day, on teaching days.",
    )
    day_ends_at = models.TimeField(
        default=dt.time(15, 30), help_text="The school day's end, for counting those minutes."
    )

    class Meta:
        verbose_name_plural = "safeguarding settings"

    def __str__(self) -> str:
        return f"Safeguarding settings of {self.school}"


class EscalationContact(models.Model):
    """Who is told, in this order, when a concern is not acknowledged in time."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="safeguarding_contact_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.order})"


class ConcernAlert(models.Model):
    """Who was told a concern is waiting, and whether the e-mail went (the lead sees this)."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="alerts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    email = models.ForeignKey(
        "core.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalation = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Alert to {self.recipient} about concern {self.concern_id}"


class AccessQuerySet(_AppendOnlyQuerySet):
    pass


class AccessLogEntry(models.Model):
    """Who read or exported what of safeguarding, and when (seen by the lead only)."""

    class What(models.TextChoices):
        LIST = "list", "The list of concerns"
        CONCERN = "concern", "A concern and its chronology"
        PUPIL = "pupil", "A pupil's safeguarding chronology"
        EXPORT = "export", "An export"
        LOG = "log", "This access log"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    who = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=10, choices=What.choices)
    concern = models.ForeignKey(
        Concern, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"{self.who} {self.what} {self.at:%d %b %Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The access log is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log cannot be deleted.")
