"""The page a feeder primary's Year 6 teacher opens from their link: no account, nothing shown back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.matching import services
from peermentoring.matching.forms import PrimaryChildFormSet, ReferrerForm


@never_cache
@require_http_methods(["GET", "POST"])
def primary_referral(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = services.open_referral_link(token)
    except ValidationError as error:
        return render(
            request, "matching/primary_link_closed.html", {"message": error.messages[0]}, status=410
        )
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
    context = {"link": link, "referrer": referrer, "children": children}
    return render(request, "matching/primary_referral.html", context)


@never_cache
@require_GET
def primary_referral_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Only how many were sent: the names never come back to the primary's screen."""
    try:
        link = services.open_referral_link(token)
    except ValidationError as error:
        return render(
            request, "matching/primary_link_closed.html", {"message": error.messages[0]}, status=410
        )
    sent = request.session.pop("primary_referrals_sent", 0)
    return render(
        request,
        "matching/primary_referral_thanks.html",
        {"link": link, "sent": sent, "token": token},
    )
