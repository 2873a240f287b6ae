from __future__ import annotations

from typing import Any, cast

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator


def add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a domain function's refusal on the form: on its field where named, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


class SignInForm(AllauthLoginForm):
    """One box for both: staff type their e-mail address, pupils their username."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "E-mail address or username"
        login.widget.attrs = {
            "autofocus": True,
            "autocomplete": "username",
            "autocapitalize": "none",
            "spellcheck": "false",
            "maxlength": "254",
        }
        login.validators.append(MaxLengthValidator(254))
        password = self.fields["password"]
        password.label = "Password"
        # allauth's own "Forgot your password?" link: the page has ours, to our reset page.
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)


# The largest id a database row can have; anything beyond is refused before any query.
MAX_ID = 2**63 - 1


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id outside 1..2**63-1 as an invalid choice, before the query that checks them.

    A 30-digit id reaches the database in an IN (...) list and crashes SQLite with an
    OverflowError; a single ModelChoiceField is safe, as Django bounds exact lookups itself.
    """

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            text = str(pk).strip()
            if text.isascii() and text.lstrip("-").isdecimal() and not 1 <= int(text) <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        # A private method of Django's, so absent from django-stubs.
        return super()._check_values(value)  # type: ignore[misc]


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A form's model choice field, to set its rows: `form.fields` is typed as plain Fields."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def up_to(limit: int) -> str:
    """The help text that shows a field's limit before anyone types."""
    return f"Up to {limit:,} characters."


class _AtMostCharacters(MaxLengthValidator):
    """Refuses text longer than the limit, writing both lengths as people do: 2,000,000."""

    def __call__(self, value: Any) -> None:
        length = len(value)
        if length > self.limit_value:
            raise ValidationError(
                f"Please keep this to at most {self.limit_value:,} characters (it has {length:,}).",
                code="max_length",
            )


def bounded_text(
    limit: int, *, label: str | None = None, required: bool = True, rows: int = 3, **kwargs: Any
) -> forms.CharField:
    """A free-text box that refuses more than `limit` characters, saying so in plain words."""
    help_text = kwargs.pop("help_text", "")
    return forms.CharField(
        label=label,
        required=required,
        # Not max_length: its validator would print the text's length as 2000000.
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": str(limit)}),
        validators=[_AtMostCharacters(limit)],
        help_text=f"{help_text} {up_to(limit)}".strip(),
        **kwargs,
    )


def _code_box(field: forms.Field, label: str) -> None:
    """A one-time code: digits, the phone's keypad, and the code the phone offers to fill in."""
    field.label = label
    field.widget.attrs = {
        "autocomplete": "one-time-code",
        "inputmode": "numeric",
        "autofocus": True,
        "maxlength": "20",
        "spellcheck": "false",
    }


class SecondFactorCodeForm(AllauthAuthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_box(self.fields["code"], "Code from your app, or a recovery code")


class SecondFactorAgainForm(AllauthReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_box(self.fields["code"], "Code from your app, or a recovery code")


class TurnOnAuthenticatorForm(AllauthActivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_box(self.fields["code"], "The six-digit code your app shows")
