"""The matching settings and lists, proposals (match runs) and pairings."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet, School

# Every weight runs from 0 (ignored) to 5.
WEIGHT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(5)]


class MatchingSettings(models.Model):
    """How a school weighs each factor (0–5) and which rules it applies."""

    class FormHouseRule(models.TextChoices):
        NONE = "", "No preference"
        SAME_HOUSE = "same_house", "Same house"
        DIFFERENT_HOUSE = "different_house", "Different house"
        SAME_FORM = "same_form", "Same form group (vertical tutoring)"
        DIFFERENT_FORM = "different_form", "Different form group"

    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, related_name="matching_settings"
    )
    interests_weight = models.PositiveSmallIntegerField(
        "shared interests", default=3, validators=WEIGHT_VALIDATORS
    )
    primary_weight = models.PositiveSmallIntegerField(
        "same feeder primary", default=2, validators=WEIGHT_VALIDATORS
    )
    language_weight = models.PositiveSmallIntegerField(
        "shared home language", default=2, validators=WEIGHT_VALIDATORS
    )
    gender_weight = models.PositiveSmallIntegerField(
        "gender preference", default=4, validators=WEIGHT_VALIDATORS
    )
    windows_weight = models.PositiveSmallIntegerField(
        "free at the same times", default=3, validators=WEIGHT_VALIDATORS
    )
    experience_weight = models.PositiveSmallIntegerField(
        "experienced mentor for urgent or higher-need referrals",
        default=3,
        validators=WEIGHT_VALIDATORS,
    )
    form_house_weight = models.PositiveSmallIntegerField(
        "form group or house", default=1, validators=WEIGHT_VALIDATORS
    )
    form_house_rule = models.CharField(
        "form group or house rule",
        max_length=20,
        choices=FormHouseRule.choices,
        default=FormHouseRule.NONE,
        blank=True,
    )
    requires_consent = models.BooleanField(
        "mentees need parental consent before matching", default=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "matching settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    interests_weight__lte=5,
                    primary_weight__lte=5,
                    language_weight__lte=5,
                    gender_weight__lte=5,
                    windows_weight__lte=5,
                    experience_weight__lte=5,
                    form_house_weight__lte=5,
                ),
                name="matching_matchingsettings_weights_0_to_5",
                violation_error_message="Weights run from 0 to 5.",
            ),
        ]

    def __str__(self) -> str:
        return f"Matching settings for {self.school}"

    @classmethod
    def for_school(cls, school: School) -> MatchingSettings:
        """The school's settings, or the defaults (unsaved) if it has never changed them."""
        return cls.objects.filter(school=school).first() or cls(school=school)


class DoNotPair(models.Model):
    """Two pupils who must never be paired (a known conflict or relatives), either way round."""

    class Kind(models.TextChoices):
        CONFLICT = "conflict", "Known conflict"
        RELATIVE = "relative", "Sibling or relative"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("schools.Pupil", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("schools.Pupil", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CONFLICT)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "other"], name="matching_donotpair_unique"),
            models.CheckConstraint(
                condition=~Q(pupil=models.F("other")),
                name="matching_donotpair_two_pupils",
                violation_error_message="Choose two different pupils.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} / {self.other}"


class MatchRun(models.Model):
    """One proposal: computed, adjusted (locks and forbids) and then confirmed or left."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        SUPERSEDED = "superseded", "Superseded"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    locked = models.JSONField(default=list, blank=True)  # [[referral_pk, mentor_pk], ...]
    forbidden = models.JSONField(default=list, blank=True)
    proposal = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Matching proposal of {self.created_at:%d %b %Y %H:%M}"

    @property
    def is_proposed(self) -> bool:
        """Still open: it can be adjusted and confirmed."""
        return self.status == self.Status.PROPOSED


class PairingQuerySet(ForSchoolQuerySet["Pairing"]):
    def active(self) -> PairingQuerySet:
        """Pairings still running."""
        return self.filter(status=Pairing.Status.ACTIVE)


class Pairing(models.Model):
    """A mentor and a mentee buddied up; ended pairings stay as history."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class EndReason(models.TextChoices):
        COMPLETED = "completed", "Completed at the end of the year"
        NO_LONGER_NEEDED = "no_longer_needed", "Mentee no longer needs it"
        MOVED_SCHOOL = "moved_school", "Moved school"
        MENTOR_STEPPED_DOWN = "mentor_stepped_down", "Mentor stepped down"
        OTHER = "other", "Other"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="pairings")
    mentor = models.ForeignKey("mentors.Mentor", on_delete=models.PROTECT, related_name="pairings")
    mentee = models.ForeignKey("schools.Pupil", on_delete=models.PROTECT, related_name="pairings")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="pairings"
    )
    match_run = models.ForeignKey(
        MatchRun, on_delete=models.PROTECT, null=True, blank=True, related_name="pairings"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(status="active"),
                name="matching_pairing_one_active_per_mentee",
                violation_error_message="This mentee already has an active mentor.",
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_on__isnull=True, end_reason="")
                | (Q(status="ended", ended_on__isnull=False) & ~Q(end_reason="")),
                name="matching_pairing_ended_has_date_and_reason",
                violation_error_message="An ended pairing needs its end date and reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} with {self.mentee}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
