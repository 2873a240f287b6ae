from __future__ import annotations

from typing import Any

from django import forms

from peermentoring.core.forms import BoundedModelMultipleChoiceField, bounded_text
from peermentoring.core.models import User
from peermentoring.core.roles import STAFF_ROLES
from peermentoring.safeguarding.models import ChronologyEntry, Concern, SafeguardingSettings

TEXT_LIMIT = 10_000


class ConcernForm(forms.Form):
    """What happened, in the words of whoever noticed. `pupil` comes from the pupil's
    page a member of staff started from; a pupil types the name of who they mean."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    about_name = forms.CharField(
        label="Who are you worried about?",
        max_length=120,
        required=False,
        help_text="Their name and form, if you know it.",
    )
    what_happened = bounded_text(TEXT_LIMIT, label="What happened, or what worries you?", rows=6)
    happened_when = forms.CharField(
        label="When did it happen?",
        max_length=120,
        required=False,
        help_text="For example: today at lunch, or last Tuesday.",
    )
    child_words = bounded_text(
        TEXT_LIMIT,
        label="What did they say? Their own words, if you can remember them",
        required=False,
    )
    others_present = bounded_text(2_000, label="Who else was there?", required=False, rows=2)
    told_staff = forms.ChoiceField(
        label="Have you told a member of staff in person?",
        choices=Concern.ToldStaff.choices,
        widget=forms.RadioSelect,
    )
    urgency = forms.ChoiceField(
        label="How urgent does it feel?", choices=Concern.Urgency.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, about: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if about:
            # Started from a pupil's page: who it is about is already known.
            del self.fields["about_name"]
        else:
            self.fields["about_name"].required = True
            self.fields["about_name"].error_messages["required"] = "Say who you are worried about."


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=[
            (k.value, k.label)
            for k in ChronologyEntry.Kind
            if k not in (ChronologyEntry.Kind.RAISED, ChronologyEntry.Kind.ACKNOWLEDGED)
        ],
    )
    text = bounded_text(TEXT_LIMIT, label="What happened or was done", required=False, rows=4)
    reason = bounded_text(TEXT_LIMIT, label="Reasons (for a decision)", required=False, rows=3)
    agency = forms.ChoiceField(
        label="Agency (for a referral)",
        choices=[("", "—"), *ChronologyEntry.Agency.choices],
        required=False,
    )
    agency_reference = forms.CharField(
        label="Their reference number", max_length=80, required=False
    )
    happened_at = forms.DateTimeField(
        label="When it happened",
        required=False,
        help_text="Leave empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    corrects = forms.TypedChoiceField(
        label="The entry this corrects (for a correction)", required=False, coerce=int
    )
    shared_with_coordinator = forms.BooleanField(
        label="Let the scheme's coordinator read this entry",
        required=False,
        help_text="Only this entry: they never see the concern itself.",
    )

    def __init__(self, *args: Any, concern: Concern, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["corrects"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (e.pk, f"{e.get_kind_display()}, {e.recorded_at:%d %b %Y %H:%M}")
            for e in concern.entries.order_by("recorded_at", "id")
        ]


class SafeguardingSettingsForm(forms.ModelForm):
    contacts = BoundedModelMultipleChoiceField(
        label="Also tell, when a concern waits too long",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The first of them with access is told (the safeguarding leads are told again).",
    )

    class Meta:
        model = SafeguardingSettings
        fields = ["acknowledge_within_minutes", "day_ends_at"]
        labels = {
            "acknowledge_within_minutes": "Escalate a concern not acknowledged within (minutes)",
            "day_ends_at": "The school day ends at",
        }
        widgets = {"day_ends_at": forms.TimeInput(attrs={"type": "time"})}

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__school=school,
                memberships__is_active=True,
                memberships__role__in=STAFF_ROLES,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
