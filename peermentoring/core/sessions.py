"""Sessions that end: idle and absolute time-outs, and "Sign out everywhere".

A shared classroom laptop left signed in must not stay open on a pupil's record.
Staff are signed out after 20 minutes without using the site, pupils after 30 (a
person holding a staff role in any school counts as staff), and everyone 8 hours
after signing in. The times live in the session itself, so this works with any
session backend (database, cached database) and with any way of signing in.

The last-seen time is written at most once a minute: most requests read the
session and leave it unchanged, so it is not saved again.

"Sign out everywhere" raises the person's `session_generation`; a session made
under an older generation ends at its next request, on every device.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, logout
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from peermentoring.core.roles import PUPIL_ROLES

SIGNED_IN_AT = "_pm_signed_in_at"
LAST_SEEN = "_pm_last_seen"
GENERATION = "_pm_generation"
IDLE_LIMIT = "_pm_idle_limit"
STAFF = "_pm_staff"

# The last-seen time is written at most this often (seconds).
WRITE_EVERY = 60

IDLE_MESSAGE = (
    "You were signed out after {minutes} minutes without using the site, so nobody else "
    "could use it as you. Sign in again to carry on where you were."
)
ABSOLUTE_MESSAGE = (
    "You were signed out because you had been signed in for {hours} hours. "
    "Sign in again to carry on where you were."
)
EVERYWHERE_MESSAGE = (
    "You were signed out on this device because your account's sign-in was changed on "
    "another one: “Sign out everywhere”, or a new second factor. Sign in again to carry "
    "on. If that was not you, change your password and tell your school office."
)
SIGNED_OUT_EVERYWHERE = (
    "You are signed out everywhere: on this device and on every other one. "
    "Sign in again to carry on."
)


def now() -> float:
    """The clock the time-outs read (seconds). Tests replace it with a fake clock."""
    return time.time()


def counts_as_staff(user: Any) -> bool:
    """Anyone but a pupil: a staff role anywhere, no school role (a site
    administrator or someone not yet in a school), or Django's staff flag."""
    roles = set(user.memberships.values_list("role", flat=True))
    return not (roles and roles <= set(PUPIL_ROLES) and not user.is_staff)


def idle_limit(user: Any, staff: bool | None = None) -> int:
    """Seconds this person may leave the site before being signed out.

    Pupils get longer; anyone with a staff role anywhere (or no school role, such
    as a site administrator) gets the staff time.
    """
    if staff is None:
        staff = counts_as_staff(user)
    if staff:
        return int(settings.SESSION_IDLE_STAFF_SECONDS)
    return int(settings.SESSION_IDLE_PUPIL_SECONDS)


def _note_role(session: Any, user: Any) -> None:
    """Keep in the session whether this person counts as staff (idle time, second factor)."""
    staff = counts_as_staff(user)
    session[STAFF] = staff
    session[IDLE_LIMIT] = idle_limit(user, staff)


def stamp(session: Any, user: Any, at: float) -> None:
    """Start the clocks of a new sign-in."""
    session[SIGNED_IN_AT] = at
    session[LAST_SEEN] = at
    session[GENERATION] = user.session_generation
    _note_role(session, user)


def stamp_on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in: the 8 hours start now, whoever signed the person in."""
    session = getattr(request, "session", None)
    if session is not None:
        stamp(session, user, now())


def why_ended(request: HttpRequest, user: Any) -> str | None:
    """The message to show if this request's session has ended, else None.

    Keeps the last-seen time, writing it only when a minute or more has passed.
    """
    session = request.session
    at = now()
    if session.get(GENERATION) is None:
        # Signed in before these clocks existed: they start now.
        stamp(session, user, at)
        return None
    if session[GENERATION] != user.session_generation:
        return EVERYWHERE_MESSAGE
    absolute = int(settings.SESSION_ABSOLUTE_SECONDS)
    if at - float(session.get(SIGNED_IN_AT, at)) >= absolute:
        return ABSOLUTE_MESSAGE.format(hours=absolute // 3600)
    idle = int(session.get(IDLE_LIMIT) or settings.SESSION_IDLE_STAFF_SECONDS)
    last_seen = float(session.get(LAST_SEEN, at))
    if at - last_seen >= idle:
        return IDLE_MESSAGE.format(minutes=idle // 60)
    if at - last_seen >= WRITE_EVERY:
        session[LAST_SEEN] = at
        # A role given or taken away since sign-in counts from here on.
        _note_role(session, user)
    return None


def _where_they_were(request: HttpRequest) -> str:
    """The page to come back to after signing in again: same site only."""
    if request.headers.get("HX-Request") == "true":
        candidate = request.headers.get("HX-Current-URL", "")
    elif request.method in ("GET", "HEAD"):
        candidate = request.get_full_path()
    else:
        # A form sent after the time-out: back to the page that held it.
        candidate = request.headers.get("Referer", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def end(request: HttpRequest, message: str) -> HttpResponse:
    """Sign the person out, say why, and send them to sign in (then back where they were)."""
    back = _where_they_were(request)
    logout(request)
    messages.info(request, message)
    url = resolve_url(settings.LOGIN_URL)
    if back:
        url = f"{url}?{urlencode({REDIRECT_FIELD_NAME: back}, safe='/')}"
    if request.headers.get("HX-Request") == "true":
        # A part of a page asked: the whole page goes to the sign-in form.
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def end_other_sessions(request: HttpRequest, user: Any) -> None:
    """End every other session of this person (after a change to how they sign in);
    this one carries on under the new generation."""
    model = get_user_model()._default_manager
    model.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    generation = model.filter(pk=user.pk).values_list("session_generation", flat=True).get()
    user.session_generation = generation
    session = getattr(request, "session", None)
    if session is not None and getattr(request, "user", None) == user:
        session[GENERATION] = generation


def sign_out_everywhere(request: HttpRequest) -> None:
    """End every session of the signed-in person, this one included."""
    user_pk = request.user.pk
    if user_pk is None:
        return
    get_user_model()._default_manager.filter(pk=user_pk).update(
        session_generation=F("session_generation") + 1
    )
    logout(request)
