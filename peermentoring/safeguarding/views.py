"""Raise a concern (anyone in the school but the trust lead); the safeguarding lead's
pages (list, a concern with its chronology, the access log), behind a second factor
entered within the last 15 minutes. Every read of the lead's pages is logged."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.mfa import recent_second_factor, resumed_post
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import PUPIL_DATA_ROLES, PUPIL_ROLES, SAFEGUARDING_ROLES, Role
from peermentoring.safeguarding import services
from peermentoring.safeguarding.forms import ConcernForm, EntryForm, SafeguardingSettingsForm
from peermentoring.safeguarding.models import (
    AccessLogEntry,
    ChronologyEntry,
    Concern,
    EscalationContact,
)
from peermentoring.safeguarding.registry import namable_pupils
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import Pupil

RAISERS = (*PUPIL_DATA_ROLES, *PUPIL_ROLES)
LEADS = SAFEGUARDING_ROLES


def _pupil_from(request: SchoolRequest) -> Pupil | None:
    """The pupil the person started from: any pupil of this school for staff (the pupil's
    page); for a pupil, only one their role already gives them (a mentor's own mentee)."""
    raw = request.POST.get("pupil") or request.GET.get("pupil") or ""
    if not raw:
        return None
    if not raw.isdecimal() or len(raw) > 18:
        raise Http404("No such pupil")
    if request.membership.is_pupil and int(raw) not in namable_pupils(request.membership):
        return None
    return get_object_or_404(Pupil.objects.for_school(request.school), pk=int(raw))


@require_http_methods(["GET", "POST"])
@school_role_required(*RAISERS)
@pupil_text
def concern_raise(request: SchoolRequest) -> HttpResponse:
    pupil = _pupil_from(request)
    about = pupil.full_name if pupil else ""
    form = ConcernForm(request.POST or None, about=about, initial={"submission_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.raise_concern(
                school=request.school,
                raised_by=request.user,
                role=request.membership.role,
                pupil=pupil,
                about_name=data.get("about_name", ""),
                what_happened=data["what_happened"],
                happened_when=data["happened_when"],
                child_words=data["child_words"],
                others_present=data["others_present"],
                told_staff=data["told_staff"],
                urgency=data["urgency"],
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return redirect(
                "safeguarding:concern-received",
                school_slug=request.school.slug,
                concern_pk=concern.pk,
            )
    return render(
        request,
        "safeguarding/concern_form.html",
        {"form": form, "pupil": pupil, "is_pupil": request.membership.is_pupil},
    )


@require_GET
@school_role_required(*RAISERS)
def concern_received(request: SchoolRequest, concern_pk: int) -> HttpResponse:
    """The person who raised it sees that it arrived, and later that it was acknowledged:
    never the record itself."""
    concern = get_object_or_404(
        Concern.objects.for_school(request.school).only(
            "pk", "school", "raised_by", "created_at", "acknowledged_at", "status"
        ),
        pk=concern_pk,
        raised_by=request.user,
    )
    return render(request, "safeguarding/concern_received.html", {"concern": concern})


@require_GET
@school_role_required(*LEADS)
@recent_second_factor
def concern_list(request: SchoolRequest) -> HttpResponse:
    show = "closed" if request.GET.get("show") == "closed" else "open"
    concerns = Concern.objects.for_school(request.school).select_related("pupil", "raised_by")
    concerns = (
        concerns.filter(status=Concern.Status.CLOSED) if show == "closed" else concerns.open()
    )
    page = Paginator(concerns.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    services.log_access(school=request.school, who=request.user, what=AccessLogEntry.What.LIST)
    return render(
        request,
        "safeguarding/concern_list.html",
        {"page": page, "show": show, "closed": show == "closed"},
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*LEADS)
@recent_second_factor
@pupil_text
def concern_detail(request: SchoolRequest, concern_pk: int) -> HttpResponse:
    concern = get_object_or_404(
        Concern.objects.for_school(request.school).select_related("pupil", "raised_by"),
        pk=concern_pk,
    )
    kept = resumed_post(request)
    if kept is not None and kept.get("action") != "acknowledge":
        messages.info(
            request,
            "Your entry was kept while you entered your code. Check it and add it again.",
        )
    else:
        kept = None
    form = EntryForm(request.POST if request.method == "POST" else kept, concern=concern)
    if request.method == "POST":
        if request.POST.get("action") == "acknowledge":
            services.acknowledge(concern=concern, by=request.user)
            messages.success(request, "Acknowledged: the person who raised it can see that.")
            return redirect(request.path)
        if form.is_valid():
            data = form.cleaned_data
            corrects = (
                concern.entries.filter(pk=data["corrects"]).first() if data["corrects"] else None
            )
            try:
                services.add_entry(
                    concern=concern,
                    by=request.user,
                    kind=data["kind"],
                    text=data["text"],
                    reason=data["reason"],
                    agency=data["agency"],
                    agency_reference=data["agency_reference"],
                    happened_at=data["happened_at"],
                    corrects=corrects,
                    shared_with_coordinator=data["shared_with_coordinator"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, "Added to the chronology.")
                return redirect(request.path)
    services.log_access(
        school=request.school, who=request.user, what=AccessLogEntry.What.CONCERN, concern=concern
    )
    entries = concern.entries.select_related("written_by", "corrects").order_by("recorded_at", "id")
    alerts = concern.alerts.select_related("recipient", "email")
    return render(
        request,
        "safeguarding/concern_detail.html",
        {"concern": concern, "entries": entries, "form": form, "alerts": alerts},
    )


@require_GET
@school_role_required(*LEADS)
@recent_second_factor
def pupil_chronology(request: SchoolRequest, pupil_pk: int) -> HttpResponse:
    """Every concern about one pupil, with its chronology, oldest first."""
    pupil = get_object_or_404(Pupil.objects.for_school(request.school), pk=pupil_pk)
    concerns = (
        Concern.objects.for_school(request.school)
        .filter(pupil=pupil)
        .select_related("raised_by")
        .prefetch_related("entries__written_by")
        .order_by("created_at", "pk")
    )
    services.log_access(school=request.school, who=request.user, what=AccessLogEntry.What.PUPIL)
    return render(
        request, "safeguarding/pupil_chronology.html", {"pupil": pupil, "concerns": concerns}
    )


@require_GET
@school_role_required(*LEADS)
@recent_second_factor
def concern_export(request: SchoolRequest, concern_pk: int, fmt: str) -> HttpResponse:
    """One concern for the school's main safeguarding system: a page to print (or save as
    PDF from the browser) and a JSON file. Logged like a read."""
    concern = get_object_or_404(
        Concern.objects.for_school(request.school).select_related("pupil", "raised_by"),
        pk=concern_pk,
    )
    services.log_access(
        school=request.school, who=request.user, what=AccessLogEntry.What.EXPORT, concern=concern
    )
    entries = concern.entries.select_related("written_by").order_by("recorded_at", "id")
    if fmt == "json":
        response = JsonResponse(
            services.as_record(concern, entries), json_dumps_params={"indent": 2}
        )
        response["Content-Disposition"] = f'attachment; filename="concern-{concern.pk}.json"'
        return response
    return render(
        request, "safeguarding/concern_print.html", {"concern": concern, "entries": entries}
    )


@require_GET
@school_role_required(*LEADS)
@recent_second_factor
def pupil_export(request: SchoolRequest, pupil_pk: int) -> HttpResponse:
    """A pupil's whole safeguarding chronology as one JSON file, for the school's main
    safeguarding system. Logged like a read."""
    pupil = get_object_or_404(Pupil.objects.for_school(request.school), pk=pupil_pk)
    concerns = (
        Concern.objects.for_school(request.school)
        .filter(pupil=pupil)
        .select_related("pupil", "raised_by", "school")
        .order_by("created_at", "pk")
    )
    services.log_access(school=request.school, who=request.user, what=AccessLogEntry.What.EXPORT)
    records = [
        services.as_record(c, c.entries.select_related("written_by").order_by("recorded_at", "id"))
        for c in concerns
    ]
    response = JsonResponse(
        {"pupil": pupil.full_name, "upn": pupil.upn, "concerns": records},
        json_dumps_params={"indent": 2},
    )
    response["Content-Disposition"] = f'attachment; filename="pupil-{pupil.pk}-chronology.json"'
    return response


@require_GET
@school_role_required(Role.COORDINATOR)
def concern_status(request: SchoolRequest) -> HttpResponse:
    """The coordinator: that a concern about one of the scheme's pupils exists and where it
    stands, never what it says; and any entry the lead chose to share."""
    concerns = (
        Concern.objects.for_school(request.school)
        .filter(pupil__membership__role__in=[Role.MENTOR, Role.MENTEE])
        .select_related("pupil")
        .order_by("-created_at", "-pk")
        .only("pk", "school", "pupil", "status", "created_at")
    )
    page = Paginator(concerns, 50).get_page(request.GET.get("page"))
    shared = {
        entry.concern_id: entry
        for entry in ChronologyEntry.objects.filter(
            concern__in=list(page.object_list), shared_with_coordinator=True
        ).order_by("recorded_at")
    }
    rows = [(c, shared.get(c.pk)) for c in page]
    return render(request, "safeguarding/concern_status.html", {"page": page, "rows": rows})


@require_GET
@school_role_required(*LEADS)
@recent_second_factor
def access_log(request: SchoolRequest) -> HttpResponse:
    entries = AccessLogEntry.objects.for_school(request.school).select_related("who", "concern")
    who = request.GET.get("who", "")
    if who.isdecimal() and len(who) < 19:
        entries = entries.filter(who_id=int(who))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    services.log_access(school=request.school, who=request.user, what=AccessLogEntry.What.LOG)
    return render(request, "safeguarding/access_log.html", {"page": page})


@require_http_methods(["GET", "POST"])
@school_role_required(*LEADS)
@recent_second_factor
def safeguarding_settings(request: SchoolRequest) -> HttpResponse:
    """How long a concern may wait, and who is told next."""
    conf = services.settings_for(request.school)
    chosen = EscalationContact.objects.for_school(request.school).values_list("user_id", flat=True)
    kept = resumed_post(request)
    if kept is not None:
        messages.info(
            request, "Your changes were kept while you entered your code. Save them again."
        )
    form = SafeguardingSettingsForm(
        request.POST if request.method == "POST" else kept,
        instance=conf,
        school=request.school,
        initial={"contacts": list(chosen)},
    )
    if request.method == "POST" and form.is_valid():
        services.save_settings(
            school=request.school,
            minutes=form.cleaned_data["acknowledge_within_minutes"],
            day_ends_at=form.cleaned_data["day_ends_at"],
            contacts=list(form.cleaned_data["contacts"]),
        )
        messages.success(request, "Saved.")
        return redirect("safeguarding:settings", school_slug=request.school.slug)
    return render(request, "safeguarding/settings.html", {"form": form})
