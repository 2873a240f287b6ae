from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from peermentoring.core.forms import (  # noqa: F401 - shared with training
    MAX_ID,
    BoundedModelMultipleChoiceField,
    bounded_text,
    model_choice,
    up_to,
)
from peermentoring.core.models import User
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import SCORE_RANGE, Application, RecruitmentRound
from peermentoring.schools.forms import DATE, TIME
from peermentoring.schools.models import AcademicYear, Pupil, School, SchoolDayWindow

AVAILABILITY_CHOICES = SchoolDayWindow.Kind.choices

# Free text is bounded everywhere (issue #7): long enough for anything a school writes,
# short enough that nobody can post megabytes.
ANSWER_MAX = 3000
REFERENCE_MAX = 5000
REASON_MAX = 1000
COMMENT_MAX = 1000
INTERESTS_MAX = 1000
ADVERT_MAX = 2000
REFERENCE_QUESTION_MAX = 1000
QUESTION_MAX = 300
MAX_QUESTIONS = 10
CRITERION_MAX = 60
MAX_CRITERIA = 8
MAX_PLACES = 300
TOO_MANY_LINES = "At most {most} lines, please: one per line."
LINE_TOO_LONG = "Line {line} is too long: keep each to at most {most} characters."


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _bounded_lines(text: str, *, most: int, longest: int) -> str:
    lines = _lines(text)
    if len(lines) > most:
        raise forms.ValidationError(TOO_MANY_LINES.format(most=most))
    for number, line in enumerate(lines, start=1):
        if len(line) > longest:
            raise forms.ValidationError(LINE_TOO_LONG.format(line=number, most=longest))
    return text


class RoundForm(forms.ModelForm):
    """A round's settings; questions and criteria are edited one per line."""

    questions_text = forms.CharField(
        label="Application questions",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_QUESTIONS * (QUESTION_MAX + 2),
        help_text=f"One question per line (at most {MAX_QUESTIONS}, each up to {QUESTION_MAX} "
        "characters). Availability, interests and languages are always asked.",
    )
    criteria_text = forms.CharField(
        label="Interview criteria",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_CRITERIA * (CRITERION_MAX + 2),
        help_text=f"One per line (at most {MAX_CRITERIA}, each up to {CRITERION_MAX} characters); "
        "each panel member scores every criterion from 1 to 4.",
    )
    advert = bounded_text(ADVERT_MAX, required=False, rows=4)
    reference_question = bounded_text(
        REFERENCE_QUESTION_MAX, label="Reference question", required=False
    )
    places = forms.IntegerField(min_value=1, max_value=MAX_PLACES, initial=15)

    class Meta:
        model = RecruitmentRound
        fields = [
            "academic_year",
            "title",
            "advert",
            "year_group",
            "opens_on",
            "closes_on",
            "places",
            "asks_tutor_reference",
            "reference_question",
        ]
        widgets = {"opens_on": DATE, "closes_on": DATE}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "academic_year").queryset = AcademicYear.objects.for_school(school)
        instance = self.instance
        self.fields["questions_text"].initial = "\n".join(instance.questions)
        self.fields["criteria_text"].initial = "\n".join(instance.criteria)
        if instance.pk:
            del self.fields["academic_year"]

    def clean_questions_text(self) -> str:
        return _bounded_lines(
            self.cleaned_data["questions_text"], most=MAX_QUESTIONS, longest=QUESTION_MAX
        )

    def clean_criteria_text(self) -> str:
        return _bounded_lines(
            self.cleaned_data["criteria_text"], most=MAX_CRITERIA, longest=CRITERION_MAX
        )

    def questions(self) -> list[str]:
        """The application questions, one a line."""
        return _lines(self.cleaned_data["questions_text"])

    def criteria(self) -> list[str]:
        """The interview criteria, one a line."""
        return _lines(self.cleaned_data["criteria_text"])


