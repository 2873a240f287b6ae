"""The coordinator's forms: a group, handing a session to a colleague, and the session itself
(a card per mentor)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django import forms

from peermentoring.core.forms import BoundedModelMultipleChoiceField, bounded_text
from peermentoring.core.models import User
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import SchoolDayWindow
from peermentoring.supervision.models import ACTION_MAX, TEXT_MAX, Action, SessionMentor
from peermentoring.supervision.services import MentorReport, NewAction


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or str(obj)


class GroupForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="For example “Year 10 mentors, Tuesday”.")
    coordinator = UserChoiceField(queryset=User.objects.none(), empty_label=None)
    window = forms.ModelChoiceField(
        queryset=SchoolDayWindow.objects.none(), label="Usual day and time", empty_label=None
    )
    members = BoundedModelMultipleChoiceField(
        queryset=Mentor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Mentors in the group",
    )

    def __init__(
        self,
        *args: Any,
        staff: list[User],
        windows: Any,
        mentors: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        coordinator = self.fields["coordinator"]
        assert isinstance(coordinator, forms.ModelChoiceField)
        coordinator.queryset = User.objects.filter(pk__in=[u.pk for u in staff]).order_by(
            "first_name", "last_name"
        )
        window = self.fields["window"]
        assert isinstance(window, forms.ModelChoiceField)
        window.queryset = windows
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = mentors


class CoverForm(forms.Form):
    colleague = UserChoiceField(
        queryset=User.objects.none(), label="Colleague who will lead it", empty_label=None
    )

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["colleague"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in staff]).order_by(
            "first_name", "last_name"
        )


@dataclass
class MentorCard:
    """The fields of one mentor's card, for the template."""

    row: SessionMentor
    fields: list[forms.BoundField]
    action_fields: list[forms.BoundField]
    quiet: list[Any]
    absent_twice: bool
    pupils: list[Any]
    # Their drop-in duties since the last session (supervision.duties.DutyLine).
    duties: list[Any] = field(default_factory=list)


class SessionForm(forms.Form):
    """One card per mentor; the group's open actions to close; version and submission key."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    close_actions = forms.ModelMultipleChoiceField(
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Actions done: close them",
    )

    def __init__(
        self,
        *args: Any,
        rows: list[SessionMentor],
        open_actions: list[Action],
        owners: dict[int, User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        close = self.fields["close_actions"]
        assert isinstance(close, forms.ModelMultipleChoiceField)
        close.queryset = Action.objects.filter(pk__in=[a.pk for a in open_actions])
        owner_choices = [("", "Someone else (say who)")] + [
            (str(pk), u.get_full_name() or str(u))
            for pk, u in sorted(owners.items(), key=lambda item: item[1].get_full_name())
        ]
        self.owners = owners
        for row in rows:
            p = self.prefix_for(row)
            self.fields[f"{p}attendance"] = forms.ChoiceField(
                label="Attendance",
                choices=SessionMentor.Attendance.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=row.attendance,
            )
            self.fields[f"{p}reported"] = forms.IntegerField(
                label="Meetings last school week",
                min_value=0,
                max_value=15,
                required=False,
                initial=(
                    row.reported_meetings
                    if row.reported_meetings is not None
                    else row.logged_meetings
                ),
                help_text=f"The logs say {row.logged_meetings}.",
            )
            self.fields[f"{p}problems"] = bounded_text(
                TEXT_MAX, label="Problems discussed", required=False, initial=row.problems
            )
            self.fields[f"{p}concern"] = forms.BooleanField(
                label="A safeguarding concern was raised",
                required=False,
                initial=row.has_raised_concern,
            )
            self.fields[f"{p}action"] = forms.CharField(
                label="Action agreed", max_length=ACTION_MAX, required=False
            )
            self.fields[f"{p}owner"] = forms.ChoiceField(
                label="Who will do it", choices=owner_choices, required=False
            )
            self.fields[f"{p}who"] = forms.CharField(
                label="Or name them", max_length=100, required=False
            )
            self.fields[f"{p}due"] = forms.DateField(
                label="Due by",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    @staticmethod
    def prefix_for(row: SessionMentor) -> str:
        return f"m{row.mentor_id}-"

    def card_fields(
        self, row: SessionMentor
    ) -> tuple[list[forms.BoundField], list[forms.BoundField]]:
        p = self.prefix_for(row)
        main = [self[f"{p}{n}"] for n in ("attendance", "reported", "problems", "concern")]
        action = [self[f"{p}{n}"] for n in ("action", "owner", "who", "due")]
        return main, action

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in self.rows:
            p = self.prefix_for(row)
            text = data.get(f"{p}action") or ""
            owner = data.get(f"{p}owner") or ""
            if owner and int(owner) not in self.owners:
                self.add_error(f"{p}owner", "Choose someone from the list.")
            if not text.strip() and (owner or data.get(f"{p}who") or data.get(f"{p}due")):
                self.add_error(f"{p}action", "Say what the action is.")
        return data

    def reports(self) -> list[MentorReport]:
        data = self.cleaned_data
        return [
            MentorReport(
                mentor_id=row.mentor_id,
                attendance=data.get(f"{self.prefix_for(row)}attendance") or "",
                reported_meetings=data.get(f"{self.prefix_for(row)}reported"),
                problems=data.get(f"{self.prefix_for(row)}problems") or "",
                has_raised_concern=bool(data.get(f"{self.prefix_for(row)}concern")),
            )
            for row in self.rows
        ]

    def new_actions(self) -> list[NewAction]:
        data = self.cleaned_data
        actions = []
        for row in self.rows:
            p = self.prefix_for(row)
            text = (data.get(f"{p}action") or "").strip()
            if not text:
                continue
            owner = data.get(f"{p}owner") or ""
            due: dt.date | None = data.get(f"{p}due")
            actions.append(
                NewAction(
                    mentor_id=row.mentor_id,
                    text=text,
                    owner=self.owners[int(owner)] if owner else None,
                    owner_name="" if owner else (data.get(f"{p}who") or ""),
                    due_on=due,
                )
            )
        return actions


def fresh_key() -> uuid.UUID:
    return uuid.uuid4()
