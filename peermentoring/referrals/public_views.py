"""The page a feeder primary's Year 6 teacher opens from their link: no account, nothing shown back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from peermentoring.core.privacy import pupil_text
from peermentoring.core.throttle import per_address_rate, public_form_rate
from peermentoring.referrals import services
from peermentoring.referrals.forms import PrimaryChildFormSet, ReferrerForm
from peermentoring.referrals.models import PrimaryReferralLink


def link_key(group: str, request: HttpRequest) -> str:
    """The link the token names: every token made for one link shares one allowance."""
    match = request.resolver_match
    return services.link_rate_key(str(match.kwargs.get("token", ""))) if match else ""


def _closed(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "referrals/primary_link_closed.html", {"message": message}, status=410)


def _full(request: HttpRequest, link: PrimaryReferralLink) -> HttpResponse:
    message = services.LINK_FULL.format(max=link.max_children, school=link.school.name)
    return render(request, "referrals/primary_link_closed.html", {"message": message, "full": True})


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group="matching.refer.ip", key="ip", rate=per_address_rate, method="POST", block=True)
@ratelimit(
    group="matching.refer.link", key=link_key, rate=public_form_rate, method="POST", block=True
)
@pupil_text
def primary_referral(request: HttpRequest, token: str) -> HttpResponse:
    """Up to 30 children a post, within the link's cap; posts are rate-limited per link and address."""
    try:
        link = services.open_referral_link(token)
    except ValidationError as error:
        return _closed(request, error.messages[0])
    places_left = link.places_left()
    if places_left == 0:
        return _full(request, link)
    services.categories_for(link.school)
    referrer = ReferrerForm(request.POST or None, prefix="referrer")
    children = PrimaryChildFormSet(request.POST or None, school=link.school, prefix="child")
    if request.method == "POST" and referrer.is_valid() and children.is_valid():
        try:
            made = services.refer_from_primary(
                token=token,
                referrer_name=referrer.cleaned_data["referrer_name"],
                children=children.children(),
            )
        except ValidationError as error:
            referrer.add_error(None, error)
        else:
            request.session["primary_referrals_sent"] = len(made)
            return redirect("refer:thanks", token)
    context = {
        "link": link,
        "referrer": referrer,
        "children": children,
        "places_left": places_left,
    }
    return render(request, "referrals/primary_referral.html", context)


@never_cache
@require_GET
def primary_referral_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Only how many were sent: the names never come back to the primary's screen."""
    try:
        link = services.open_referral_link(token)
    except ValidationError as error:
        return _closed(request, error.messages[0])
    sent = request.session.pop("primary_referrals_sent", 0)
    return render(
        request,
        "referrals/primary_referral_thanks.html",
        {"link": link, "sent": sent, "token": token},
    )
