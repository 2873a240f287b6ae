"""Pupil pages: the list, one pupil, and importing pupils from the school's system."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.models import ReadEntry
from peermentoring.core.page_cache import render_cached
from peermentoring.core.reads import record_read
from peermentoring.core.roles import PUPIL_DATA_ROLES, Role
from peermentoring.core.row_urls import RowUrls
from peermentoring.schools import services
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.forms import PupilFilterForm, PupilImportForm
from peermentoring.schools.models import Membership, Pupil, PupilImport
from peermentoring.schools.pupil_files import COLUMN_LABELS, MIS_REQUIRED

PUPILS_PER_PAGE = 50


@require_GET
@school_role_required(*PUPIL_DATA_ROLES)
def pupil_list(request: SchoolRequest) -> HttpResponse:
    record_read(request=request, school=request.school, kind=ReadEntry.Kind.PUPIL_LIST)

    def pupil_page() -> dict[str, Any]:
        form = PupilFilterForm(request.GET or None)
        pupils = Pupil.objects.for_school(request.school).on_roll().select_related("feeder_primary")
        if form.is_valid():
            if form.cleaned_data["q"]:
                pupils = pupils.search(form.cleaned_data["q"])
            if form.cleaned_data["year"]:
                pupils = pupils.in_year(form.cleaned_data["year"])
            if form.cleaned_data["form_group"]:
                pupils = pupils.filter(form_group__iexact=form.cleaned_data["form_group"])
        page = Paginator(pupils, PUPILS_PER_PAGE).get_page(request.GET.get("page"))
        detail = RowUrls("schools:pupil-detail", "pupil_pk", school_slug=request.school.slug)
        for pupil in page:
            pupil.detail_url = detail.of(pupil.pk)  # type: ignore[attr-defined]
        query = request.GET.copy()
        query.pop("page", None)
        return {"form": form, "page": page, "query": query.urlencode()}

    # After the back button htmx may ask for the whole page again: give it the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "schools/pupil_list.html#pupil-results", pupil_page())
    else:
        # The whole page is cached for this person and role, today, until the school changes.
        response = render_cached(
            request,
            "schools/pupil_list.html",
            pupil_page,
            name="pupil-list",
            role=request.membership.role,
            schools=[request.school.pk],
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@school_role_required(*PUPIL_DATA_ROLES)
def pupil_detail(request: SchoolRequest, pupil_pk: int) -> HttpResponse:
    pupil = get_object_or_404(
        Pupil.objects.for_school(request.school).select_related("feeder_primary"), pk=pupil_pk
    )
    membership = Membership.objects.filter(pupil=pupil).select_related("user").first()
    record_read(request=request, school=request.school, kind=ReadEntry.Kind.PUPIL, target=pupil)
    return render(
        request,
        "schools/pupil_detail.html",
        {
            "pupil": pupil,
            "account": membership,
            "can_manage_accounts": request.membership.role == Role.SCHOOL_ADMIN,
        },
    )


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def pupil_import(request: SchoolRequest) -> HttpResponse:
    form = PupilImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = services.import_pupils(
            school=request.school,
            data=upload.read(),
            filename=upload.name,
            by=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect(
            "schools:import-detail", school_slug=request.school.slug, import_pk=report.pk
        )
    history = PupilImport.objects.for_school(request.school).select_related("by")[:10]
    required = [COLUMN_LABELS[name] for name in MIS_REQUIRED]
    return render(
        request,
        "schools/pupil_import.html",
        {"form": form, "history": history, "required": required},
    )


@require_GET
@school_role_required(Role.SCHOOL_ADMIN)
def import_detail(request: SchoolRequest, import_pk: int) -> HttpResponse:
    report = get_object_or_404(
        PupilImport.objects.for_school(request.school).select_related("by"), pk=import_pk
    )
    return render(request, "schools/import_detail.html", {"report": report})
