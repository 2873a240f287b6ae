"""The page a feeder primary's contact opens from the e-mailed plan: no account, no sign-in.

It shows the visit's plan in plain words (how many mentors, never their names) and takes
one answer: they can have the visit, or would like another date, with a note. Posts are
rate-limited per address and per visit. A link that cannot be used says why: not valid,
expired, already used, replaced by a newer one, or the visit cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import pupil_text
from peermentoring.core.throttle import per_address_rate, public_form_rate
from peermentoring.outreach import visit_answers, visit_links
from peermentoring.outreach.models import PrimaryVisit
from peermentoring.outreach.visit_forms import AnswerForm
from peermentoring.outreach.visit_words import full_day_words, mentors_words, times_words, today
from peermentoring.schools.models import School

CLOSED_TEMPLATE = "outreach/primary_visit_link_closed.html"


def visit_key(group: str, request: HttpRequest) -> str:
    """The visit the token names: every link of one visit shares one allowance."""
    match = request.resolver_match
    return visit_links.link_rate_key(str(match.kwargs.get("token", ""))) if match else ""


def secret_link(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page opened by a secret link: its address (the token) is sent to no other site,
    it is kept out of search engines and out of every cache.

    "same-origin", not "no-referrer": under "no-referrer" a browser sends `Origin: null`
    with the page's own form, and the CSRF check refuses the answer.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


def _closed(request: HttpRequest, error: ValidationError) -> HttpResponse:
    # A link that never named this visit is "not found"; one that did, and no longer
    # works, is "gone".
    status = 404 if getattr(error, "code", None) == "invalid" else 410
    return render(request, CLOSED_TEMPLATE, {"message": error.messages[0]}, status=status)


def _plan(visit: PrimaryVisit) -> dict[str, Any]:
    return {
        "visit": visit,
        "school": visit.school,
        "day": full_day_words(visit.visit_on),
        "times": times_words(visit),
        "mentors": mentors_words(visit.mentors.count()),
    }


@secret_link
@require_http_methods(["GET", "POST"])
@ratelimit(
    group="outreach.visit-plan.ip", key="ip", rate=per_address_rate, method="POST", block=True
)
@ratelimit(
    group="outreach.visit-plan.visit",
    key=visit_key,
    rate=public_form_rate,
    method="POST",
    block=True,
)
@pupil_text
def visit_plan(request: HttpRequest, school_slug: str, token: str) -> HttpResponse:
    """The visit's plan, and the primary's answer to it (once)."""
    school = School.objects.filter(slug=school_slug).first()
    if school is None:
        return _closed(request, ValidationError(visit_links.LINK_INVALID, code="invalid"))
    try:
        visit = visit_links.open_visit_link(token, school=school, today=today())
    except ValidationError as error:
        return _closed(request, error)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = visit_answers.answer_visit(
                token=token,
                school=school,
                answer=data["answer"],
                suggested_date=data["suggested_date"],
                note=data["note"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) in (
                "invalid",
                "expired",
                "used",
                "replaced",
                "cancelled",
            ):
                return _closed(request, error)
            add_validation_error(form, error)
        else:
            context = _plan(visit) | {"suggested": visit.suggested_date}
            if visit.suggested_date is not None:
                context["suggested_words"] = full_day_words(visit.suggested_date)
            return render(request, "outreach/primary_visit_answered.html", context)
    return render(request, "outreach/primary_visit_answer.html", _plan(visit) | {"form": form})
