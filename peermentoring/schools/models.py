from __future__ import annotations

import datetime as dt
from typing import Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from peermentoring.core.roles import PUPIL_ROLES, STAFF_ROLES, Role

SCHEME_YEAR_GROUPS = range(7, 12)  # NC Years 7 to 11 take part in the scheme

_M = TypeVar("_M", bound=models.Model)

urn_validator = RegexValidator(r"^\d{6,7}$", "A URN is six or seven digits.")


class Trust(models.Model):
    """A group of schools: a multi-academy trust, a local authority, a charity."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(
        max_length=60, unique=True, help_text="Used in web addresses: /s/<slug>/"
    )
    urn = models.CharField("URN", max_length=7, blank=True, validators=[urn_validator])
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="schools"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # The audit trail files a change to a school under that school (core/audit.py).
    is_school_itself = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ForSchoolQuerySet(models.QuerySet[_M]):
    school_path = "school"

    def for_school(self, school: School | int) -> Self:
        """Rows that belong to one school; another school's rows are never returned."""
        return self.filter(**{self.school_path: school})


class AcademicYearQuerySet(ForSchoolQuerySet["AcademicYear"]):
    def containing(self, day: dt.date) -> AcademicYearQuerySet:
        """The academic year a date falls in."""
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class AcademicYear(models.Model):
    """September to July; holds the three terms."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="academic_years")
    name = models.CharField(max_length=20, help_text="For example 2026–27")
    starts_on = models.DateField()
    ends_on = models.DateField()

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"], name="schools_academicyear_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="schools_academicyear_ends_after_start",
                violation_error_message="The academic year must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TermQuerySet(ForSchoolQuerySet["Term"]):
    school_path = "academic_year__school"

    def containing(self, day: dt.date) -> TermQuerySet:
        """The term a date falls in (half-term included)."""
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Term(models.Model):
    class Name(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=10, choices=Name.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    half_term_starts_on = models.DateField(null=True, blank=True)
    half_term_ends_on = models.DateField(null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "name"], name="schools_term_one_of_each"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="schools_term_ends_after_start",
                violation_error_message="The term must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(half_term_starts_on__isnull=True, half_term_ends_on__isnull=True)
                | Q(
                    half_term_starts_on__gt=models.F("starts_on"),
                    half_term_ends_on__gte=models.F("half_term_starts_on"),
                    half_term_ends_on__lt=models.F("ends_on"),
                ),
                name="schools_term_half_term_inside_term",
                violation_error_message=(
                    "The half-term must start after the term starts and end before it ends."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} term {self.academic_year.name}"

    def is_teaching_day(self, day: dt.date) -> bool:
        """A weekday inside the term and outside its half-term break."""
        if not (self.starts_on <= day <= self.ends_on) or day.weekday() >= 5:
            return False
        if self.half_term_starts_on and self.half_term_ends_on:
            return not (self.half_term_starts_on <= day <= self.half_term_ends_on)
        return True


class SchoolDayWindowQuerySet(ForSchoolQuerySet["SchoolDayWindow"]):
    def on_weekday(self, weekday: int) -> SchoolDayWindowQuerySet:
        """The free windows of one weekday (Monday is 0)."""
        return self.filter(weekday=weekday)

    def active(self) -> SchoolDayWindowQuerySet:
        """The windows switched on: the only free times (a switched-off one is kept for its choices)."""
        return self.filter(is_active=True)


class SchoolDayWindow(models.Model):
    """A time on a weekday when pupils are free: the only times mentoring may happen."""

    class Kind(models.TextChoices):
        AM_REGISTRATION = "am_registration", "AM registration"
        BREAK = "break", "Break"
        LUNCH = "lunch", "Lunch"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    is_active = models.BooleanField(
        "on",
        default=True,
        help_text=(
            "Switched off when the school day no longer has this time. The window is kept, "
            "with everyone's choices, and comes back if it is switched on again."
        ),
    )

    objects = SchoolDayWindowQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "weekday", "kind"], name="schools_window_one_kind_per_day"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="schools_window_ends_after_start",
                violation_error_message="The end must be after the start.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=4), name="schools_window_weekday"
            ),
        ]

    def __str__(self) -> str:
        off = "" if self.is_active else " (switched off)"
        return f"{self.label}{off}"

    @property
    def label(self) -> str:
        """ "Tuesday lunch", "Monday AM registration": the school's own words."""
        kind = self.get_kind_display()
        if self.kind != self.Kind.AM_REGISTRATION:
            kind = kind.lower()
        return f"{self.get_weekday_display()} {kind}"

    def contains(self, moment: dt.time) -> bool:
        return self.is_active and self.start_time <= moment < self.end_time


