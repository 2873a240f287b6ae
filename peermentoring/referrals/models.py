"""Referrals: who says a pupil (or a Year 6 child coming up) would benefit from a mentor.

The categories a school uses, the signed links primaries refer through, and the
referrals themselves, reviewed by the coordinator and queued for matching.

The tables keep the names they had when these models lived in matching (`db_table`),
so moving them here moved no rows.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet


class ReferralCategory(models.Model):
    """A reason a pupil might be referred; each school edits its own list."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="referral_categories"
    )
    name = models.CharField(max_length=80)
    is_higher_need = models.BooleanField(
        "higher need",
        default=False,
        help_text="Matching prefers an experienced mentor for referrals in this category.",
    )
    is_active = models.BooleanField("offered on new referrals", default=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        db_table = "matching_referralcategory"
        verbose_name_plural = "referral categories"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"], name="matching_referralcategory_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


LINK_MAX_CHILDREN = 200
LINK_DEFAULT_CHILDREN = 60


class PrimaryReferralLink(models.Model):
    """A signed link a feeder primary uses to refer Year 6 children, without an account."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="primary_referral_links"
    )
    primary = models.ForeignKey(
        "schools.FeederPrimary", on_delete=models.CASCADE, related_name="referral_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    max_children = models.PositiveSmallIntegerField(
        "children the link can refer",
        default=LINK_DEFAULT_CHILDREN,
        validators=[MinValueValidator(1), MaxValueValidator(LINK_MAX_CHILDREN)],
        help_text="In all, over the link's life; a flood of referrals stops here.",
    )
    # The one-time value of the form that made the link: sending that form again (a
    # refresh) finds this link instead of making a second one.
    form_nonce = models.CharField(max_length=32, blank=True, editable=False)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        db_table = "matching_primaryreferrallink"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="matching_primaryreferrallink_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(max_children__gte=1, max_children__lte=LINK_MAX_CHILDREN),
                name="matching_primaryreferrallink_max_children_1_to_200",
                violation_error_message="A link can refer between 1 and 200 children.",
            ),
            models.UniqueConstraint(
                fields=["school", "form_nonce"],
                condition=~Q(form_nonce=""),
                name="matching_primaryreferrallink_unique_form_nonce",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral link for {self.primary}"

    def is_open(self, at: dt.datetime | None = None) -> bool:
        """Not revoked and not yet expired."""
        now = at or timezone.now()
        return self.revoked_at is None and now < self.expires_at

    def places_left(self) -> int:
        """How many more children the link may refer before it is full."""
        return max(self.max_children - self.referrals.count(), 0)


class ReferralQuerySet(ForSchoolQuerySet["Referral"]):
    def waiting_for_review(self) -> ReferralQuerySet:
        """Referrals the coordinator has not yet accepted or declined."""
        return self.filter(status__in=[Referral.Status.NEW, Referral.Status.MORE_INFO])

    def in_queue(self) -> ReferralQuerySet:
        """Accepted referrals waiting for a mentor."""
        return self.filter(status=Referral.Status.ACCEPTED)

    def by_urgency(self) -> ReferralQuerySet:
        """Urgent first, then soon, then routine; the longest waiting first within each."""
        rank = Case(
            When(priority=Referral.Priority.URGENT, then=Value(0)),
            When(priority=Referral.Priority.SOON, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return self.annotate(priority_rank=rank).order_by("priority_rank", "referred_at", "pk")


class Referral(models.Model):
    """Someone says a pupil (or a Year 6 child coming to the school) would benefit from a mentor."""

    class Source(models.TextChoices):
        PRIMARY = "primary", "Feeder primary"
        STAFF = "staff", "Member of staff"
        PARENT = "parent", "Parent or carer request"
        SELF = "self", "The pupil themself"

    class Priority(models.TextChoices):
        ROUTINE = "routine", "Routine"
        SOON = "soon", "Soon"
        URGENT = "urgent", "Urgent"

    class Consent(models.TextChoices):
        NOT_ASKED = "not_asked", "Not yet asked"
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"

    class Status(models.TextChoices):
        NEW = "new", "Waiting for review"
        MORE_INFO = "more_info", "More information asked for"
        ACCEPTED = "accepted", "In the matching queue"
        DECLINED = "declined", "Declined"
        MATCHED = "matched", "Matched"
        CLOSED = "closed", "No longer needs a mentor"

    class GenderPreference(models.TextChoices):
        NONE = "", "No preference"
        FEMALE = "female", "A female mentor"
        MALE = "male", "A male mentor"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="referrals")
    pupil = models.ForeignKey(
        "schools.Pupil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text="Empty for a Year 6 child not yet on roll; filled in when the Year 7 list is imported.",
    )
    child_given_name = models.CharField("first name", max_length=100, blank=True)
    child_family_name = models.CharField("last name", max_length=100, blank=True)
    child_date_of_birth = models.DateField("date of birth", null=True, blank=True)
    child_upn = models.CharField("UPN", max_length=13, blank=True)
    feeder_primary = models.ForeignKey(
        "schools.FeederPrimary",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    referrer_name = models.CharField(
        "referred by", max_length=150, blank=True, help_text="Name and role, e.g. Year 6 teacher."
    )
    link = models.ForeignKey(
        PrimaryReferralLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    categories = models.ManyToManyField(ReferralCategory, related_name="referrals", blank=True)
    needs = models.TextField("specific needs", max_length=1000, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.ROUTINE)
    consent = models.CharField(
        "parental consent", max_length=10, choices=Consent.choices, default=Consent.NOT_ASKED
    )
    interests = models.CharField(
        max_length=300, blank=True, help_text="Separate with commas: football, drawing, chess."
    )
    languages = models.CharField("languages spoken at home", max_length=200, blank=True)
    gender_preference = models.CharField(
        "mentor gender preference",
        max_length=10,
        choices=GenderPreference.choices,
        default=GenderPreference.NONE,
        blank=True,
    )
    free_windows = models.ManyToManyField(
        "schools.SchoolDayWindow",
        related_name="+",
        blank=True,
        help_text="When they can meet a mentor; none ticked means any free time.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    review_note = models.TextField(
        "note to the referrer or the file",
        blank=True,
        help_text="Reason for declining, or what is needed.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    referred_at = models.DateTimeField(default=timezone.now)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        db_table = "matching_referral"
        ordering = ["-referred_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pupil__isnull=False)
                | (~Q(child_given_name="") & ~Q(child_family_name="")),
                name="matching_referral_names_a_child",
                violation_error_message="Give the child's first and last name.",
            ),
        ]
        indexes = [models.Index(fields=["school", "status"], name="matching_referral_status")]

    def __str__(self) -> str:
        return f"Referral of {self.child_name}"

    @property
    def is_reviewable(self) -> bool:
        """New, or waiting for more information: it can still be accepted or declined."""
        return self.status in (self.Status.NEW, self.Status.MORE_INFO)

    @property
    def is_urgent(self) -> bool:
        return self.priority == self.Priority.URGENT

    @property
    def is_soon(self) -> bool:
        return self.priority == self.Priority.SOON

    @property
    def child_name(self) -> str:
        if self.pupil is not None:
            return self.pupil.full_name
        return f"{self.child_given_name} {self.child_family_name}"

    @property
    def is_on_roll(self) -> bool:
        return self.pupil is not None and self.pupil.is_on_roll
