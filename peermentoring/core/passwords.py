"""Password rules beyond Django's own: no password built on the person's own name."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError

NAME_IN_PASSWORD = "Your password must not contain your name or username. Try three random words."  # noqa: S105 - a message


def _letters(text: str) -> str:
    """Plain letters only: "Zoë" is "zoe", "O'Neill" is "oneill"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.casefold())


class NameInPasswordValidator:
    """Refuse a password that contains the person's first name, family name or username.

    Django's similarity check lets "priyashah1" through for Priya Shah; this one
    does not. Parts shorter than three letters ("Jo", "Li") are ignored.
    """

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        plain = _letters(password)
        names = " ".join(
            [
                getattr(user, "first_name", "") or "",
                getattr(user, "last_name", "") or "",
                (getattr(user, "username", "") or "").split("@")[0],
                (getattr(user, "email", "") or "").split("@")[0],
            ]
        )
        # Each part of a name on its own too: "Smith-Jones", "Mary Jane", "O'Neill".
        parts = re.split(r"[\s@._\-'’]+", names)
        for part in parts:
            letters = _letters(part or "")
            if len(letters) >= 3 and letters in plain:
                raise ValidationError(NAME_IN_PASSWORD, code="password_contains_name")

    def get_help_text(self) -> str:
        return "Your password must not contain your name or username."
