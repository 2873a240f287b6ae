from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import ForSchoolQuerySet, School

if TYPE_CHECKING:
    from peermentoring.core.models import User

DEFAULT_QUESTIONS = [
    "Why do you want to be a peer mentor?",
    "Tell us about a time you helped someone.",
    "What makes a good listener?",
]
DEFAULT_CRITERIA = ["Listening", "Empathy", "Reliability", "Communication"]
DEFAULT_REFERENCE_QUESTION = (
    "How well would this pupil support a younger pupil? Please mention reliability, "
    "kindness and how they get on with others."
)
SCORE_RANGE = range(1, 5)  # each criterion is scored 1 (weak) to 4 (strong)


def _default_questions() -> list[str]:
    return list(DEFAULT_QUESTIONS)


def _default_criteria() -> list[str]:
    return list(DEFAULT_CRITERIA)


class RecruitmentRoundQuerySet(ForSchoolQuerySet["RecruitmentRound"]):
    def open_on(self, day: dt.date) -> RecruitmentRoundQuerySet:
        """Rounds taking applications on the day (opening and closing days included)."""
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class RecruitmentRound(models.Model):
    """One year's call for new peer mentors: who may apply, when, how many places, what we ask."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="recruitment_rounds"
    )
    academic_year = models.ForeignKey(
        "schools.AcademicYear",
        on_delete=models.PROTECT,
        related_name="recruitment_rounds",
        help_text="The year the round runs in; its mentors serve the year after.",
    )
    title = models.CharField(max_length=150, default="Become a peer mentor")
    advert = models.TextField(
        blank=True,
        default=(
            "Could you help a new Year 7 pupil settle in? Peer mentors are trained over two days, "
            "then meet their mentee at AM registration, break or lunch, never in lessons. "
            "Apply as you would for a job: tell us why you would be good at it."
        ),
    )
    year_group = models.PositiveSmallIntegerField(
        default=9, validators=[MinValueValidator(7), MaxValueValidator(11)]
    )
    opens_on = models.DateField("applications open")
    closes_on = models.DateField("applications close", help_text="The last day to submit.")
    places = models.PositiveSmallIntegerField(default=15, validators=[MinValueValidator(1)])
    questions = models.JSONField(default=_default_questions)
    asks_tutor_reference = models.BooleanField("ask tutors for a reference", default=True)
    reference_question = models.TextField(blank=True, default=DEFAULT_REFERENCE_QUESTION)
    criteria = models.JSONField("interview criteria", default=_default_criteria)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RecruitmentRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="recruitment_round_closes_after_opening",
                violation_error_message="Applications must close on or after the day they open.",
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1), name="recruitment_round_at_least_one_place"
            ),
            models.CheckConstraint(
                condition=Q(year_group__gte=7, year_group__lte=11),
                name="recruitment_round_year_7_to_11",
            ),
            models.UniqueConstraint(
                fields=["school", "academic_year", "year_group"],
                name="recruitment_round_one_per_year_group",
                violation_error_message="There is already a round for that year group this year.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.academic_year.name})"

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def offers_made(self) -> bool:
        """The round is decided: someone has been offered a place or put on the waiting list."""
        return self.applications.filter(status__in=Application.OFFERS_MADE).exists()


class ApplicationQuerySet(ForSchoolQuerySet["Application"]):
    school_path = "round__school"

    def submitted(self) -> ApplicationQuerySet:
        """Applications past the draft stage."""
        return self.exclude(status=Application.Status.DRAFT)

    def accepted(self) -> ApplicationQuerySet:
        """Applications whose place is accepted: the round can never have fewer places."""
        return self.filter(status=Application.Status.ACCEPTED)

    def taking_places(self) -> ApplicationQuerySet:
        """Applications holding a place, accepted or on offer: they count against the places."""
        return self.filter(status__in=Application.TAKING_PLACES)


class Application(models.Model):
    """A pupil's application to a round, "as they would for a job"."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SHORTLISTED = "shortlisted", "Shortlisted"
        INTERVIEW_BOOKED = "interview_booked", "Interview booked"
        OFFERED = "offered", "Offered a place"
        WAITING_LIST = "waiting_list", "Waiting list"
        ACCEPTED = "accepted", "Accepted"
        OFFER_DECLINED = "offer_declined", "Turned the offer down"
        NOT_SUCCESSFUL = "not_successful", "Not successful"

    # Interviewed, or waiting for a place: the applications that may be ranked for an offer.
    RANKABLE = (Status.INTERVIEW_BOOKED, Status.WAITING_LIST)
    # Any application of a round in one of these means the round's offers have been made.
    OFFERS_MADE = (Status.OFFERED, Status.WAITING_LIST, Status.ACCEPTED, Status.OFFER_DECLINED)
    # Accepted or on offer: these hold one of the round's places.
    TAKING_PLACES = (Status.ACCEPTED, Status.OFFERED)
    # Finished without a place: turned down by the school or by the applicant.
    ENDED_WITHOUT_PLACE = (Status.NOT_SUCCESSFUL, Status.OFFER_DECLINED)

    # What the applicant reads: kind words, never a bare status.
    KIND_WORDS = {
        Status.DRAFT: "Your application is saved as a draft. Submit it before the closing date.",
        Status.SUBMITTED: "Thank you for applying! We have your application and will read it soon.",
        Status.SHORTLISTED: "Great news: you have been shortlisted. We will book you an interview.",
        Status.INTERVIEW_BOOKED: "Your interview is booked. Just be yourself, you'll be fine.",
        Status.OFFERED: "Congratulations! We would love you to be a peer mentor. "
        "Please accept or decline your place.",
        Status.WAITING_LIST: "You interviewed really well. You are on our waiting list, and we "
        "will offer you a place as soon as one comes free.",
        Status.ACCEPTED: "Welcome to the team! You have accepted your place; training comes next.",
        Status.OFFER_DECLINED: "You decided not to take up your place. Thank you for applying.",
        Status.NOT_SUCCESSFUL: "Thank you for applying. This time we could not offer you a place, "
        "but please keep helping others; you could apply again.",
    }

    round = models.ForeignKey(
        RecruitmentRound, on_delete=models.PROTECT, related_name="applications"
    )
    pupil = models.ForeignKey(
        "schools.Pupil", on_delete=models.PROTECT, related_name="mentor_applications"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(
        default=list, blank=True, help_text="[{question, answer}] as asked when they applied."
    )
    availability = models.JSONField(
        default=list, blank=True, help_text="Kinds of free window: AM registration, break, lunch."
    )
    interests = models.TextField(blank=True)
    languages = models.CharField("languages spoken", max_length=200, blank=True)
    decision_reason = models.TextField(
        blank=True, help_text="Why it was declined or turned down; kept for the record."
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    paper_received_on = models.DateField(
        "paper form received",
        null=True,
        blank=True,
        help_text="Set when staff typed the application in from a paper form.",
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    parental_consent_on = models.DateField("parental consent received", null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mentor = models.OneToOneField(
        Mentor, on_delete=models.PROTECT, null=True, blank=True, related_name="application"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["pupil__family_name", "pupil__given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "pupil"],
                name="recruitment_application_once_per_round",
                violation_error_message="This pupil has already applied to this round.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="recruitment_application_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil.full_name}: {self.round.title}"

    def history(self) -> models.QuerySet:
        """The audit entries about this application, oldest first: every status change."""
        from peermentoring.core.models import AuditEntry

        return (
            AuditEntry.objects.filter(target_type=self._meta.label, target_id=str(self.pk))
            .select_related("actor")
            .order_by("created_at", "pk")
        )

    @property
    def is_on_paper(self) -> bool:
        """Typed in by staff from the pupil's paper form."""
        return self.paper_received_on is not None

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_interview_booked(self) -> bool:
        return self.status == self.Status.INTERVIEW_BOOKED

    @property
    def is_offered(self) -> bool:
        """Offered a place and not yet answered."""
        return self.status == self.Status.OFFERED

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def takes_a_place(self) -> bool:
        """Accepted or on offer: it holds one of the round's places."""
        return self.status in self.TAKING_PLACES

    @property
    def ended_without_place(self) -> bool:
        """Not successful, or the applicant turned the offer down."""
        return self.status in self.ENDED_WITHOUT_PLACE

    @property
    def can_shortlist(self) -> bool:
        """Submitted and not yet read: the coordinator may shortlist it for interview."""
        return self.status == self.Status.SUBMITTED

    @property
    def can_book_interview(self) -> bool:
        """Shortlisted (or already booked, to change the interview): an interview may be booked."""
        return self.status in (self.Status.SHORTLISTED, self.Status.INTERVIEW_BOOKED)

    @property
    def can_be_declined(self) -> bool:
        """Still before an offer: the coordinator may decline it, with a reason."""
        return self.status in (
            self.Status.SUBMITTED,
            self.Status.SHORTLISTED,
            self.Status.INTERVIEW_BOOKED,
            self.Status.WAITING_LIST,
        )

    @property
    def is_rankable(self) -> bool:
        """Interviewed (or on the waiting list): it can be ranked for an offer."""
        return self.status in self.RANKABLE

    @property
    def kind_words(self) -> str:
        return self.KIND_WORDS[self.Status(self.status)]

    @property
    def school(self) -> School:
        return self.round.school


class TutorReference(models.Model):
    """A form tutor's reference, written through an e-mailed link without an account."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="reference"
    )
    tutor_name = models.CharField(max_length=150)
    tutor_email = models.EmailField("tutor's e-mail")
    requested_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Reference from {self.tutor_name} for {self.application.pupil.full_name}"


class InterviewQuerySet(ForSchoolQuerySet["Interview"]):
    school_path = "application__round__school"

    def on_panel(self, user: User) -> InterviewQuerySet:
        """Interviews the person sits on, as the staff member or as a pupil interviewer."""
        return self.filter(Q(staff_member=user) | Q(panel_pupils__membership__user=user)).distinct()

    def open_to_pupils(self) -> InterviewQuerySet:
        """Interviews a pupil interviewer may still read: see `Interview.answers_visible_to_pupils`."""
        offers = Application.objects.filter(
            round=OuterRef("application__round"), status__in=Application.OFFERS_MADE
        )
        return self.filter(application__status=Application.Status.INTERVIEW_BOOKED).exclude(
            Exists(offers)
        )


class Interview(models.Model):
    """A shortlisted applicant's interview: a slot in a free window and its panel."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="interview"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=100, default="Peer mentoring room")
    staff_member = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    panel_pupils = models.ManyToManyField(
        "schools.Pupil", related_name="interview_panels", verbose_name="experienced mentors"
    )
    booked_at = models.DateTimeField(default=timezone.now)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="recruitment_interview_ends_after_start",
                violation_error_message="The interview must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"Interview: {self.application.pupil.full_name}"

    def answers_visible_to_pupils(self) -> bool:
        """Pupil interviewers may read the application only while the round is undecided.

        Undecided means the applicant is still waiting after their interview (not declined,
        offered or on the waiting list) and the round has made no offers yet. After that a
        pupil on the panel sees nothing of the application; staff still see everything.
        """
        return self.application.is_interview_booked and not self.application.round.offers_made()

    def is_pupil_interviewer(self, user: User) -> bool:
        """On the panel as one of the pupils, not as its member of staff."""
        return self.staff_member_id != getattr(user, "pk", None)

    @property
    def school(self) -> School:
        return self.application.round.school


class InterviewScore(models.Model):
    """One panel member's scores (1–4 per criterion) and comment, submitted once."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(help_text="{criterion: 1–4}")
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "scorer"],
                name="recruitment_score_once_per_panel_member",
                violation_error_message="You have already scored this interview.",
            ),
        ]

    def __str__(self) -> str:
        return f"Scores by {self.scorer} for {self.interview.application.pupil.full_name}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.scores.values())

    @property
    def school(self) -> School:
        return self.interview.application.round.school
