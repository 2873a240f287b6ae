from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


def normalise_username(text: str | None) -> str:
    """One spelling of a sign-in name: trimmed, Unicode-normalised and case-folded.

    Sign-in and the lockout both use it, so "Olu.Alt@…" and "olu.alt@…" are the
    same person to the five-try lockout as they are to the password check.
    """
    return unicodedata.normalize("NFKC", text or "").strip().casefold()


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The name django-axes counts failed sign-ins against (AXES_USERNAME_CALLABLE)."""
    # allauth's form calls the box "login"; django-axes hands it on under that name.
    for key in ("login", "username"):
        if credentials and credentials.get(key) is not None:
            return normalise_username(credentials.get(key))
    data = getattr(request, "POST", None) or {}
    return normalise_username(data.get("login") or data.get("username"))


class EmailOrUsernameBackend(ModelBackend):
    """Staff sign in with their e-mail address, pupils with their school username.

    Both are matched without regard to case, so "J.Smith@Oakbrook.sch.uk" works.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username or not password:
            return None
        User = get_user_model()
        identifier = normalise_username(username)
        field = "email__iexact" if "@" in identifier else "username__iexact"
        users = list(User.objects.filter(**{field: identifier})[:2])
        if len(users) != 1:
            # Run the hasher anyway so a missing account takes as long as a wrong password.
            User().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
