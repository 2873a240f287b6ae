"""The event form: the fields an event has; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from peermentoring.core.forms import BoundedModelMultipleChoiceField, bounded_text
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.event_services import (
    AUDIENCE_MAX,
    LAST_BEFORE_FIRST,
    NAME_MAX,
    NAME_NEEDED,
    REACH_OUT_OF_RANGE,
    EventFields,
)
from peermentoring.outreach.models import NOTES_MAX, REACH_MAX, Event

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOT_A_DATE = "Enter a real date, for example 10 November 2025."


class MentorChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Mentor) -> str:
        form_group = f" ({obj.pupil.form_group})" if obj.pupil.form_group else ""
        return f"{obj.pupil.full_name}{form_group}"


class EventForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of event", choices=Event.Kind.choices)
    name = forms.CharField(
        max_length=NAME_MAX,
        error_messages={
            "required": NAME_NEEDED,
            "max_length": f"Keep the event's name to {NAME_MAX} characters.",
        },
    )
    starts_on = forms.DateField(
        label="First day", widget=DATE, error_messages={"invalid": NOT_A_DATE}
    )
    ends_on = forms.DateField(
        label="Last day",
        widget=DATE,
        help_text="The same as the first day for an event of one day.",
        error_messages={"invalid": NOT_A_DATE},
    )
    audience = forms.CharField(
        label="Who it was for",
        max_length=AUDIENCE_MAX,
        required=False,
        help_text="For example 'Year 7', 'Year 6 parents'.",
        error_messages={"max_length": f"Keep who it was for to {AUDIENCE_MAX} characters."},
    )
    reach = forms.IntegerField(
        label="People reached",
        required=False,
        min_value=0,
        max_value=REACH_MAX,
        help_text=f"Roughly how many came or heard it: a whole number from 0 to {REACH_MAX:,}.",
        error_messages={
            "invalid": REACH_OUT_OF_RANGE,
            "min_value": REACH_OUT_OF_RANGE,
            "max_value": REACH_OUT_OF_RANGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    mentors = MentorChoiceField(
        queryset=Mentor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Mentors who took part",
    )
    notes = bounded_text(NOTES_MAX, required=False, rows=4, label="Notes")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, mentors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentors"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = mentors
        field.error_messages["invalid_choice"] = (
            "Choose mentors from the list: this school's mentors serving that year."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", LAST_BEFORE_FIRST)
        return data

    def fields_for_event(self) -> EventFields:
        data = self.cleaned_data
        return EventFields(
            kind=data["kind"],
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            audience=data["audience"],
            reach=data["reach"],
            notes=data["notes"],
            mentors=list(data["mentors"]),
        )
