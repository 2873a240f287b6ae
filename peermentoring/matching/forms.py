"""Forms for matching: the weights, each mentor's matching details, do-not-pair, proposals and pairings."""

from __future__ import annotations

from typing import Any

from django import forms

from peermentoring.core.forms import MAX_ID, BoundedModelMultipleChoiceField, model_choice
from peermentoring.matching.models import DoNotPair, MatchingSettings, Pairing
from peermentoring.schools.forms import keep_switched_off_windows, offer_active_windows
from peermentoring.schools.models import Pupil, School, SchoolDayWindow

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MatchingSettingsForm(forms.ModelForm):
    class Meta:
        model = MatchingSettings
        fields = [
            "interests_weight",
            "primary_weight",
            "language_weight",
            "gender_weight",
            "windows_weight",
            "experience_weight",
            "form_house_weight",
            "form_house_rule",
            "requires_consent",
        ]
        widgets = {
            name: forms.NumberInput(attrs={"min": 0, "max": 5})
            for name in fields
            if name.endswith("_weight")
        }


class MentorMatchingForm(forms.Form):
    capacity = forms.TypedChoiceField(
        label="Mentees at once", choices=[(1, "1"), (2, "2"), (3, "3")], coerce=int
    )
    free_windows = BoundedModelMultipleChoiceField(
        label="Free to meet",
        queryset=SchoolDayWindow.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked means any break, lunch or registration.",
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_active_windows(self, school)

    def clean_free_windows(self) -> list[SchoolDayWindow]:
        return keep_switched_off_windows(self)


class DoNotPairForm(forms.Form):
    pupil = forms.ModelChoiceField(queryset=Pupil.objects.none())
    other = forms.ModelChoiceField(label="Must never be paired with", queryset=Pupil.objects.none())
    kind = forms.ChoiceField(choices=DoNotPair.Kind.choices)
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pupils = (
            Pupil.objects.for_school(school)
            .on_roll()
            .only("pk", "given_name", "preferred_name", "family_name")
        )
        model_choice(self, "pupil").queryset = pupils
        model_choice(self, "other").queryset = pupils


class AdjustForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("lock", "Lock"), ("forbid", "Forbid"), ("unlock", "Unlock"), ("allow", "Allow")]
    )
    # Bounded: an id no database column can hold is refused here, never stored on the run.
    referral = forms.IntegerField(min_value=1, max_value=MAX_ID)
    mentor = forms.IntegerField(min_value=1, max_value=MAX_ID)


class EndPairingForm(forms.Form):
    reason = forms.ChoiceField(choices=Pairing.EndReason.choices)
    note = forms.CharField(max_length=300, required=False)
    still_needs_mentor = forms.BooleanField(
        label="The mentee still needs a mentor: put them back in the matching queue", required=False
    )
