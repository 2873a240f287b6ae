from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


def add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a domain function's refusal on the form: on its field where named, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


class LoginForm(AuthenticationForm):
    """One box for both: staff type their e-mail address, pupils their username."""

    username = forms.CharField(
        label="E-mail address or username",
        max_length=254,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    error_messages = {
        "invalid_login": "That e-mail address or username and password do not match. "
        "Check them and try again; passwords are case-sensitive.",
        "inactive": "This account is switched off. Ask your school office.",
    }
