"""How django-allauth fits this product (ACCOUNT_ADAPTER, MFA_ADAPTER in settings).

- Nobody signs up: schools make accounts (pupil imports, staff invitations).
- The visitor's address is the one `core.throttle.client_ip` reads (behind the
  school's or host's proxy), for allauth's rate limits as for everything else.
- Wrong passwords count per name *and address*: one pupil typing a friend's name
  wrongly at home cannot lock that friend out at school, and a whole school behind
  one address is not locked out by one person (django-axes does the same for 15
  minutes; allauth's own count is the short-term one). Wrong second-factor codes
  count per person, whatever the address.
- Authenticator keys are stored encrypted (Fernet, a key derived from SECRET_KEY;
  SECRET_KEY_FALLBACKS still read older ones).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.http import HttpRequest

from peermentoring.core.auth import normalise_username
from peermentoring.core.throttle import client_ip

ENCRYPTED_PREFIX = "fernet:"
MISMATCH = (
    "That e-mail address or username and password do not match. "
    "Check them and try again; passwords are case-sensitive."
)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": MISMATCH,
        "username_password_mismatch": MISMATCH,
        "too_many_login_attempts": (
            "Too many tries. Wait 15 minutes, then try again; if you have forgotten your "
            "password, use the link below."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Signing in counts as entering the password or code again for the next few
        minutes (ACCOUNT_REAUTHENTICATION_TIMEOUT): a new member of staff sets up the
        app and prints the codes straight after signing in without typing the password
        again. Later changes to a second factor ask for it again."""
        request = context.request
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            records = get_authentication_records(request, user)
            times = [r["at"] for r in records if r.get("method") in ("password", "mfa")]
            if times and time.time() - max(times) < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT:
                return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))

    def get_login_stages(self) -> list[str]:
        """allauth's sign-in steps, its "enter your code" step replaced by the one
        settings.MFA_AUTHENTICATE_STAGE names (a school's own identity provider that
        enforces a second factor stands for ours: schools/sign_on.py)."""
        stage = getattr(settings, "MFA_AUTHENTICATE_STAGE", "")
        stages = [str(s) for s in super().get_login_stages()]
        if not stage:
            return stages
        return [stage if s == "allauth.mfa.stages.AuthenticateStage" else s for s in stages]

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Wrong passwords count per sign-in name and address (see the module's text)."""
        login = normalise_username(credentials.get("email") or credentials.get("username"))
        return f"{login}@{client_ip(request)}"


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"mfa:{key}".encode()).digest()))
            for key in keys
        ]
    )


class SecondFactorAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user: Any) -> str:
        return str(user.email or user.username)

    def encrypt(self, text: str) -> str:
        return ENCRYPTED_PREFIX + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED_PREFIX):
            return encrypted_text
        try:
            return _fernet().decrypt(encrypted_text[len(ENCRYPTED_PREFIX) :].encode()).decode()
        except InvalidToken:
            # A key made under a SECRET_KEY no longer listed cannot be read. A fresh
            # random key stands in, so no code matches (an empty key would give codes
            # anyone could work out); the school admin resets this second factor.
            return base64.b32encode(secrets.token_bytes(20)).decode()
