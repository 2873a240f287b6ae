"""The aims and policies pages for staff, and the evidence pack.

Staff read the policies, their versions and who has acknowledged them; the coordinator
and the school admin (SETUP_ROLES) add policies, publish new versions, record a mentor's
signed paper copy (or remove one recorded by mistake) and download the evidence pack. Rows are loaded through `for_school`,
so another school's policy, term or pupil, in the address or in the form, is a 404 or
refused.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.roles import SETUP_ROLES, STAFF_ROLES
from peermentoring.evaluation import evidence_acks
from peermentoring.evaluation import evidence_services as services
from peermentoring.evaluation.evidence_forms import (
    PackForm,
    PaperAcknowledgementForm,
    PolicyForm,
    VersionForm,
)
from peermentoring.evaluation.evidence_pack import Period, build_pack
from peermentoring.evaluation.evidence_zip import pack_bytes, zip_name
from peermentoring.evaluation.models import Policy, PolicyAcknowledgement, PolicyVersion
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import AcademicYear, School, Term

ZIP_TYPE = "application/zip"


def _policies(school: School) -> Any:
    return Policy.objects.for_school(school)


def _current(policy: Policy) -> PolicyVersion:
    return PolicyVersion.objects.get(policy=policy, is_current=True)


@require_GET
@school_role_required(*STAFF_ROLES)
def policy_list(request: SchoolRequest) -> HttpResponse:
    """The school's aims and policies: each one's current version and who has read it."""
    school = request.school
    versions = list(
        PolicyVersion.objects.for_school(school)
        .current()
        .select_related("policy")
        .order_by("policy__kind", "policy__title")
    )
    counts = evidence_acks.acknowledged_counts(school, versions)
    context = {
        "rows": [(v, counts.get(v.pk, 0)) for v in versions],
        "mentors": evidence_acks.this_years_mentors(school).count(),
        "can_manage": request.membership.role in SETUP_ROLES,
    }
    return render(request, "evaluation/evidence/policy_list.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def policy_add(request: SchoolRequest) -> HttpResponse:
    """Add the scheme's aims or a policy; its text is published as version 1."""
    school = request.school
    kind = request.GET.get("kind", "")
    initial: dict[str, Any] = {"submission_key": uuid.uuid4(), "is_for_mentors": True}
    if kind in Policy.Kind.values:
        initial["kind"] = kind
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.add_policy(
                school=school,
                fields=form.fields_for_policy(),
                submission_key=form.cleaned_data["submission_key"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{policy.title} published.")
            return redirect("evaluation:policy", school_slug=school.slug, policy_pk=policy.pk)
    status = 400 if form.errors else 200
    return render(request, "evaluation/evidence/policy_add.html", {"form": form}, status=status)


@require_GET
@school_role_required(*STAFF_ROLES)
def policy_detail(request: SchoolRequest, policy_pk: int) -> HttpResponse:
    """One policy: its current text, its versions, and this year's mentors who have read it."""
    school = request.school
    policy = get_object_or_404(_policies(school), pk=policy_pk)
    versions = list(
        PolicyVersion.objects.filter(policy=policy)
        .select_related("published_by")
        .order_by("-number")
    )
    current = next(v for v in versions if v.is_current)
    readers = evidence_acks.readers(school, current) if policy.is_for_mentors else []
    context = {
        "policy": policy,
        "current": current,
        "versions": versions,
        "readers": readers,
        "read_count": sum(1 for r in readers if r.acknowledged_at is not None),
        "can_manage": request.membership.role in SETUP_ROLES,
    }
    return render(request, "evaluation/evidence/policy_detail.html", context)


@require_GET
@school_role_required(*STAFF_ROLES)
def policy_version(request: SchoolRequest, policy_pk: int, number: int) -> HttpResponse:
    """One version of a policy as it was published, current or replaced."""
    policy = get_object_or_404(_policies(request.school), pk=policy_pk)
    version = get_object_or_404(
        PolicyVersion.objects.filter(policy=policy).select_related("published_by"), number=number
    )
    context = {"policy": policy, "version": version}
    return render(request, "evaluation/evidence/policy_version.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def policy_edit(request: SchoolRequest, policy_pk: int) -> HttpResponse:
    """Publish a new version; the current one is kept, and mentors are asked to read it again."""
    school = request.school
    policy = get_object_or_404(_policies(school).select_related("school"), pk=policy_pk)
    current = _current(policy)
    initial = {
        "text": current.text,
        "is_for_mentors": policy.is_for_mentors,
        "based_on": current.number,
        "submission_key": uuid.uuid4(),
    }
    form = VersionForm(request.POST if request.method == "POST" else None, initial=initial)
    newer = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.publish_version(
                policy=policy,
                text=data["text"],
                based_on=data["based_on"],
                is_for_mentors=data["is_for_mentors"],
                submission_key=data["submission_key"],
                by=request.user,
            )
        except services.StaleVersion as stale:
            form.add_error(None, stale)
            newer = stale.current
            posted = request.POST.copy()
            posted["based_on"] = str(newer.number)
            form.data = posted
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{policy.title}: version {version.number} is in force.")
            return redirect("evaluation:policy", school_slug=school.slug, policy_pk=policy.pk)
    context = {"form": form, "policy": policy, "current": newer or current, "newer": newer}
    status = 400 if form.errors else 200
    return render(request, "evaluation/evidence/policy_edit.html", context, status=status)


def _already(acknowledgement: PolicyAcknowledgement, name: str) -> str:
    """What a second recording of the same mentor says (a double click, or a colleague or
    the mentor got there first): how and when it was read, so nobody wonders."""
    how = "on paper" if acknowledgement.is_paper else "on their account"
    day = timezone.localdate(acknowledgement.at)
    return (
        f"{name} had already read version {acknowledgement.version.number} "
        f"({how}, {day.day} {day:%B %Y}): nothing changed."
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def policy_paper(request: SchoolRequest, policy_pk: int) -> HttpResponse:
    """Record that a mentor who has not read the version in force signed a paper copy.

    Opened from a mentor's row on the policy's page (`?pupil=` chooses them); the list
    offers this year's mentors who have not read it, and only they may be posted."""
    school = request.school
    policies = _policies(school).filter(is_for_mentors=True).select_related("school")
    policy = get_object_or_404(policies, pk=policy_pk)
    current = _current(policy)
    to_record = list(evidence_acks.not_yet_read(school, current))
    form = PaperAcknowledgementForm(
        request.POST if request.method == "POST" else None,
        initial={"version": current.number, "pupil": request.GET.get("pupil", "")},
        version=current,
        mentors=evidence_acks.mentor_pupils(school),
        to_record=to_record,
    )
    if request.method == "POST" and form.is_valid():
        pupil, signed_on = form.cleaned_data["pupil"], form.cleaned_data["signed_on"]
        try:
            services.record_paper_acknowledgement(
                version=current, pupil=pupil, signed_on=signed_on, by=request.user
            )
        except services.AlreadyAcknowledged as already:
            messages.info(request, _already(already.acknowledgement, pupil.full_name))
            return redirect("evaluation:policy", school_slug=school.slug, policy_pk=policy.pk)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            day = f"{signed_on.day} {signed_on:%B %Y}"
            messages.success(request, f"{pupil.full_name} signed a paper copy on {day}.")
            return redirect("evaluation:policy", school_slug=school.slug, policy_pk=policy.pk)
    context = {"form": form, "policy": policy, "current": current, "to_record": to_record}
    status = 400 if form.errors else 200
    return render(request, "evaluation/evidence/policy_paper.html", context, status=status)


def _paper_record(school: School, policy: Policy, ack_pk: int) -> PolicyAcknowledgement | None:
    """The school's paper record `ack_pk` of this policy; a mentor's own tick is none."""
    return (
        PolicyAcknowledgement.objects.for_school(school)
        .filter(pk=ack_pk, version__policy=policy, is_paper=True)
        .select_related("version", "pupil")
        .first()
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def policy_paper_remove(request: SchoolRequest, policy_pk: int, ack_pk: int) -> HttpResponse:
    """Ask once, then delete a paper record made by mistake (the wrong mentor or day).

    A record already removed (a double click, the back button) says so rather than 404,
    found in the school's audit log; one of a replaced version is refused, as it is the
    evidence of what was in force."""
    school = request.school
    policy = get_object_or_404(_policies(school).select_related("school"), pk=policy_pk)
    back = redirect("evaluation:policy", school_slug=school.slug, policy_pk=policy.pk)
    ack = _paper_record(school, policy, ack_pk)
    if ack is None:
        gone = services.removed_paper_pupil(policy=policy, acknowledgement_pk=ack_pk)
        if gone is None:
            raise Http404
        messages.info(request, f"The paper record for {gone.full_name} was already removed.")
        return back
    name = ack.pupil.full_name
    if not ack.version.is_current:
        messages.error(request, services.NOT_CURRENT_REMOVE.format(number=ack.version.number))
        return back
    if request.method == "POST":
        try:
            services.remove_paper_acknowledgement(acknowledgement=ack, by=request.user)
        except services.AlreadyRemoved:
            messages.info(request, f"The paper record for {name} was already removed.")
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"The paper record for {name} was removed.")
        return back
    return render(request, "core/confirm.html", _remove_question(school, policy, ack))


def _remove_question(school: School, policy: Policy, ack: PolicyAcknowledgement) -> dict[str, Any]:
    """What the confirmation page says will change."""
    name, day = ack.pupil.full_name, timezone.localdate(ack.at)
    number = ack.version.number
    return {
        "title": f"Remove the paper record for {name}?",
        "message": (
            f"It says {name} signed a paper copy of {policy.title}, version {number}, "
            f"on {day.day} {day:%B %Y}."
        ),
        "consequences": [
            f"{name} will be back among the mentors who have not read version {number}, "
            "and you can record the right paper copy again.",
            "The school's audit log keeps a line saying what was removed, by whom and when.",
        ],
        "button": "Remove the paper record",
        "hidden": {},
        "cancel_url": reverse("evaluation:policy", args=[school.slug, policy.pk]),
        "danger": True,
    }


def _default_period(school: School) -> str:
    today = timezone.localdate()
    term = Term.objects.for_school(school).containing(today).first()
    if term is not None:
        return f"term-{term.pk}"
    year = AcademicYear.objects.for_school(school).containing(today).first()
    return f"year-{year.pk}" if year is not None else "dates"


def _period(school: School, form: PackForm) -> Period:
    chosen = form.cleaned_data["period"]
    if chosen == "dates":
        return Period.for_dates(form.cleaned_data["first"], form.cleaned_data["last"])
    kind, pk = chosen.split("-", 1)
    if kind == "term":
        term = get_object_or_404(
            Term.objects.for_school(school).select_related("academic_year"), pk=int(pk)
        )
        return Period.for_term(term)
    return Period.for_year(get_object_or_404(AcademicYear.objects.for_school(school), pk=int(pk)))


# What a GET may fill in on the form. Never the names box: naming pupils is chosen on the
# page, not in a link.
_PREFILLED = ("period", "first", "last")


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def evidence_pack(request: SchoolRequest) -> HttpResponse:
    """Choose a period (and whether to name pupils); the form's POST downloads the zip.

    A GET only shows the form, filled in from its address if it carries a period, so a
    link on another site cannot build a pack or write to the audit log."""
    school = request.school
    initial: dict[str, Any] = {"period": _default_period(school), "include_names": False}
    if request.method == "POST":
        form = PackForm(request.POST, school=school, initial=initial)
    else:
        initial |= {key: request.GET[key] for key in _PREFILLED if key in request.GET}
        form = PackForm(school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        period = _period(school, form)
        include_names = form.cleaned_data["include_names"]
        pack = build_pack(school, period, include_names=include_names)
        services.record_pack_download(
            school=school,
            first=period.first,
            last=period.last,
            include_names=include_names,
            by=request.user,
        )
        response = HttpResponse(pack_bytes(pack), content_type=ZIP_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{zip_name(pack)}"'
        return response
    status = 400 if form.errors else 200
    return render(request, "evaluation/evidence/evidence_pack.html", {"form": form}, status=status)
