"""The visits' forms: a visit's plan, how it went, a follow-up, and the primary's answer.

Every row a form names is chosen from the school's own (another school's id is an
invalid choice, said in words); the rules are the services'.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from peermentoring.core.forms import BoundedModelMultipleChoiceField, bounded_text, model_choice
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.models import NOTES_MAX, PLAN_MAX, YEAR6_MAX, VisitFollowUp
from peermentoring.outreach.visit_after import FOLLOW_UP_NOTE_MAX
from peermentoring.outreach.visit_answers import ANSWER_NOTE_MAX, Answer
from peermentoring.outreach.visit_services import STAFF_NAME_MAX
from peermentoring.schools.models import FeederPrimary

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
REAL_DATE = "Give a real date, for example 16/06/2027."
REAL_TIME = "Give a time of day, for example 13:30."
CHOOSE_PRIMARY = "Choose one of the school's feeder primaries."
CHOOSE_MENTORS = "Choose mentors from the list."


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class VisitForm(forms.Form):
    """A visit's plan. `mentors` may be any of the school's mentor records: whether each is
    trained and able to mentor on the day is the service's rule, said in words."""

    primary = forms.ModelChoiceField(
        label="Feeder primary",
        queryset=FeederPrimary.objects.none(),
        empty_label="Choose a primary school",
        error_messages={"required": CHOOSE_PRIMARY, "invalid_choice": CHOOSE_PRIMARY},
    )
    visit_on = forms.DateField(
        label="Date",
        widget=DATE,
        error_messages={"required": "Give the date of the visit.", "invalid": REAL_DATE},
    )
    starts_at = forms.TimeField(
        label="From",
        widget=TIME,
        error_messages={"required": "Give the time the visit starts.", "invalid": REAL_TIME},
    )
    ends_at = forms.TimeField(
        label="Until",
        widget=TIME,
        error_messages={"required": "Give the time the visit ends.", "invalid": REAL_TIME},
    )
    mentors = BoundedModelMultipleChoiceField(
        label="Mentors going",
        queryset=Mentor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": CHOOSE_MENTORS, "invalid_pk_value": CHOOSE_MENTORS},
    )
    released_from_lessons = forms.BooleanField(
        label="Released from lessons by agreement",
        required=False,
        help_text="Tick once it is agreed that the mentors miss the lessons the visit covers.",
    )
    staff_name = forms.CharField(
        label="Member of staff going with them",
        max_length=STAFF_NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    plan = bounded_text(
        PLAN_MAX,
        label="What the visit will cover",
        required=False,
        rows=5,
        help_text="The primary is sent this, as written.",
    )
    contact_email = forms.EmailField(
        label="Primary school contact's e-mail",
        required=False,
        max_length=254,
        help_text="Leave empty to use the address the school has for the primary.",
        error_messages={"invalid": "Give an e-mail address, like year6@meadowside.example."},
    )

    def __init__(
        self,
        *args: Any,
        primaries: QuerySet[FeederPrimary],
        mentors: QuerySet[Mentor],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "primary").queryset = primaries
        model_choice(self, "mentors").queryset = mentors


class NewVisitForm(VisitForm):
    """Planning a visit: sent to the primary at once if asked; the same form sent twice
    plans one (`submission_key`)."""

    send = forms.BooleanField(
        label="E-mail the plan to the primary's contact now",
        required=False,
        initial=True,
        help_text="Nothing is sent for a visit that has already happened.",
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)


class ChangeVisitForm(VisitForm):
    """Changing a visit's plan, from the version the page was read at."""

    version = _version()


class RecordForm(forms.Form):
    """How the visit went."""

    year6_met = forms.IntegerField(
        label="Year 6 pupils met",
        min_value=0,
        max_value=YEAR6_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": YEAR6_MAX}),
        error_messages={
            "required": "Give how many Year 6 pupils the mentors met (0 if none).",
            "invalid": f"Give a whole number from 0 to {YEAR6_MAX}.",
            "min_value": f"Give a whole number from 0 to {YEAR6_MAX}.",
            "max_value": f"Give a whole number from 0 to {YEAR6_MAX}.",
        },
    )
    questions = bounded_text(NOTES_MAX, label="Questions they asked", required=False, rows=4)
    notes = bounded_text(NOTES_MAX, label="How it went", required=False, rows=4)
    version = _version()


class FollowUpForm(forms.Form):
    """Something to do after the visit."""

    kind = forms.ChoiceField(
        label="What is it?",
        choices=VisitFollowUp.Kind.choices,
        widget=forms.RadioSelect,
        initial=VisitFollowUp.Kind.WANTS_MENTOR,
        error_messages={
            "required": "Choose what kind of follow-up this is.",
            "invalid_choice": "Choose what kind of follow-up this is.",
        },
    )
    child_given_name = forms.CharField(
        label="Child's first name",
        max_length=100,
        required=False,
        help_text="For a Year 6 pupil who would like a mentor.",
    )
    child_family_name = forms.CharField(label="Child's last name", max_length=100, required=False)
    note = bounded_text(FOLLOW_UP_NOTE_MAX, label="Note", required=False, rows=3)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)


class AnswerForm(forms.Form):
    """The primary's answer to the plan."""

    answer = forms.ChoiceField(
        label="Can you have the visit then?",
        choices=[
            (Answer.CONFIRM, "Yes, we can have the visit then"),
            (Answer.OTHER_DATE, "Please can we have another date"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you can have the visit, or would like another date.",
            "invalid_choice": "Choose whether you can have the visit, or would like another date.",
        },
    )
    suggested_date = forms.DateField(
        label="The date you would like instead",
        required=False,
        widget=DATE,
        error_messages={"invalid": REAL_DATE},
    )
    note = bounded_text(
        ANSWER_NOTE_MAX,
        label="A note for the school",
        required=False,
        rows=3,
        help_text="For example, a time that suits you better, or who to ask for on the day.",
    )
