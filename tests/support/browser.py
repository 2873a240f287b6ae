"""Signing in through the real pages in the browser tests, second factor included."""

from __future__ import annotations

import time

from tests.support.mfa import SECRET, totp_code

# Codes already typed, per sign-in name: a code works once, so a second sign-in in the
# same 30 seconds uses the next step's (the server accepts one step either side).
_used: dict[str, set[str]] = {}


def fresh_code(login: str, secret: str = SECRET) -> str:
    used = _used.setdefault(login, set())
    while True:
        for step in (0, 1):
            code = totp_code(secret, step=step)
            if code not in used:
                used.add(code)
                return code
        time.sleep(5)


def sign_in(page, base: str, login: str, password: str, secret: str = SECRET) -> None:
    """Type the name and password; if asked for a code, type the authenticator's.

    A member of staff who has not set up an authenticator yet gets one with `secret`
    first (tests of the set-up itself sign in through the pages without this helper).
    """
    _ensure_authenticator(login, secret)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        page.fill("input[name=code]", fresh_code(login, secret))
        page.click("main button[type=submit]")
        page.wait_for_load_state()


def _ensure_authenticator(login: str, secret: str) -> None:
    from django.db.models import Q

    from peermentoring.core.mfa import has_second_factor
    from peermentoring.core.models import User
    from peermentoring.core.sessions import counts_as_staff
    from tests.support.mfa import give_authenticator

    user = User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).first()
    if user is not None and counts_as_staff(user) and not has_second_factor(user):
        give_authenticator(user, secret)
