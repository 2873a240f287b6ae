from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.recruitment.models import SCORE_RANGE, Application, RecruitmentRound
from peermentoring.schools.forms import DATE, TIME
from peermentoring.schools.models import AcademicYear, Pupil, SchoolDayWindow

AVAILABILITY_CHOICES = SchoolDayWindow.Kind.choices


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class RoundForm(forms.ModelForm):
    """A round's settings; questions and criteria are edited one per line."""

    questions_text = forms.CharField(
        label="Application questions",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One question per line. Availability, interests and languages are always asked.",
    )
    criteria_text = forms.CharField(
        label="Interview criteria",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line; each panel member scores every criterion from 1 to 4.",
    )

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
        widgets = {"opens_on": DATE, "closes_on": DATE, "advert": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, school: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].queryset = AcademicYear.objects.for_school(school)
        instance = self.instance
        self.fields["questions_text"].initial = "\n".join(instance.questions)
        self.fields["criteria_text"].initial = "\n".join(instance.criteria)
        if instance.pk:
            del self.fields["academic_year"]

    def domain_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["questions"] = _lines(data.pop("questions_text"))
        data["criteria"] = _lines(data.pop("criteria_text"))
        return data


class ApplicationForm(forms.Form):
    """The pupil's application: the round's questions, then when they are free and what they like."""

    availability = forms.MultipleChoiceField(
        label="When could you meet a mentee?",
        choices=AVAILABILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Mentoring never takes you out of lessons.",
    )
    interests = forms.CharField(
        label="Your interests and hobbies",
        widget=forms.Textarea(attrs={"rows": 2}),
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
            questions[f"answer_{index}"] = forms.CharField(
                label=question,
                widget=forms.Textarea(attrs={"rows": 4}),
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


class ApplicationFilterForm(forms.Form):
    form_group = forms.CharField(label="Form group", required=False)
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
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Kept with the application."
    )


class ReferenceRequestForm(forms.Form):
    tutor_name = forms.CharField(label="Tutor's name", max_length=150)
    tutor_email = forms.EmailField(label="Tutor's e-mail")


class ReferenceForm(forms.Form):
    text = forms.CharField(label="Your reference", widget=forms.Textarea(attrs={"rows": 8}))


class InterviewForm(forms.Form):
    day = forms.DateField(widget=DATE)
    starts = forms.TimeField(label="Starts", widget=TIME)
    ends = forms.TimeField(label="Ends", widget=TIME)
    location = forms.CharField(max_length=100, initial="Peer mentoring room")
    staff_member = forms.ModelChoiceField(queryset=User.objects.none(), label="Staff member")
    panel_pupils = forms.ModelMultipleChoiceField(
        queryset=Pupil.objects.none(),
        label="Experienced peer mentors",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="One or two pupils who have mentored before.",
    )

    def __init__(self, *args: Any, staff: Any, experienced: list[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = staff
        self.fields["staff_member"].label_from_instance = lambda u: u.display_name
        self.fields["panel_pupils"].queryset = Pupil.objects.filter(
            pk__in=[p.pk for p in experienced]
        )
        self.fields["panel_pupils"].label_from_instance = lambda p: (
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
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

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


class RespondForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
    reason = forms.CharField(required=False, max_length=500)
