from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.conf import settings

from peermentoring.core.forms import model_choice
from peermentoring.core.roles import PUPIL_ROLES, STAFF_ROLES, Role
from peermentoring.core.spreadsheets import megabytes
from peermentoring.schools.models import (
    FeederPrimary,
    School,
    SchoolDayWindow,
    SchoolSignOn,
    Term,
)
from peermentoring.schools.pupil_files import FILE_TOO_BIG
from peermentoring.schools.services import sign_on as sign_on_rules

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["name", "urn"]
        help_texts = {"urn": "The school's six- or seven-digit unique reference number."}


class AcademicYearForm(forms.Form):
    """A year and its three terms in one form, pre-filled with the usual dates."""

    name = forms.CharField(max_length=20, help_text="For example 2026–27")
    starts_on = forms.DateField(label="Year starts", widget=DATE)
    ends_on = forms.DateField(label="Year ends", widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for term in Term.Name:
            label = term.label
            self.fields[f"{term}_starts_on"] = forms.DateField(
                label=f"{label} term starts", widget=DATE
            )
            self.fields[f"{term}_ends_on"] = forms.DateField(
                label=f"{label} term ends", widget=DATE
            )
            self.fields[f"{term}_half_term_starts_on"] = forms.DateField(
                label=f"{label} half-term starts", widget=DATE, required=False
            )
            self.fields[f"{term}_half_term_ends_on"] = forms.DateField(
                label=f"{label} half-term ends", widget=DATE, required=False
            )

    def term_fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (
                f"{term.label} term",
                [
                    self[f"{term}_{part}"]
                    for part in ("starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on")
                ],
            )
            for term in Term.Name
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for term in Term.Name:
            start = data.get(f"{term}_half_term_starts_on")
            end = data.get(f"{term}_half_term_ends_on")
            if bool(start) != bool(end):
                self.add_error(f"{term}_half_term_ends_on", "Give both half-term dates or neither.")
        return data


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on"]
        widgets = {name: DATE for name in fields}
        labels = {
            "starts_on": "Term starts",
            "ends_on": "Term ends",
            "half_term_starts_on": "Half-term starts",
            "half_term_ends_on": "Half-term ends",
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if bool(data.get("half_term_starts_on")) != bool(data.get("half_term_ends_on")):
            self.add_error("half_term_ends_on", "Give both half-term dates or neither.")
        return data


class WindowsForm(forms.Form):
    """Start and end times for every weekday and kind of window; blank both to switch it off."""

    def __init__(self, *args: Any, windows: list[SchoolDayWindow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing = {(w.weekday, w.kind): w for w in windows if w.is_active}
        self.cells: list[tuple[str, list[tuple[str, str, str]]]] = []
        for weekday in SchoolDayWindow.Weekday:
            row = []
            for kind in SchoolDayWindow.Kind:
                window = existing.get((weekday.value, kind.value))
                prefix = f"{weekday.value}_{kind.value}"
                label = f"{weekday.label} {kind.label}"
                self.fields[f"{prefix}_start"] = forms.TimeField(
                    label=f"{label} starts",
                    required=False,
                    widget=TIME,
                    initial=window.start_time if window else None,
                )
                self.fields[f"{prefix}_end"] = forms.TimeField(
                    label=f"{label} ends",
                    required=False,
                    widget=TIME,
                    initial=window.end_time if window else None,
                )
                row.append((kind.label, f"{prefix}_start", f"{prefix}_end"))
            self.cells.append((weekday.label, row))

    def rows(self) -> list[tuple[str, list[tuple[str, forms.BoundField, forms.BoundField]]]]:
        return [
            (day, [(kind, self[start], self[end]) for kind, start, end in row])
            for day, row in self.cells
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for weekday in SchoolDayWindow.Weekday:
            for kind in SchoolDayWindow.Kind:
                prefix = f"{weekday.value}_{kind.value}"
                start, end = data.get(f"{prefix}_start"), data.get(f"{prefix}_end")
                if bool(start) != bool(end):
                    self.add_error(f"{prefix}_end", "Give a start and an end, or leave both empty.")
                elif start and end and end <= start:
                    self.add_error(f"{prefix}_end", "The end must be after the start.")
        return data

    def chosen(self) -> dict[tuple[int, str], tuple[dt.time, dt.time] | None]:
        result: dict[tuple[int, str], tuple[dt.time, dt.time] | None] = {}
        for weekday in SchoolDayWindow.Weekday:
            for kind in SchoolDayWindow.Kind:
                prefix = f"{weekday.value}_{kind.value}"
                start = self.cleaned_data.get(f"{prefix}_start")
                end = self.cleaned_data.get(f"{prefix}_end")
                result[(weekday.value, kind.value)] = (start, end) if start and end else None
        return result

    def hidden_data(self) -> dict[str, str]:
        """The cleaned times as form data, to post again once a change is confirmed."""
        data = {}
        for (weekday, kind), times in self.chosen().items():
            start, end = times or (None, None)
            data[f"{weekday}_{kind}_start"] = f"{start:%H:%M}" if start else ""
            data[f"{weekday}_{kind}_end"] = f"{end:%H:%M}" if end else ""
        return data


class FeederPrimaryForm(forms.ModelForm):
    class Meta:
        model = FeederPrimary
        fields = ["name", "urn", "contact_email"]
        help_texts = {"contact_email": "The Year 6 teacher or office address referrals come from."}


class PupilImportForm(forms.Form):
    file = forms.FileField(
        label="Pupil file",
        help_text="A CSV or Excel (.xlsx) export from your information system, or a OneRoster "
        "users.csv or OneRoster zip.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.zip,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label="Check the file only: change nothing",
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.PUPIL_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                FILE_TOO_BIG.format(size=megabytes(upload.size), limit=megabytes(limit))
            )
        return upload


class PupilFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    year = forms.TypedChoiceField(
        label="Year group",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "All years")] + [(y, f"Year {y}") for y in range(7, 12)],
    )
    form_group = forms.CharField(label="Form group", required=False, max_length=20)


class StaffAccountForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(label="Family name", max_length=150)
    email = forms.EmailField(
        label="School e-mail address",
        max_length=254,
        help_text="Someone who already has an account here with another school is sent an "
        "invitation: their role starts when they accept.",
    )
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in STAFF_ROLES])


class PupilAccountForm(forms.Form):
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in PUPIL_ROLES], initial=Role.PUPIL)
    username = forms.CharField(
        max_length=60,
        help_text="What the pupil types to sign in. Letters, numbers, full stops and hyphens.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args: Any, is_pupil: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = PUPIL_ROLES if is_pupil else STAFF_ROLES
        cast(forms.ChoiceField, self.fields["role"]).choices = [(r.value, r.label) for r in roles]


# Forms of later stages that let a pupil choose windows of the school day share these.
def switched_off_windows(form: forms.Form) -> list[SchoolDayWindow]:
    """Windows chosen before (the form's initial) that the school day has since switched off."""
    chosen = form.initial.get("free_windows") or []
    return [w for w in chosen if isinstance(w, SchoolDayWindow) and not w.is_active]


def offer_active_windows(form: forms.Form, school: School) -> None:
    """Offer the windows that are on; say which switched-off ones are kept (they cannot be ticked)."""
    field = model_choice(form, "free_windows")
    field.queryset = SchoolDayWindow.objects.for_school(school).active()
    kept = switched_off_windows(form)
    if kept:
        names = ", ".join(w.label for w in kept)
        field.help_text = f"Kept while switched off: {names}. Tick the times they are free now."


def keep_switched_off_windows(form: forms.Form) -> list[SchoolDayWindow]:
    """The ticked windows plus the switched-off ones chosen before, which saving never drops."""
    return [*form.cleaned_data["free_windows"], *switched_off_windows(form)]


class SignOnForm(forms.Form):
    """One of a school's sign-in providers. The secret is never shown back: left empty,
    the saved one stays."""

    is_enabled = forms.BooleanField(required=False)
    client_id = forms.CharField(label="Client ID", max_length=255, required=False)
    client_secret = forms.CharField(
        label="Client secret",
        max_length=500,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    allowed_domains = forms.CharField(
        label="Your school's e-mail domains",
        max_length=500,
        required=False,
        help_text=(
            "The part after the @, for example oakbrook.sch.uk. Several: separate them "
            "with spaces. Only addresses ending in one of these can sign in this way."
        ),
    )
    tenant_id = forms.CharField(
        label="Directory (tenant) ID",
        max_length=36,
        required=False,
        help_text="On the app's Overview page in Microsoft Entra.",
    )
    issuer_url = forms.CharField(
        label="Issuer address",
        max_length=300,
        required=False,
        help_text="Your provider's address, starting https://",
    )
    idp_enforces_mfa = forms.BooleanField(
        label=(
            "Our identity provider makes every member of staff use a second factor "
            "(a code or an app) when they sign in"
        ),
        required=False,
    )

    def __init__(self, *args: Any, sign_on: SchoolSignOn, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["is_enabled"].label = f"Switch on “Sign in with {sign_on.get_kind_display()}”"
        if sign_on.kind != SchoolSignOn.Kind.MICROSOFT:
            del self.fields["tenant_id"]
        if sign_on.kind != SchoolSignOn.Kind.OIDC:
            del self.fields["issuer_url"]
        secret = self.fields["client_secret"]
        secret.help_text = (
            "A secret is saved. Leave this empty to keep it, or enter a new one."
            if sign_on.client_secret
            else "Shown once by Google or Microsoft when you make it."
        )

    def clean_client_id(self) -> str:
        return sign_on_rules.clean_client_id(self.cleaned_data["client_id"])

    def clean_allowed_domains(self) -> str:
        return sign_on_rules.clean_domains(self.cleaned_data["allowed_domains"])

    def clean_tenant_id(self) -> str:
        return sign_on_rules.clean_tenant(self.cleaned_data["tenant_id"])

    def clean_issuer_url(self) -> str:
        return sign_on_rules.clean_issuer(self.cleaned_data["issuer_url"])
