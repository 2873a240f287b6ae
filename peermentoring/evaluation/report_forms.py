"""Choosing what the report covers: a term, a year or any dates (a GET form)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from peermentoring.evaluation import figures
from peermentoring.evaluation.figures import EARLIEST, LATEST, Span, SpanError
from peermentoring.schools.models import AcademicYear, School, Term

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Enter a real date, like 1 September 2025."}
# Nothing before the scheme could have kept records, nothing after the computer can count.


class SpanForm(forms.Form):
    """Leave everything empty for the latest term that has started."""

    term = forms.ChoiceField(label="Term", required=False)
    year = forms.ChoiceField(label="Whole year", required=False)
    first = forms.DateField(label="From", required=False, widget=DATE, error_messages=DATE_ERRORS)
    last = forms.DateField(label="To", required=False, widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.terms = list(
            Term.objects.for_school(school).select_related("academic_year").order_by("-starts_on")
        )
        self.years = list(AcademicYear.objects.for_school(school).order_by("-starts_on"))
        term_field = self.fields["term"]
        year_field = self.fields["year"]
        assert isinstance(term_field, forms.ChoiceField)
        assert isinstance(year_field, forms.ChoiceField)
        term_field.choices = [("", "Choose a term")] + [
            (figures.term_key(t), str(t)) for t in self.terms
        ]
        year_field.choices = [("", "Choose a year")] + [
            (figures.year_key(y), y.name) for y in self.years
        ]
        for name in ("term", "year"):
            self.fields[name].error_messages["invalid_choice"] = (
                "Choose one of the school's terms or years."
            )

    def clean_first(self) -> dt.date | None:
        return self._in_range(self.cleaned_data.get("first"))

    def clean_last(self) -> dt.date | None:
        return self._in_range(self.cleaned_data.get("last"))

    @staticmethod
    def _in_range(day: dt.date | None) -> dt.date | None:
        if day is not None and not (EARLIEST <= day <= LATEST):
            raise forms.ValidationError(f"Choose a date from {EARLIEST.year} to {LATEST.year}.")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        first, last = data.get("first"), data.get("last")
        try:
            if first or last:
                if not (first and last):
                    raise forms.ValidationError("Give both the first and the last day.")
                data["span"] = Span.for_dates(first, last)
            elif data.get("year"):
                data["span"] = figures.parse_year(self.school, data["year"])
            elif data.get("term"):
                data["span"] = figures.parse_term(self.school, data["term"])
            else:
                term = figures.latest_started_term(self.school)
                data["span"] = Span.for_term(term) if term else None
        except SpanError as error:
            raise forms.ValidationError(str(error)) from error
        return data

    @property
    def span(self) -> Span | None:
        span: Span | None = self.cleaned_data.get("span") if self.is_valid() else None
        return span

    def term_marks(self) -> list[tuple[str, dt.date]]:
        """Where each term and half-term begins: the weekly chart's dashed lines."""
        marks: list[tuple[str, dt.date]] = []
        for term in self.terms:
            marks.append((f"{term.get_name_display()} term", term.starts_on))
            if term.half_term_ends_on:
                marks.append(("After half-term", term.half_term_ends_on + dt.timedelta(days=1)))
        return sorted(marks, key=lambda m: m[1])