class FeederPrimary(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="feeder_primaries")
    name = models.CharField(max_length=150)
    urn = models.CharField("URN", max_length=7, blank=True, validators=[urn_validator])
    contact_email = models.EmailField("contact e-mail", blank=True)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "feeder primary school"
        verbose_name_plural = "feeder primary schools"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"], name="schools_feederprimary_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PupilQuerySet(ForSchoolQuerySet["Pupil"]):
    def on_roll(self) -> PupilQuerySet:
        """Pupils currently at the school."""
        return self.filter(is_on_roll=True)

    def in_year(self, year_group: int) -> PupilQuerySet:
        """Pupils in one NC year group."""
        return self.filter(year_group=year_group)

    def search(self, text: str) -> PupilQuerySet:
        """Pupils whose name, form group or admission number contains the text."""
        qs = self
        for word in text.split():
            qs = qs.filter(
                Q(given_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(form_group__iexact=word)
                | Q(admission_number__iexact=word)
            )
        return qs


class Pupil(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        NOT_STATED = "not_stated", "Not stated"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    year_group = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(7), MaxValueValidator(11)]
    )
    form_group = models.CharField("form group", max_length=20, blank=True)
    house = models.CharField(max_length=50, blank=True)
    gender = models.CharField(max_length=12, choices=Gender.choices, default=Gender.NOT_STATED)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(
        "school e-mail",
        blank=True,
        help_text="From the pupil import: their account signs in with it through the school's Google or Microsoft.",
    )
    upn = models.CharField("UPN", max_length=13, blank=True)
    admission_number = models.CharField(max_length=20, blank=True)
    source_id = models.CharField(
        "OneRoster sourcedId", max_length=100, blank=True, help_text="Set by OneRoster imports."
    )
    feeder_primary = models.ForeignKey(
        FeederPrimary, on_delete=models.SET_NULL, null=True, blank=True, related_name="pupils"
    )
    is_on_roll = models.BooleanField(default=True)
    family_key = models.CharField(
        "family / contact reference",
        max_length=50,
        blank=True,
        help_text="Pupils sharing this reference (the MIS contact or family ID) are relatives.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_group__gte=7, year_group__lte=11),
                name="schools_pupil_year_7_to_11",
            ),
            models.UniqueConstraint(
                fields=["school", "admission_number"],
                condition=~Q(admission_number=""),
                name="schools_pupil_unique_admission_number",
            ),
            models.UniqueConstraint(
                fields=["school", "upn"], condition=~Q(upn=""), name="schools_pupil_unique_upn"
            ),
            models.UniqueConstraint(
                fields=["school", "source_id"],
                condition=~Q(source_id=""),
                name="schools_pupil_unique_source_id",
            ),
        ]
        indexes = [
            models.Index(
                fields=["school", "year_group", "form_group"], name="schools_pupil_year_form"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def first_name(self) -> str:
        """The name the pupil goes by."""
        return self.preferred_name or self.given_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.family_name}"


class MembershipQuerySet(ForSchoolQuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        """Memberships that let their person in: accepted, switched on, account enabled."""
        return self.filter(is_active=True, user__is_active=True, accepted_at__isnull=False)

    def invitations(self) -> MembershipQuerySet:
        """Roles offered to someone who already had an account, not yet accepted."""
        return self.filter(accepted_at__isnull=True)

    def manageable(self) -> MembershipQuerySet:
        """What a school's pages may show: never a site administrator's account."""
        return self.exclude(user__is_superuser=True).exclude(user__is_staff=True)

    def with_role(self, *roles: str) -> MembershipQuerySet:
        """Memberships holding one of the roles."""
        return self.filter(role__in=roles)

    def staff_of(self, school: School) -> MembershipQuerySet:
        """The school's staff who can act now: accepted, switched on, account enabled."""
        return self.for_school(school).active().with_role(*STAFF_ROLES)


PUPIL_ACCOUNT_IS_STAFF = (
    "That account belongs to a member of staff. A pupil needs their own account, made "
    "from their pupil record."
)
STAFF_ACCOUNT_IS_PUPIL = (
    "That address belongs to a pupil's account. A member of staff needs their own "
    "account, with their own school e-mail address."
)


class Membership(models.Model):
    """A person's role in one school. Pupil roles are linked to the pupil's record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    pupil = models.OneToOneField(
        Pupil, on_delete=models.PROTECT, null=True, blank=True, related_name="membership"
    )
    is_active = models.BooleanField(default=True)
    owns_account = models.BooleanField(
        default=False,
        help_text=(
            "This school created the account, so its school admin may reset the password "
            "and see when it last signed in. Other schools only manage their own role."
        ),
    )
    accepted_at = models.DateTimeField(
        null=True,
        blank=True,
        default=timezone.now,
        help_text="Empty while an invitation to someone with an account elsewhere waits.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["school", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school"], name="schools_membership_one_per_school"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in PUPIL_ROLES], pupil__isnull=False)
                | (~Q(role__in=[r.value for r in PUPIL_ROLES]) & Q(pupil__isnull=True)),
                name="schools_membership_pupil_roles_have_pupil",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(owns_account=True),
                name="schools_membership_one_owner_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.school}"

    def clean(self) -> None:
        """One account is a pupil's or a member of staff's, never both: a pupil can
        never be handed a staff role (and a second factor's exemption) by mistake."""
        super().clean()
        if self.user_id is None:
            return
        others = Membership.objects.filter(user_id=self.user_id).exclude(pk=self.pk)
        pupil_role = self.role in PUPIL_ROLES
        if pupil_role and others.exclude(role__in=PUPIL_ROLES).exists():
            raise ValidationError({"role": PUPIL_ACCOUNT_IS_STAFF})
        if not pupil_role and others.filter(role__in=PUPIL_ROLES).exists():
            raise ValidationError({"role": STAFF_ACCOUNT_IS_PUPIL})

    @property
    def is_pupil(self) -> bool:
        return self.role in PUPIL_ROLES

    # Role checks for templates, so no template spells a role's stored value.
    @property
    def is_school_admin(self) -> bool:
        return self.role == Role.SCHOOL_ADMIN

    @property
    def is_mentor(self) -> bool:
        return self.role == Role.MENTOR

    @property
    def is_trust_lead(self) -> bool:
        return self.role == Role.TRUST_LEAD

    @property
    def is_invitation(self) -> bool:
        """Waiting for the person, who has an account elsewhere, to accept."""
        return self.accepted_at is None

    @cached_property
    def may_manage_account(self) -> bool:
        """The school may reset the password and read the sign-in history.

        Only the school that created the account, while the person still has access
        there; never a site administrator's or a trust lead's account.
        """
        if not (self.owns_account and self.is_active and not self.is_invitation):
            return False
        if self.user.is_superuser or self.user.is_staff:
            return False
        # A trust lead's account is trust-wide: only the site administrator manages it.
        return not self.user.memberships.filter(role=Role.TRUST_LEAD).exists()


class PupilImport(models.Model):
    """One upload of a pupil file, kept with its report."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Imported"
        CHECKED = "checked", "Checked only (dry run)"
        REFUSED = "refused", "Refused: nothing changed"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="pupil_imports")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=30)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    skipped_rows = models.JSONField(
        default=list, blank=True, help_text="Each skipped row's line and why (the first 500)."
    )
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_outcome_display()})"

    @property
    def was_imported(self) -> bool:
        return self.outcome == self.Outcome.IMPORTED

    @property
    def was_only_checked(self) -> bool:
        return self.outcome == self.Outcome.CHECKED


class SchoolSignOn(models.Model):
    """A school's "Sign in with Google / Microsoft" (or another OpenID Connect provider).

    The school registers this site at its identity provider and enters what it got back.
    A person signs in through it only into an account that already exists and holds an
    active role in this school (schools/sign_on.py).
    """

    class Kind(models.TextChoices):
        GOOGLE = "google", "Google"
        MICROSOFT = "microsoft", "Microsoft"
        OIDC = "oidc", "Another provider (OpenID Connect)"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="sign_ons")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_enabled = models.BooleanField("switched on", default=False)
    client_id = models.CharField("client ID", max_length=255, blank=True)
    # Never shown back in full, never in the audit trail.
    client_secret = models.CharField("client secret", max_length=500, blank=True)
    allowed_domains = models.CharField(
        "e-mail domains",
        max_length=500,
        blank=True,
        help_text="Lower case, one space between domains.",
    )
    tenant_id = models.CharField("directory (tenant) ID", max_length=36, blank=True)
    issuer_url = models.CharField("issuer address", max_length=300, blank=True)
    idp_enforces_mfa = models.BooleanField(
        "our identity provider makes staff use a second factor", default=False
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ForSchoolQuerySet["SchoolSignOn"].as_manager()

    class Meta:
        ordering = ["school", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind"], name="schools_schoolsignon_one_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"Sign in with {self.get_kind_display()} at {self.school}"

    @property
    def provider_id(self) -> str:
        """allauth's name for this school's provider, also in its return address."""
        return f"{self.school.slug}-{self.kind}"

    @property
    def is_google(self) -> bool:
        return self.kind == self.Kind.GOOGLE

    @property
    def is_microsoft(self) -> bool:
        return self.kind == self.Kind.MICROSOFT

    @property
    def domains(self) -> list[str]:
        return self.allowed_domains.split()
