"""A second factor for staff, and a recent one for safeguarding.

Everyone who is not a pupil (a staff role in any school, a trust lead, a site
administrator) proves a second factor (an authenticator app's code, a recovery code
or a passkey, through django-allauth's `mfa` app) in every session before any page
that is not about signing in. Until they have set one up, every such page sends them
to set it up; once they have one, to the page that asks for it. Nothing of a pupil is
shown meanwhile.

Pupils sign in without a second factor (README, "Signing in"): their sessions are
shorter and they see nothing beyond their own records.

A school whose identity provider enforces its own second factor may record so; its
staff who sign in through that provider count as verified (`IDP_VERIFIED`).

`recent_second_factor` guards what needs more: a second factor entered within the
last `STEP_UP_SECONDS` (15 minutes), else the person is asked for a code again. A form
sent when that time had run out is not lost: it waits in the session (on the server,
never in the browser) until the person is back on the page, which offers it again
unsent (`resumed_post`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from peermentoring.core import sessions

# Set by the sign-in through a school's identity provider that enforces its own MFA.
IDP_VERIFIED = "_pm_idp_verified_at"

# Paths reachable before the second factor: signing in and out, setting up or entering
# a second factor, choosing a password, and the public pages reached by a signed link.
OPEN_PREFIXES = ("/accounts/", "/static/", "/reference/", "/refer/", "/favicon")
# A form sent after the step-up ran out, kept for the page it was sent to.
SUSPENDED_POST = "_pm_suspended_post"
SUSPENDED_MAX_CHARS = 256 * 1024
SUSPENDED_SECONDS = 30 * 60
# Second-factor kinds that count as having one (recovery codes are a fallback only).
FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def second_factor_at(request: HttpRequest) -> float | None:
    """When this session last proved a second factor (seconds), or None."""
    records = get_authentication_records(request, request.user)
    times = [float(r.get("at", 0)) for r in records if r.get("method") == "mfa"]
    idp_at = request.session.get(IDP_VERIFIED)
    if idp_at is not None:
        times.append(float(idp_at))
    return max(times) if times else None


def _vouched_at(request: HttpRequest) -> float | None:
    """For someone with no second factor of ours, whose school's identity provider
    enforces its own: when they signed in through it, or last proved it was them again
    (allauth's reauthentication, by password or through the provider)."""
    if request.session.get(IDP_VERIFIED) is None:
        return None
    records = get_authentication_records(request, request.user)
    times = [float(r.get("at", 0)) for r in records if r.get("reauthenticated")]
    times.append(float(request.session[IDP_VERIFIED]))
    return max(times)


def has_second_factor(user: Any) -> bool:
    return bool(Authenticator.objects.filter(user_id=user.pk, type__in=FACTORS).exists())


def mark_verified(request: HttpRequest, user: Any, kind: str = "totp") -> None:
    """Record in this session that the person proved a second factor just now."""
    record_authentication(request, user, "mfa", type=kind)


def forget_verified(request: HttpRequest) -> None:
    """This session no longer counts as having proved a second factor."""
    records = get_authentication_records(request, request.user)
    kept = [r for r in records if r.get("method") != "mfa"]
    if len(kept) != len(records):
        from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = kept
    request.session.pop(IDP_VERIFIED, None)


def _redirect(request: HttpRequest, url_name: str, back: bool = True) -> HttpResponse:
    url = reverse(url_name)
    if back:
        here = _here(request)
        if here:
            url = f"{url}?{urlencode({REDIRECT_FIELD_NAME: here}, safe='/')}"
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _here(request: HttpRequest) -> str:
    """The page to come back to: this one (GET) or the one that sent the form."""
    if request.headers.get("HX-Request") == "true":
        candidate = request.headers.get("HX-Current-URL", "")
    elif request.method in ("GET", "HEAD"):
        candidate = request.get_full_path()
    else:
        candidate = request.headers.get("Referer", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def ask_for_second_factor(request: HttpRequest) -> HttpResponse:
    """Where an unverified staff session goes: set-up, or the code page."""
    if has_second_factor(request.user):
        return _redirect(request, "mfa_reauthenticate")
    return _redirect(request, "mfa_index", back=False)


class SecondFactorRequiredMiddleware:
    """Staff pages only after a second factor in this session (see the module's text).

    A pupil's session costs nothing here: whether the person counts as staff is kept
    in the session (core/sessions.py) and checked again once a minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        staff = request.session.get(sessions.STAFF)
        if staff is None:
            staff = sessions.counts_as_staff(user)
            request.session[sessions.STAFF] = staff
        if not staff:
            if request.path.startswith("/accounts/2fa/"):
                # Pupils have no second factor to set up: back to their home page.
                return HttpResponseRedirect(reverse("home"))
            return self.get_response(request)
        if request.path.startswith(OPEN_PREFIXES) or second_factor_at(request) is not None:
            return self.get_response(request)
        return ask_for_second_factor(request)


def recent_second_factor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view that needs the second factor entered within the last 15 minutes.

    An older one (or none, for someone whose school's identity provider vouched for
    them) sends the person to enter a code again, then back here.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            factor = has_second_factor(user)
            times = [second_factor_at(request), None if factor else _vouched_at(request)]
            known = [t for t in times if t is not None]
            at = max(known) if known else None
            if at is None or sessions.now() - at >= settings.STEP_UP_SECONDS:
                _suspend_post(request)
                if factor:
                    return _redirect(request, "mfa_reauthenticate")
                return _redirect(request, "account_reauthenticate")
        return view(request, *args, **kwargs)

    return wrapped


def _suspend_post(request: HttpRequest) -> None:
    """Keep a form sent too late for the step-up, so nothing typed is lost.

    Only the text fields (a file cannot be kept) of one form, the last sent, and only
    up to a size a form of ours could fill; the CSRF token is left behind.
    """
    if request.method != "POST" or request.FILES:
        return
    data = {key: values for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"}
    if not data or len(json.dumps(data)) > SUSPENDED_MAX_CHARS:
        return
    request.session[SUSPENDED_POST] = {"path": request.path, "data": data, "at": sessions.now()}


def resumed_post(request: HttpRequest) -> QueryDict | None:
    """The form this person sent to this page before entering a code again, once.

    Handed back on their next visit to the same page within 30 minutes, for them to
    check and send again; never sent for them.
    """
    kept = request.session.get(SUSPENDED_POST)
    if request.method != "GET" or not kept or kept.get("path") != request.path:
        return None
    del request.session[SUSPENDED_POST]
    if sessions.now() - kept.get("at", 0) > SUSPENDED_SECONDS:
        return None
    data = QueryDict(mutable=True)
    for key, values in kept.get("data", {}).items():
        data.setlist(key, values)
    return data


def on_second_factor_added(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """A new authenticator or passkey: it was proved just now, and every other session
    of this person ends (whoever added it must sign in again elsewhere)."""
    sessions.end_other_sessions(request, user)
    mark_verified(request, user, kind=str(getattr(kwargs.get("authenticator"), "type", "")))


def on_second_factor_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """An authenticator removed or recovery codes made again: other sessions end; with
    no second factor left, this session must set one up again."""
    sessions.end_other_sessions(request, user)
    if not has_second_factor(user):
        forget_verified(request)


def sign_in_test_client(client: Any, user: Any) -> None:
    """Sign a Django test client in as this person, second factor proved (benchmarks)."""
    client.force_login(user, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    session = client.session
    request = HttpRequest()
    request.session = session
    request.user = user
    mark_verified(request, user)
    session.save()
