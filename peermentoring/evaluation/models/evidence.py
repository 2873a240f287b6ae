"""Evaluation tables of the evidence area: the school's aims and policies, each kept in
every version it was published in, and the mentors' "I have read and understood this".

A policy's text is never changed in place: editing publishes a new version, and the old
ones stay readable (the evidence pack says which version was in force). Exactly one
version of a policy is current (a named constraint holds it). A mentor acknowledges one
version; a new version asks again. A mentor who signed a paper copy instead (some have no
account) is recorded by the coordinator or school admin: `is_paper`, dated the day signed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet

__all__ = ["Policy", "PolicyAcknowledgement", "PolicyVersion"]

TITLE_MAX = 150
# A long policy is a few thousand words; a hundred thousand characters is far beyond one.
TEXT_MAX = 100_000


class PolicyQuerySet(ForSchoolQuerySet["Policy"]):
    def for_mentors(self) -> PolicyQuerySet:
        """Policies the school asks its peer mentors to read and acknowledge."""
        return self.filter(is_for_mentors=True)


class Policy(models.Model):
    """The school's aims for its scheme, or one of its policies (safeguarding, ...)."""

    class Kind(models.TextChoices):
        AIMS = "aims", "Aims of the scheme"
        POLICY = "policy", "Policy"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=TITLE_MAX)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POLICY)
    is_for_mentors = models.BooleanField(
        "peer mentors read it",
        default=True,
        help_text="Each mentor is asked to read it and tick 'I have read and understood this'.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "title"], name="evaluation_policy_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_aims(self) -> bool:
        return self.kind == self.Kind.AIMS


class PolicyVersionQuerySet(ForSchoolQuerySet["PolicyVersion"]):
    def current(self) -> PolicyVersionQuerySet:
        """The version of each policy in force now (the latest published)."""
        return self.filter(is_current=True)

    def in_force_on(self, day: object) -> PolicyVersionQuerySet:
        """The version of each policy in force at the end of `day`: the latest published by then."""
        later = PolicyVersion.objects.filter(
            policy=models.OuterRef("policy"),
            number__gt=models.OuterRef("number"),
            published_at__date__lte=day,
        )
        return self.filter(published_at__date__lte=day).exclude(models.Exists(later))


class PolicyVersion(models.Model):
    """One published text of a policy; never changed after it is published."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=TEXT_MAX)
    is_current = models.BooleanField(default=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The form that published it: the same form sent twice publishes once.
    submission_key = models.UUIDField(null=True, blank=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="evaluation_policyversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(is_current=True),
                name="evaluation_policyversion_one_current",
            ),
            models.UniqueConstraint(
                fields=["school", "submission_key"],
                condition=Q(submission_key__isnull=False),
                name="evaluation_policyversion_unique_submission",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="evaluation_policyversion_number_from_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.title}, version {self.number}"


class PolicyAcknowledgement(models.Model):
    """A pupil (a mentor) has read one version and ticked "I have read and understood this",
    on their account or by signing a paper copy.

    Kept against the pupil rather than a year's mentor record: having read version 3 stays
    true next year, and a new version asks again. On paper, `by` is the member of staff who
    recorded it and `at` is midday of the day signed in the school's time zone: one moment
    every reader (the policy page, the evidence pack's "by the end of the period") already
    reads, and midday keeps the day whatever the clocks do.
    """

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    pupil = models.ForeignKey("schools.Pupil", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    is_paper = models.BooleanField("signed a paper copy", default=False)

    objects = ForSchoolQuerySet["PolicyAcknowledgement"].as_manager()

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "pupil"], name="evaluation_policyack_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} read by pupil {self.pupil_id}"
