from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from peermentoring.core import privacy, sessions

# Pages a person with a temporary password may still reach.
ALLOWED_PATH_NAMES = ("password_change", "password_change_done", "logout")


class PasswordChangeRequiredMiddleware:
    """Send anyone holding a temporary password to choose their own first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in ALLOWED_PATH_NAMES}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("password_change")
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in person are never kept by the browser or a proxy.

    A shared school laptop's back button or cache must not show the next person
    a pupil's record, a referral or a reference. Public pages reached by signed
    links (a tutor's reference, a primary's referral form) carry children's data
    too, so they are marked the same way.
    """

    PUBLIC_PREFIXES = ("/reference/", "/refer/", "/accounts/reset/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith(self.PUBLIC_PREFIXES):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionTimeoutMiddleware:
    """Sign out after a spell without using the site, 8 hours after signing in, or
    when "Sign out everywhere" was used (core/sessions.py); then back to the sign-in
    page with the reason, and to the same page after signing in again.

    A request marked by `privacy.leaves_no_trace` (an anonymous report) is checked the
    same way, but the session is not saved after it: neither its last-seen time nor
    anything else put in it on the way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = sessions.why_ended(request, user)
            if reason is not None:
                return sessions.end(request, reason)
        response = self.get_response(request)
        if privacy.leaves_no_trace_here(request) and hasattr(request, "session"):
            request.session.modified = False
        return response
