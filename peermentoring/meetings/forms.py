"""The "log a meeting" form: quick on a phone, the same for a mentor and a coordinator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms

from peermentoring.core.forms import BoundedModelMultipleChoiceField, bounded_text
from peermentoring.meetings.models import NOTE_MAX, Meeting, Topic
from peermentoring.schools.models import SchoolDayWindow

MOOD_FACES = {1: "😟", 2: "😕", 3: "😐", 4: "😊", 5: "😄"}
LENGTH_WORDS = {5: "5 min", 10: "10 min", 15: "15 min", 20: "20 min", 30: "30+ min"}


class MeetingForm(forms.Form):
    """One meeting of one pairing. `windows` are the school's windows (all weekdays);
    the one chosen must be on the date's weekday, which the service checks with the
    rest of the rules and says why in words."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    held_on = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Give the date you met.", "invalid": "Give a real date."},
    )
    window = forms.ModelChoiceField(
        label="When",
        queryset=SchoolDayWindow.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose registration, break or lunch.",
            "invalid_choice": "Choose one of your school's times.",
        },
    )
    status = forms.ChoiceField(
        label="Did you meet?",
        choices=Meeting.Status.choices,
        widget=forms.RadioSelect,
        initial=Meeting.Status.HAPPENED,
    )
    minutes = forms.TypedChoiceField(
        label="Roughly how long?",
        choices=[(k, v) for k, v in LENGTH_WORDS.items()],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    topics = BoundedModelMultipleChoiceField(
        label="What did you talk about?",
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose topics from the list."},
    )
    mood = forms.TypedChoiceField(
        label="How did your mentee seem?",
        choices=[(k, f"{MOOD_FACES[k]} {label}") for k, label in Meeting.Mood.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    note = bounded_text(
        NOTE_MAX,
        label="Anything to remember?",
        required=False,
        rows=2,
        help_text="Only you, your coordinator and the safeguarding lead can read this.",
    )
    worried = forms.BooleanField(
        label="I'm worried about my mentee",
        required=False,
        help_text="After saving, you tell the safeguarding lead what worries you.",
    )

    def __init__(
        self,
        *args: Any,
        windows: Sequence[SchoolDayWindow],
        topics: Sequence[Topic],
        on: dt.date | None = None,
        today: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        ids = [w.pk for w in windows]
        window_field: Any = self.fields["window"]
        window_field.queryset = SchoolDayWindow.objects.filter(pk__in=ids)
        # Offer the windows open on the chosen day only (the others stay valid choices, so
        # a day changed without JavaScript still gets its reason in words from the rules).
        day = on
        if self.is_bound:
            try:
                day = forms.DateField().clean(self.data.get(self.add_prefix("held_on")))
            except forms.ValidationError:
                day = on
        shown = [w for w in windows if w.is_active and (day is None or w.weekday == day.weekday())]
        window_field.choices = [(w.pk, w.get_kind_display()) for w in shown]
        self.windows_shown = shown
        topic_field: Any = self.fields["topics"]
        topic_field.queryset = Topic.objects.filter(pk__in=[t.pk for t in topics])
        topic_field.choices = [(t.pk, t.name) for t in topics if t.is_active]
        if today is not None:
            self.fields["held_on"].widget.attrs["max"] = today.isoformat()

    def _choices(self, name: str) -> list[tuple[str, str, bool]]:
        """(value, label, chosen) of a tap-to-choose question: the template writes the
        inputs itself, many times faster than a widget template for each choice."""
        value = self[name].value()
        if isinstance(value, list | tuple):
            chosen = {str(v) for v in value}
        else:
            chosen = set() if value in (None, "") else {str(value)}
        field: Any = self.fields[name]
        return [(str(key), str(label), str(key) in chosen) for key, label in field.choices]

    @property
    def window_choices(self) -> list[tuple[str, str, bool]]:
        return self._choices("window")

    @property
    def status_choices(self) -> list[tuple[str, str, bool]]:
        return self._choices("status")

    @property
    def minutes_choices(self) -> list[tuple[str, str, bool]]:
        return self._choices("minutes")

    @property
    def topic_choices(self) -> list[tuple[str, str, bool]]:
        return self._choices("topics")

    @property
    def mood_choices(self) -> list[tuple[str, str, bool]]:
        return self._choices("mood")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("status") != Meeting.Status.HAPPENED:
            data["minutes"] = None
            data["mood"] = None
        return data


class UsualWindowsForm(forms.Form):
    """When a pair usually meet: the school's windows that are on, by day."""

    windows = BoundedModelMultipleChoiceField(
        label="When do you usually meet?",
        queryset=SchoolDayWindow.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick the times you usually meet. Tick none to go back to the times you are both free.",
        error_messages={
            "invalid_choice": "Choose from your school's break, lunch and registration times."
        },
    )

    def __init__(
        self, *args: Any, windows: Sequence[SchoolDayWindow], for_staff: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["windows"]
        on = [w for w in windows if w.is_active]
        field.queryset = SchoolDayWindow.objects.filter(pk__in=[w.pk for w in on])
        field.choices = [(w.pk, w.label) for w in on]
        if for_staff:
            # The coordinator's page says the rest in its own words.
            field.label, field.help_text = "When they usually meet", ""