class ApplicationForm(forms.Form):
    """The pupil's application: the round's questions, then when they are free and what they like."""

    availability = forms.MultipleChoiceField(
        label="When could you meet a mentee?",
        choices=AVAILABILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Mentoring never takes you out of lessons.",
    )
    interests = bounded_text(
        INTERESTS_MAX,
        label="Your interests and hobbies",
        rows=2,
        required=False,
        help_text="Helps us match you with a mentee who likes similar things.",
    )
    languages = forms.CharField(
        label="Languages you speak", max_length=200, required=False, help_text="Besides English."
    )

    def __init__(
        self, *args: Any, round: RecruitmentRound, application: Application | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        saved = {a["question"]: a["answer"] for a in (application.answers if application else [])}
        questions = {}
        for index, question in enumerate(round.questions):
            questions[f"answer_{index}"] = bounded_text(
                ANSWER_MAX,
                label=question,
                rows=4,
                required=False,
                initial=saved.get(question, ""),
            )
        self.fields = {**questions, **self.fields}
        if application is not None:
            self.fields["availability"].initial = application.availability
            self.fields["interests"].initial = application.interests
            self.fields["languages"].initial = application.languages
        self.question_count = len(round.questions)

    def answers(self) -> list[str]:
        return [self.cleaned_data[f"answer_{i}"] for i in range(self.question_count)]


PUPIL_TEXT_MAX = 200
LANGUAGES_MAX = 200
PAPER_ANSWER_NEEDED = "Type in their answer. If the form leaves it blank, type “Left blank”."
PAPER_AVAILABILITY_NEEDED = "Tick at least one time they could meet a mentee, as on the form."
PUPIL_NOT_FOUND = (
    "No pupil at this school matches “{text}”. Check the spelling, or type their admission number."
)
PUPIL_AMBIGUOUS = (
    "{count} pupils are called {text}: choose one from the list, which shows their form "
    "and admission number."
)


def pupil_choice_label(pupil: Pupil) -> str:
    """How a pupil is offered in the paper form's list: name, form group, admission number."""
    details = ", ".join(d for d in (pupil.form_group, pupil.admission_number) if d)
    return f"{pupil.full_name} ({details})" if details else pupil.full_name


def _names(pupil: Pupil) -> set[str]:
    names = {
        f"{pupil.first_name} {pupil.family_name}",
        f"{pupil.given_name} {pupil.family_name}",
        f"{pupil.family_name}, {pupil.first_name}",
        f"{pupil.family_name}, {pupil.given_name}",
        f"{pupil.family_name} {pupil.given_name}",
    }
    return {" ".join(n.split()).casefold() for n in names}


class PaperApplicationForm(ApplicationForm):
    """A pupil's paper application form, typed in by staff: who, when it came, then the form."""

    pupil = forms.CharField(
        label="Pupil",
        max_length=PUPIL_TEXT_MAX,
        help_text="Type their name or admission number, then pick them from the list.",
        widget=forms.TextInput(attrs={"list": "paper-pupils", "autocomplete": "off"}),
        error_messages={
            "required": "Say whose form this is: type their name or admission number.",
            "max_length": f"A name or admission number is at most {PUPIL_TEXT_MAX} characters.",
        },
    )
    received_on = forms.DateField(
        label="Date the form was received",
        widget=DATE,
        error_messages={"required": "Give the date the form was handed in."},
    )
    parent_signed = forms.BooleanField(
        label="A parent or carer signed the form to give their consent",
        required=False,
        help_text="Recorded as parental consent, given on the day the form was received.",
    )

    def __init__(
        self, *args: Any, round: RecruitmentRound, applicants: QuerySet[Pupil], **kwargs: Any
    ) -> None:
        super().__init__(*args, round=round, application=None, **kwargs)
        self.round = round
        self.applicants = applicants
        # Today, or the last day of a closed round; a date carried from the form before wins.
        self.fields["received_on"].initial = min(timezone.localdate(), round.closes_on)
        # Unlike a pupil's draft, a typed-in form is submitted at once: everything is needed.
        for index in range(self.question_count):
            answer = self.fields[f"answer_{index}"]
            answer.required = True
            answer.error_messages["required"] = PAPER_ANSWER_NEEDED
        self.fields["availability"].required = True
        self.fields["availability"].error_messages["required"] = PAPER_AVAILABILITY_NEEDED
        self.fields["availability"].label = "When they could meet a mentee"
        self.fields["availability"].help_text = "As ticked on the form."
        self.fields["interests"].label = "Interests and hobbies"
        self.fields["interests"].help_text = up_to(INTERESTS_MAX)
        self.fields["languages"].label = "Languages spoken"
        self.fields["languages"].error_messages["max_length"] = (
            f"Please keep this to at most {LANGUAGES_MAX} characters."
        )
        # Who and when first; the consent box stays last, as on the form.
        self.order_fields(["pupil", "received_on"])

    def clean_pupil(self) -> Pupil:
        """The pupil the typed text names: a choice from the list, an admission number or a name."""
        text = " ".join(self.cleaned_data["pupil"].split())
        listed = list(self.applicants)
        for pupil in listed:
            if pupil_choice_label(pupil).casefold() == text.casefold():
                return pupil
        school_pupils = Pupil.objects.for_school(self.round.school_id).on_roll()
        # A choice from the list of a pupil no longer in it (say, they have applied since).
        chosen = re.fullmatch(r"(.+) \(([^()]*)\)", text)
        name = chosen.group(1) if chosen else text
        number = chosen.group(2).split(", ")[-1] if chosen else text
        by_number = school_pupils.filter(admission_number__iexact=number).first()
        if by_number is not None and (not chosen or name.casefold() in _names(by_number)):
            return by_number
        wanted = name.casefold()
        named = [p for p in listed if wanted in _names(p)]
        if not named:
            named = [p for p in school_pupils.search(name)[:50] if wanted in _names(p)]
        if len(named) == 1:
            return named[0]
        if named:
            raise forms.ValidationError(PUPIL_AMBIGUOUS.format(count=len(named), text=name))
        raise forms.ValidationError(PUPIL_NOT_FOUND.format(text=text))


class ApplicationFilterForm(forms.Form):
    form_group = forms.CharField(label="Form group", required=False, max_length=20)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Application.Status.choices], required=False
    )
    sort = forms.ChoiceField(
        choices=[
            ("name", "Name"),
            ("form", "Form group"),
            ("submitted", "Date submitted"),
            ("rank", "Rank"),
        ],
        required=False,
    )

    ORDERINGS = {
        "name": ["pupil__family_name", "pupil__given_name"],
        "form": ["pupil__form_group", "pupil__family_name"],
        "submitted": ["submitted_at"],
        "rank": ["rank", "pupil__family_name"],
    }


