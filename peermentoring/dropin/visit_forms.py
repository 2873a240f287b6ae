"""The forms of the visits area: recording visitors, the rooms and their times, availability."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from peermentoring.core.forms import BoundedModelMultipleChoiceField, bounded_text
from peermentoring.dropin.models import (
    DEFAULT_MAX,
    DEFAULT_MIN,
    MOST_ON_DUTY,
    NAMES_MAX,
    VISITS_MAX,
    Room,
    RoomOpening,
)
from peermentoring.dropin.visit_services import (
    GROUPS,
    ROOM_NAME_MAX,
    ROOM_WHERE_MAX,
    NewRoom,
    OpeningChoice,
    RoomChange,
    VisitCounts,
)
from peermentoring.meetings.models import Topic
from peermentoring.schools.models import SchoolDayWindow


def _count_field(label: str) -> forms.IntegerField:
    message = f"Give a number from 0 to {VISITS_MAX} for {label}."
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=VISITS_MAX,
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "class": "count-box", "min": 0, "max": VISITS_MAX}
        ),
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class VisitForm(forms.Form):
    """Who came to one opening: a number for each year group (empty is none), names if a
    pupil asks to be noted, topics. `version` is the saved visit's, to spot a clash."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    year7 = _count_field(GROUPS["year7"])
    year8 = _count_field(GROUPS["year8"])
    older = _count_field(GROUPS["older"])
    topics = BoundedModelMultipleChoiceField(
        label="What did people come about?",
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose topics from the list."},
    )
    names = bounded_text(
        NAMES_MAX,
        label="Names",
        required=False,
        rows=2,
        help_text="Only if someone asks you to note their name. "
        "Only the mentors on duty and staff can read these.",
    )
    worried = forms.BooleanField(
        label="I'm worried about someone who came",
        required=False,
        help_text="After saving, you tell the safeguarding lead: you type their name there. "
        "Nothing about it is kept with these numbers.",
    )

    def __init__(self, *args: Any, topics: Sequence[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["topics"]
        field.queryset = Topic.objects.filter(pk__in=[t.pk for t in topics])
        chosen = {str(pk) for pk in (self.initial.get("topics") or [])}
        # Topics switched off stay shown on a visit that has them already.
        field.choices = [(t.pk, t.name) for t in topics if t.is_active or str(t.pk) in chosen]

    def counts(self) -> VisitCounts:
        data = self.cleaned_data
        return VisitCounts(
            year7=data["year7"] or 0, year8=data["year8"] or 0, older=data["older"] or 0
        )

    @property
    def topic_choices(self) -> list[tuple[str, str, bool]]:
        """(value, label, chosen) for the template's tap-to-choose boxes."""
        value = self["topics"].value() or []
        chosen = {str(v) for v in value}
        field: Any = self.fields["topics"]
        return [(str(k), str(label), str(k) in chosen) for k, label in field.choices]


def _seen_field(digest: str) -> forms.CharField:
    """The fingerprint of the rows the form showed (`rows_digest`), checked when it is saved.
    No length limit: anything but the fingerprint of the rows now is told as a change, not
    as an error on a field nobody can see."""
    return forms.CharField(widget=forms.HiddenInput, required=False, initial=digest)


def seen_of(form: forms.Form) -> str | None:
    """The fingerprint the form was sent with; None from a page made before there was one."""
    return form.cleaned_data.get("seen") or None


class SeenForm(forms.Form):
    """A form whose `seen` field's initial is the fingerprint of the rows as they are now."""

    def sent_stale(self) -> bool:
        """Sent from a page showing other rows than there are now. Only a first look, to
        say so before checking the fields; the save checks again, under a lock."""
        sent = self.data.get(self.add_prefix("seen"), "") if self.is_bound else ""
        return bool(sent) and sent != self.fields["seen"].initial


class RoomsForm(SeenForm):
    """Each room (name, where, open, place in the list) and one row to add a room; `seen`
    is the fingerprint of the rooms as shown."""

    def __init__(self, *args: Any, rooms: Sequence[Room], seen: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen"] = _seen_field(seen)
        self.rooms = list(rooms)
        self.rows = []
        for room in self.rooms:
            self.fields[f"name-{room.pk}"] = forms.CharField(
                label="Name", max_length=ROOM_NAME_MAX, initial=room.name, required=False
            )
            self.fields[f"where-{room.pk}"] = forms.CharField(
                label="Where", max_length=ROOM_WHERE_MAX, initial=room.where, required=False
            )
            self.fields[f"open-{room.pk}"] = forms.BooleanField(
                label="Open", required=False, initial=room.is_active
            )
            self.fields[f"order-{room.pk}"] = forms.IntegerField(
                label="Place in the list",
                min_value=1,
                max_value=99,
                initial=room.order + 1,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count-box"}),
            )
            self.rows.append(
                (
                    room,
                    self[f"name-{room.pk}"],
                    self[f"where-{room.pk}"],
                    self[f"open-{room.pk}"],
                    self[f"order-{room.pk}"],
                )
            )
        self.fields["new-name"] = forms.CharField(
            label="New room's name", max_length=ROOM_NAME_MAX, required=False
        )
        self.fields["new-where"] = forms.CharField(
            label="Where it is",
            max_length=ROOM_WHERE_MAX,
            required=False,
            help_text="For the notice board: 'Room S12, by the library'.",
        )
        self.new_name_field, self.new_where_field = self["new-name"], self["new-where"]

    def changes(self) -> list[RoomChange]:
        data = self.cleaned_data
        return [
            RoomChange(
                room_id=room.pk,
                name=data[f"name-{room.pk}"],
                where=data[f"where-{room.pk}"],
                is_open=data[f"open-{room.pk}"],
                order=data[f"order-{room.pk}"] - 1,
            )
            for room in self.rooms
        ]

    def new(self) -> list[NewRoom]:
        name = self.cleaned_data["new-name"]
        return [NewRoom(name=name, where=self.cleaned_data["new-where"])] if name.strip() else []


def _duty_field(label: str, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        initial=initial,
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "class": "count-box", "min": 1, "max": MOST_ON_DUTY}
        ),
        error_messages={"invalid": f"Give a number from 1 to {MOST_ON_DUTY}."},
    )


class OpeningsForm(SeenForm):
    """When one room is open: each switched-on window of the week, ticked or not, with the
    fewest and the most mentors on duty. Its fields carry the room's prefix; `seen` is the
    fingerprint of the times as shown."""

    def __init__(
        self,
        *args: Any,
        room: Room,
        windows: Sequence[SchoolDayWindow],
        openings: Sequence[RoomOpening],
        seen: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs["prefix"] = f"room{room.pk}"
        super().__init__(*args, **kwargs)
        self.fields["seen"] = _seen_field(seen)
        self.room = room
        self.windows = [w for w in windows if w.is_active]
        by_window = {o.window_id: o for o in openings}
        self.rows = []
        for window in self.windows:
            opening = by_window.get(window.pk)
            self.fields[f"on-{window.pk}"] = forms.BooleanField(
                label=f"Open at {window.label}", required=False, initial=opening is not None
            )
            self.fields[f"min-{window.pk}"] = _duty_field(
                f"Fewest on duty, {window.label}",
                opening.min_on_duty if opening else DEFAULT_MIN,
            )
            self.fields[f"max-{window.pk}"] = _duty_field(
                f"Most on duty, {window.label}",
                opening.max_on_duty if opening else DEFAULT_MAX,
            )
            self.rows.append(
                (
                    window,
                    self[f"on-{window.pk}"],
                    self[f"min-{window.pk}"],
                    self[f"max-{window.pk}"],
                )
            )

    def openings(self) -> list[OpeningChoice]:
        data = self.cleaned_data
        chosen = []
        for window in self.windows:
            if not data[f"on-{window.pk}"]:
                continue
            low, high = data[f"min-{window.pk}"], data[f"max-{window.pk}"]
            chosen.append(
                OpeningChoice(
                    window_id=window.pk,
                    min_on_duty=DEFAULT_MIN if low is None else low,
                    max_on_duty=DEFAULT_MAX if high is None else high,
                )
            )
        return chosen


class AvailabilityForm(forms.Form):
    """The windows a mentor can be on duty at (the grid sends one mentor's row at a time),
    and `seen`, the fingerprint of the times recorded when the page was shown."""

    seen = _seen_field("")

    windows = BoundedModelMultipleChoiceField(
        label="When can you be on duty in the drop-in room?",
        queryset=SchoolDayWindow.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose from your school's break, lunch and registration times."
        },
    )

    def __init__(self, *args: Any, windows: Sequence[SchoolDayWindow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["windows"]
        field.queryset = SchoolDayWindow.objects.filter(pk__in=[w.pk for w in windows])
        field.choices = [(w.pk, w.label) for w in windows]
