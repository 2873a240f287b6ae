"""The rota's one form with choices: which period to build it for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from peermentoring.dropin.rota_plan import day_words, weekdays_of
from peermentoring.dropin.schedule import Period

OTHER = "other"
CHOOSE_DATES = "Give the first and the last day, or choose a half-term or term above."


def period_value(period: Period) -> str:
    first, last = weekdays_of(period.first, period.last)
    return f"{first.isoformat()}:{last.isoformat()}"


class RotaPeriodForm(forms.Form):
    """A half-term or term not yet over, or other dates."""

    period = forms.ChoiceField(label="Build the rota for", widget=forms.RadioSelect)
    first = forms.DateField(
        label="First day", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label="Last day", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, periods: list[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = {period_value(p): p for p in periods}
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (value, f"{p.label}: {' to '.join(day_words(d) for d in weekdays_of(p.first, p.last))}")
            for value, p in self.periods.items()
        ] + [(OTHER, "Other dates")]
        if periods:
            field.initial = period_value(periods[0])
        else:
            field.initial = OTHER

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == OTHER and not (data.get("first") and data.get("last")):
            raise forms.ValidationError(CHOOSE_DATES)
        return data

    def dates(self) -> tuple[dt.date, dt.date]:
        """The period's first and last day (call once the form is valid)."""
        data = self.cleaned_data
        if data["period"] == OTHER:
            return data["first"], data["last"]
        period = self.periods[data["period"]]
        return weekdays_of(period.first, period.last)
