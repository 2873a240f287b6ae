"""School single sign-on pages: the school admin's settings, and the school's sign-in page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import Role
from peermentoring.schools import services
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.forms import SignOnForm
from peermentoring.schools.models import School, SchoolSignOn
from peermentoring.schools.sign_on import switched_on


def _sign_on(school: School, kind: str) -> SchoolSignOn:
    """This school's row for the kind (unsaved if never set up); 404 for a made-up kind."""
    if kind not in SchoolSignOn.Kind.values:
        raise Http404("No such sign-in provider")
    row = SchoolSignOn.objects.for_school(school).filter(kind=kind).first()
    return row or SchoolSignOn(school=school, kind=kind)


def callback_url(sign_on: SchoolSignOn) -> str:
    """The return address the school registers at its provider."""
    path = reverse("openid_connect_callback", kwargs={"provider_id": sign_on.provider_id})
    return f"{settings.SITE_URL}{path}"


@require_GET
@school_role_required(Role.SCHOOL_ADMIN)
def sign_on_list(request: SchoolRequest) -> HttpResponse:
    rows = [_sign_on(request.school, kind) for kind in SchoolSignOn.Kind.values]
    for row in rows:
        row.edit_url = reverse(  # type: ignore[attr-defined]
            f"schools:sign-on-{row.kind}", kwargs={"school_slug": request.school.slug}
        )
    return render(request, "schools/sign_on_list.html", {"sign_ons": rows})


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
@pupil_text  # the client secret stays out of error reports
def sign_on_edit(request: SchoolRequest, kind: str) -> HttpResponse:
    sign_on = _sign_on(request.school, kind)
    initial = {
        name: getattr(sign_on, name)
        for name in ("is_enabled", "client_id", "allowed_domains", "tenant_id", "issuer_url")
    } | {"idp_enforces_mfa": sign_on.idp_enforces_mfa}
    form = SignOnForm(request.POST or None, sign_on=sign_on, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_sign_on(
                school=request.school,
                kind=kind,
                is_enabled=data["is_enabled"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                allowed_domains=data["allowed_domains"],
                tenant_id=data.get("tenant_id", ""),
                issuer_url=data.get("issuer_url", ""),
                idp_enforces_mfa=data["idp_enforces_mfa"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Sign in with {sign_on.get_kind_display()}: saved.")
            return redirect("schools:sign-on", school_slug=request.school.slug)
    context = {"form": form, "sign_on": sign_on, "callback_url": callback_url(sign_on)}
    return render(request, "schools/sign_on_form.html", context)


@require_GET
def choose_school(request: HttpRequest) -> HttpResponse:
    """Public: the schools whose staff and pupils can sign in with a school account."""
    schools = School.objects.filter(Exists(switched_on().filter(school=OuterRef("pk")))).only(
        "name", "slug"
    )
    return render(request, "schools/sign_on_choose.html", {"schools": schools})


@require_GET
def school_sign_in(request: HttpRequest, school: str) -> HttpResponse:
    """Public: one school's "Sign in with Google / Microsoft" buttons."""
    chosen = get_object_or_404(School, slug=school)
    sign_ons = list(switched_on().filter(school=chosen))
    if not sign_ons:
        raise Http404("This school has not switched on signing in with a school account")
    buttons = [
        (
            row.get_kind_display(),
            reverse("openid_connect_login", kwargs={"provider_id": row.provider_id}),
        )
        for row in sign_ons
    ]
    home = reverse("schools:home", kwargs={"school_slug": chosen.slug})
    return render(
        request, "schools/sign_on_school.html", {"school": chosen, "buttons": buttons, "next": home}
    )
