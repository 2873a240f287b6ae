"""Password rules beyond Django's own: no password built on the person's own name."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

NAME_IN_PASSWORD = "Your password must not contain your name or username. Try three random words."  # noqa: S105 - a message


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


class NameInPasswordValidator:
    """Refuse a password that contains the person's first name, family name or username.

    Django's similarity check lets "priyashah1" through for Priya Shah; this one
    does not. Parts shorter than three letters ("Jo", "Li") are ignored.
    """

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        plain = _letters(password)
        parts = [
            getattr(user, "first_name", ""),
            getattr(user, "last_name", ""),
            *re.split(r"[@._\-\s]+", (getattr(user, "username", "") or "").split("@")[0]),
            *re.split(r"[@._\-\s]+", (getattr(user, "email", "") or "").split("@")[0]),
        ]
        for part in parts:
            letters = _letters(part or "")
            if len(letters) >= 3 and letters in plain:
                raise ValidationError(NAME_IN_PASSWORD, code="password_contains_name")

    def get_help_text(self) -> str:
        return "Your password must not contain your name or username."