class DeclineForm(forms.Form):
    # Required by decline_application, which says why in the school's words.
    reason = bounded_text(
        REASON_MAX, rows=3, required=False, help_text="Kept with the application."
    )


class ReferenceRequestForm(forms.Form):
    tutor_name = forms.CharField(label="Tutor's name", max_length=150)
    tutor_email = forms.EmailField(label="Tutor's e-mail", max_length=254)


class ReferenceForm(forms.Form):
    text = bounded_text(REFERENCE_MAX, label="Your reference", rows=8)


class InterviewForm(forms.Form):
    day = forms.DateField(widget=DATE)
    starts = forms.TimeField(label="Starts", widget=TIME)
    ends = forms.TimeField(label="Ends", widget=TIME)
    location = forms.CharField(max_length=100, initial="Peer mentoring room")
    staff_member = forms.ModelChoiceField(queryset=User.objects.none(), label="Staff member")
    panel_pupils = BoundedModelMultipleChoiceField(
        queryset=Pupil.objects.none(),
        label="Experienced peer mentors",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="One or two pupils who have mentored before.",
    )

    def __init__(
        self, *args: Any, staff: QuerySet[User], experienced: list[Pupil], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        staff_member = model_choice(self, "staff_member")
        staff_member.queryset = staff
        staff_member.label_from_instance = lambda u: u.display_name  # type: ignore[method-assign, assignment]
        panel_pupils = model_choice(self, "panel_pupils")
        panel_pupils.queryset = Pupil.objects.filter(pk__in=[p.pk for p in experienced])
        panel_pupils.label_from_instance = lambda p: (  # type: ignore[method-assign, assignment]
            f"{p.full_name} ({p.form_group})"
        )

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        day = self.cleaned_data["day"]
        make = timezone.make_aware
        return (
            make(dt.datetime.combine(day, self.cleaned_data["starts"])),
            make(dt.datetime.combine(day, self.cleaned_data["ends"])),
        )


class ScoreForm(forms.Form):
    comment = bounded_text(COMMENT_MAX, required=False)

    def __init__(self, *args: Any, criteria: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(n), str(n)) for n in SCORE_RANGE]
        scored = {
            f"score_{i}": forms.TypedChoiceField(
                label=criterion,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                help_text="1 weak · 2 fair · 3 good · 4 strong",
            )
            for i, criterion in enumerate(criteria)
        }
        self.fields = {**scored, **self.fields}
        self.criteria = criteria

    def scores(self) -> dict[str, int]:
        return {c: self.cleaned_data[f"score_{i}"] for i, c in enumerate(self.criteria)}


class ConsentForm(forms.Form):
    on = forms.DateField(label="Consent received on", widget=DATE)


HOODIE_CHOICES = [("", "Not sure yet"), *Mentor.HoodieSize.choices]


class RespondForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
    hoodie_size = forms.ChoiceField(
        label="Your hoodie size",
        choices=HOODIE_CHOICES,
        required=False,
        help_text="Every peer mentor gets a hoodie and a badge. Not sure? Tell your coordinator later.",
    )
    reason = bounded_text(
        500,
        label="Would you like to tell us why?",
        required=False,
        rows=2,
    )


class HoodieSizeForm(forms.Form):
    hoodie_size = forms.ChoiceField(
        label="Hoodie size",
        choices=[("", "Not known yet"), *Mentor.HoodieSize.choices],
        required=False,
    )


MAX_RANK = 999


class RankForm(forms.Form):
    """The coordinator's ranks, one box per rankable application of the round.

    Only this round's rankable applications become fields, so a key naming any other
    id (another round's, another school's, or a 30-digit number) is simply ignored.
    """

    def __init__(self, *args: Any, applications: Any, message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for application in applications:
            refused = message.format(pupil=application.pupil)
            self.fields[f"rank_{application.pk}"] = forms.IntegerField(
                label=application.pupil.full_name,
                required=False,
                min_value=1,
                max_value=MAX_RANK,
                error_messages={"invalid": refused, "min_value": refused, "max_value": refused},
            )

    def ranks(self) -> dict[int, int | None]:
        """{application pk: rank or None} for the boxes that were sent; a blank box clears."""
        return {
            int(name.removeprefix("rank_")): value
            for name, value in self.cleaned_data.items()
            if name in self.data
        }
