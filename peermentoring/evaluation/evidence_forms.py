"""The forms of the evidence area: a policy, its next version, the mentor's tick, a paper
copy a mentor signed, and the evidence pack's period. The rules are the services'."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from peermentoring.core.forms import bounded_text, model_choice
from peermentoring.evaluation.evidence_services import (
    NOT_THIS_SCHOOLS_MENTOR,
    TEXT_NEEDED,
    TITLE_NEEDED,
    PolicyFields,
)
from peermentoring.evaluation.figures import EARLIEST, LATEST, MAX_SPAN_DAYS
from peermentoring.evaluation.models import Policy, PolicyVersion
from peermentoring.evaluation.models.evidence import TEXT_MAX, TITLE_MAX
from peermentoring.schools.models import AcademicYear, Pupil, School, Term

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOT_A_DATE = "Enter a real date, for example 1 September 2025."
LAST_BEFORE_FIRST = "The last day must be on or after the first day."
DATES_NEEDED = "Give the first and the last day of the period."
# As long as the term report allows (figures.py): a term, a year, or two.
LONGEST_PERIOD_DAYS = MAX_SPAN_DAYS
PERIOD_TOO_LONG = "Choose a period of at most two years."
NEWER_VERSION_PUBLISHED = (
    "Version {number} was published since you opened the page: check which version the "
    "mentor signed, then record it again."
)
CHOOSE_PERIOD = "Choose one of the school's terms or years, or 'Dates I choose'."


def _text_field() -> forms.CharField:
    field = bounded_text(TEXT_MAX, rows=16, label="Text")
    field.error_messages["required"] = TEXT_NEEDED
    return field


class PolicyForm(forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX,
        help_text="For example 'Safeguarding policy' or 'Code of conduct for peer mentors'.",
        error_messages={
            "required": TITLE_NEEDED,
            "max_length": f"Keep the title to {TITLE_MAX} characters.",
        },
    )
    kind = forms.ChoiceField(
        label="What it is",
        choices=Policy.Kind.choices,
        # Not Django's "… is not one of the available choices", which echoes what was sent.
        error_messages={"invalid_choice": "Choose the aims or a policy."},
    )
    is_for_mentors = forms.BooleanField(
        label="Peer mentors read it and tick 'I have read and understood this'",
        required=False,
        initial=True,
    )
    text = _text_field()
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def fields_for_policy(self) -> PolicyFields:
        data = self.cleaned_data
        return PolicyFields(
            title=data["title"],
            kind=data["kind"],
            is_for_mentors=data["is_for_mentors"],
            text=data["text"],
        )


class VersionForm(forms.Form):
    text = _text_field()
    is_for_mentors = forms.BooleanField(
        label="Peer mentors read it and tick 'I have read and understood this'",
        required=False,
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=10**9)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)


class AcknowledgeForm(forms.Form):
    understood = forms.BooleanField(
        label="I have read and understood this",
        error_messages={"required": "Tick the box to say you have read and understood it."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=10**9)


class MentorChoiceField(forms.ModelChoiceField[Pupil]):
    """A mentor by their pupil record, shown as "Amy Adams (7B)"."""

    def label_from_instance(self, obj: Pupil) -> str:
        return f"{obj.full_name} ({obj.form_group})" if obj.form_group else obj.full_name


class PaperAcknowledgementForm(forms.Form):
    """A mentor signed a paper copy of the version in force: who, and on which day.

    `mentors` are the pupils the school may record (this year's mentors): any other id,
    another school's included, is "not one of the choices". `to_record` narrows what the
    list offers to those who have not yet read it."""

    pupil = MentorChoiceField(
        label="Mentor",
        queryset=Pupil.objects.none(),
        empty_label="Choose a mentor",
        error_messages={
            "required": "Choose the mentor who signed the paper copy.",
            "invalid_choice": NOT_THIS_SCHOOLS_MENTOR,
        },
    )
    signed_on = forms.DateField(
        label="Signed on",
        initial=timezone.localdate,
        widget=DATE,
        help_text="The day written on the paper copy.",
        error_messages={"required": "Give the day the mentor signed.", "invalid": NOT_A_DATE},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=10**9)

    def __init__(
        self, *args: Any, version: PolicyVersion, mentors: Any, to_record: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.current = version
        field = model_choice(self, "pupil")
        field.queryset = mentors
        field.widget.choices = [
            ("", field.empty_label),
            *[(pupil.pk, field.label_from_instance(pupil)) for pupil in to_record],
        ]

    def clean(self) -> dict[str, Any]:
        """The page was for the version in force: if a newer one was published since (or the
        hidden number was tampered with), the paper signed is not the version asked for now.
        Said on top of the form, as the number is not a field anyone sees."""
        data = super().clean() or {}
        if "version" in self.errors or data.get("version") != self.current.number:
            self.errors.pop("version", None)
            self.add_error(None, NEWER_VERSION_PUBLISHED.format(number=self.current.number))
        return data


def period_choices(school: School) -> list[tuple[str, str]]:
    """The school's years and their terms, newest first, then 'Dates I choose'."""
    terms = Term.objects.for_school(school).select_related("academic_year").order_by("-starts_on")
    by_year: dict[int, list[Term]] = {}
    for term in terms:
        by_year.setdefault(term.academic_year_id, []).append(term)
    choices: list[tuple[str, str]] = []
    for year in AcademicYear.objects.for_school(school).order_by("-starts_on"):
        choices.append((f"year-{year.pk}", f"The year {year.name}"))
        for term in by_year.get(year.pk, []):
            choices.append((f"term-{term.pk}", f"{term.get_name_display()} term {year.name}"))
    choices.append(("dates", "Dates I choose"))
    return choices


class PackForm(forms.Form):
    period = forms.ChoiceField(
        label="Period",
        error_messages={"invalid_choice": CHOOSE_PERIOD, "required": CHOOSE_PERIOD},
    )
    first = forms.DateField(
        label="First day", required=False, widget=DATE, error_messages={"invalid": NOT_A_DATE}
    )
    last = forms.DateField(
        label="Last day", required=False, widget=DATE, error_messages={"invalid": NOT_A_DATE}
    )
    include_names = forms.BooleanField(
        label="Include pupils' names in the samples",
        required=False,
        help_text=(
            "Off: pupils appear as 'Mentor A', 'Mentee 3'. Turn on only if the assessor "
            "needs names and the pack will be kept as securely as pupils' records."
        ),
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = period_choices(school)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") != "dates":
            return data
        first, last = data.get("first"), data.get("last")
        if "first" in self.errors or "last" in self.errors:
            return data
        if first is None or last is None:
            self.add_error("first" if first is None else "last", DATES_NEEDED)
        elif last < first:
            self.add_error("last", LAST_BEFORE_FIRST)
        elif (last - first) > dt.timedelta(days=LONGEST_PERIOD_DAYS):
            self.add_error("last", PERIOD_TOO_LONG)
        elif first < EARLIEST or last > LATEST:
            self.add_error("first", f"Choose dates from {EARLIEST.year} to {LATEST.year}.")
        return data
