"""The trust view's choice of period: a term or a year of its schools, or any dates."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from peermentoring.evaluation.figures import Span, SpanError
from peermentoring.evaluation.trust_figures import Period

BOTH_DATES = "Give both a first and a last day, or neither."
NO_SUCH_PERIOD = "Choose a term or a year from the list."


class PeriodForm(forms.Form):
    """`period` names a term ("autumn-2025") or a year ("2025-26"); dates override it."""

    period = forms.ChoiceField(label="Term or year", required=False)
    first = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, periods: list[Period], default: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = {p.key: p for p in periods}
        self.default = default
        period = cast(forms.ChoiceField, self.fields["period"])
        period.choices = [(p.key, p.label) for p in periods]
        period.error_messages["invalid_choice"] = NO_SUCH_PERIOD
        period.initial = default.key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first: dt.date | None = data.get("first")
        last: dt.date | None = data.get("last")
        if self.errors:
            return data
        if (first is None) != (last is None):
            raise forms.ValidationError(BOTH_DATES)
        if first is not None and last is not None:
            try:
                data["span"] = Span.for_dates(first, last)
            except SpanError as error:
                raise forms.ValidationError(str(error)) from None
        else:
            chosen = self.periods.get(data.get("period") or "", self.default)
            data["span"] = chosen.span
        return data

    @property
    def span(self) -> Span:
        """The span chosen, or the default one while the choice has an error."""
        if self.is_valid():
            span: Span = self.cleaned_data["span"]
            return span
        return self.default.span
