"""Keeping pupils' words out of error reports and access logs.

A view that takes free text about a pupil in a POST (a referral's needs, a review note, an
application's answers, an interview comment, a tutor's reference, a do-not-pair note...) is
decorated with `pupil_text`: Django's error reports then show none of the POST's values, and
none of the local variables of the view or of anything it calls (services included), in place
of which they print stars. The exception's own message is still shown, so no service puts a
pupil's words in one.

Search boxes send a pupil's name in the query string (the pupil list's `?q=`): the access
logs record paths without their query strings (`QueryStringFreeAccessLog` for runserver's
`django.server` log, and gunicorn.conf.py's access log format).

Some addresses are secrets themselves: a notice-board screen's link, a calendar feed, a
primary school's referral link or its answer to a visit's plan, a password reset. The logs
write their token as "[token]" (`loggable_path`). A pupil's "tell us" report may be anonymous: on its address the
gunicorn access log writes no address, user or browser (`is_anonymous_path`,
core/access_log.py), and the view that takes the report is decorated with `leaves_no_trace`:
the POST that sends it saves nothing in the session (not even the last-seen time the
time-outs keep) and puts nothing in the cache under the sender's id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.messages import get_messages
from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

View = TypeVar("View", bound=Callable[..., Any])


def pupil_text(view: View) -> View:
    """Hide every POST value, and every local variable below this view, from error reports."""
    return sensitive_post_parameters()(sensitive_variables()(view))


def hides_pupil_text(view: Callable[..., Any]) -> bool:
    """Whether a view (or a decorator around it) is wrapped by `pupil_text`."""
    names = set()
    current: Any = view
    while current is not None:
        code = getattr(current, "__code__", None)
        if code is not None:
            names.add(code.co_name)
        current = getattr(current, "__wrapped__", None)
    return {"sensitive_post_parameters_wrapper", "sensitive_variables_wrapper"} <= names


_QUERY = re.compile(r"\?[^\s\"]*")


# Set on a request by `leaves_no_trace`.
_NO_TRACE = "_pm_leaves_no_trace"


def leaves_no_trace(view: View) -> View:
    """A POST to this view writes nothing about who sent it beyond what the view stores.

    For a pupil's anonymous "tell us" report. Outside this decorator:
    - `SessionTimeoutMiddleware` does not save the session (no last-seen time: the
      session row keeps its data and expiry as they were before the request);
    - `page_cache.membership` does not cache the access check under the sender's id;
    - a message waiting in the session (which lives there) is shown but kept, not marked
      read, so the session is not written for it either.
    Decorate outside `school_role_required`, so the request is marked before the access
    check runs.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            response: HttpResponse = view(request, *args, **kwargs)
            return response
        setattr(request, _NO_TRACE, True)
        response = view(request, *args, **kwargs)
        # Messages read here stay for the next page: marking them read writes the session.
        storage = get_messages(request)
        if isinstance(storage, BaseStorage):
            storage.used = False
        return response

    return cast(View, wrapper)


def leaves_no_trace_here(request: HttpRequest) -> bool:
    """Whether this request was marked by `leaves_no_trace` (a POST to such a view)."""
    return bool(getattr(request, _NO_TRACE, False))


# A secret link's token: the segment after /screen/, /feed/, /refer/ or /visit-plan/ (a
# primary's answer to a visit's plan), or a password reset's.
_SECRET = re.compile(
    r"(/(?:screen|feed|refer|visit-plan)/|/accounts/reset/[^/\s\"]+/)(?!set-password/)[^/\s\"?]+"
)
# Where a pupil may tell the school something without saying who they are.
_ANONYMOUS = re.compile(r"^/s/[^/]+/outreach/tell-us/")


def loggable_path(text: str) -> str:
    """A path (or a request line) as a log may write it: no query string, no secret token."""
    return _SECRET.sub(r"\1[token]", _QUERY.sub("", text))


def is_anonymous_path(path: str) -> bool:
    """Whether a request to this path may be anonymous: its log line names nobody."""
    return bool(_ANONYMOUS.match(path))


class QueryStringFreeAccessLog(logging.Filter):
    """runserver's request lines ('"GET /s/x/pupils/?q=Kwame HTTP/1.1" 200') lose their query,
    and a secret link's token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(loggable_path(a) if isinstance(a, str) else a for a in args)
        record.msg = loggable_path(str(record.msg))
        return True
