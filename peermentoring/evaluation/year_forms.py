"""The form that closes the year: which running pairings go on into next year."""

from __future__ import annotations

from typing import Any

from django import forms

from peermentoring.evaluation.year_plan import ClosePlan

NOT_A_PAIRING_TO_CONTINUE = (
    "One of the pairings ticked is not a running pairing of this year that can go on."
)
CONFIRM_NEEDED = "Tick the box to say you have read the list of changes."


class CloseYearForm(forms.Form):
    """The pairings to keep going (only the plan's pairings that may go on), the plan's
    fingerprint as shown, and the coordinator's confirmation."""

    continuing = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_A_PAIRING_TO_CONTINUE},
    )
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label="I have read the list: close the year",
        error_messages={"required": CONFIRM_NEEDED},
    )

    def __init__(self, *args: Any, plan: ClosePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = [(p.pk, p.label) for p in plan.pairings_may_continue]
        continuing = self.fields["continuing"]
        assert isinstance(continuing, forms.TypedMultipleChoiceField)
        continuing.choices = self.choices
        self.fields["digest"].initial = plan.digest

    def chosen(self) -> set[int]:
        """The pairings ticked, for showing the form again (only ids of the plan count)."""
        data: Any = self.data
        if not self.is_bound or not hasattr(data, "getlist"):
            return set()
        valid = {pk for pk, _ in self.choices}
        sent = {int(v) for v in data.getlist("continuing") if v.isdecimal() and len(v) < 19}
        return sent & valid
