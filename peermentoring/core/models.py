from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from peermentoring.core.http import SchoolRef, school_pk


class User(AbstractUser):
    """One account per person; their roles live on memberships, one per school.

    Staff log in with their e-mail address, pupils with the username their
    school gives them. Both are stored in `username`, lower-cased.
    """

    must_change_password = models.BooleanField(
        default=False,
        help_text="Set when a school admin gives out a temporary password.",
    )
    # db_default: a row written by code that predates the field (an older migration's
    # model, a process still running the previous release) still gets 0.
    session_generation = models.PositiveIntegerField(
        default=0,
        db_default=0,
        help_text="Raised by 'Sign out everywhere': a session from an older generation ends.",
    )

    class Meta:
        ordering = ["last_name", "first_name"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_school(self, school: SchoolRef) -> AuditEntryQuerySet:
        """Entries about one school's rows."""
        return self.filter(school_id=school_pk(school))


class AuditEntry(models.Model):
    """Who changed what, when: written in the same transaction as the change."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system acted (an import from the command line, a task).",
    )
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["school", "-created_at"], name="core_audit_school_recent")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_label}"

    @property
    def action_in_words(self) -> str:
        """ "match_run.proposed" → "Match run proposed": the code, readable."""
        return _in_words(self.action.replace(".", " "))

    def change_lines(self) -> list[tuple[str, str]]:
        """Each change as (field in words, value): a [before, after] pair reads "before → after".

        Anything else (a text such as "7E", a list of names) is shown whole.
        """
        lines = []
        for field, value in (self.changes or {}).items():
            if isinstance(value, list) and len(value) == 2:
                before, after = (_shown(v) for v in value)
                lines.append((_in_words(field), f"{before} → {after}"))
            else:
                lines.append((_in_words(field), _shown(value)))
        return lines


def _in_words(code: str) -> str:
    words = code.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value) or "—"
    return str(value)


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_school(self, school: SchoolRef) -> NotificationQuerySet:
        """Messages sent in one school."""
        return self.filter(school_id=school_pk(school))

    def unread(self) -> NotificationQuerySet:
        """Messages the recipient has not opened yet."""
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message: the bell on every page counts the unread ones."""

    class Kind(models.TextChoices):
        # The messages page groups by kind, in this order.
        SAFEGUARDING = "safeguarding", "Safeguarding"
        INTERVIEWS = "interviews", "Interview panels"
        APPLICATIONS = "applications", "Applying to be a mentor"
        REFERRALS = "referrals", "Referrals"
        PAIRINGS = "pairings", "Mentors and mentees"
        GENERAL = "general", "Other messages"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "school", "read_at"], name="core_notif_unread"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboundEmailQuerySet(models.QuerySet["OutboundEmail"]):
    def for_school(self, school: SchoolRef) -> OutboundEmailQuerySet:
        """E-mails sent on one school's behalf."""
        return self.filter(school_id=school_pk(school))

    def failed(self) -> OutboundEmailQuerySet:
        """E-mails that gave up after every attempt and need a person to look."""
        return self.filter(status=OutboundEmail.Status.FAILED)


# The text left in place of a sent e-mail's one-time link.
LINK_REMOVED = (
    "[This e-mail held a one-time link. It was removed from the copy kept here once the "
    "e-mail was sent.]"
)


class OutboundEmail(models.Model):
    """One e-mail on its way: sent by a background task, retried on failure."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RETRYING = "retrying", "Retrying"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    to_address = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    holds_secret = models.BooleanField(
        default=False,
        help_text="Holds a one-time link (a password or reference link): removed once sent.",
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_address}"

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT

    @property
    def has_failed(self) -> bool:
        """Every attempt used: only someone trying again sends it."""
        return self.status == self.Status.FAILED


class ReadEntryQuerySet(models.QuerySet["ReadEntry"]):
    def for_school(self, school: SchoolRef) -> ReadEntryQuerySet:
        """Reads of one school's records."""
        return self.filter(school_id=school_pk(school))


class ReadEntry(models.Model):
    """Who looked at a pupil's record or at referrals, and when.

    A list page writes one entry for the list, not one per pupil. Safeguarding
    records keep their own access log: nothing about concerns is written here.
    """

    class Kind(models.TextChoices):
        PUPIL = "pupil", "A pupil's record"
        PUPIL_LIST = "pupil_list", "The list of pupils"
        REFERRAL = "referral", "A referral"
        REFERRAL_LIST = "referral_list", "The list of referrals"
        APPLICATION = "application", "A pupil's application"
        MATCH_RUN = "match_run", "A matching proposal"
        DO_NOT_PAIR = "do_not_pair", "The do-not-pair list"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReadEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "read entries"
        indexes = [models.Index(fields=["school", "-created_at"], name="core_read_school_recent")]

    def __str__(self) -> str:
        return f"{self.reader} read {self.get_kind_display().lower()} {self.target_label}".strip()
