"""A mentor's policies: the ones the school asks them to read, each to read on a phone and
tick "I have read and understood this". A new version asks again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import MAX_ID, add_validation_error
from peermentoring.core.roles import Role
from peermentoring.evaluation import evidence_services as services
from peermentoring.evaluation.evidence_forms import AcknowledgeForm
from peermentoring.evaluation.models import PolicyAcknowledgement, PolicyVersion
from peermentoring.schools.access import SchoolRequest, school_role_required

NEWER_VERSION = "A newer version has been published since you opened the page: please read it."


def _for_mentors(request: SchoolRequest) -> Any:
    read = PolicyAcknowledgement.objects.filter(
        version=OuterRef("pk"), pupil=request.membership.pupil_id
    )
    return (
        PolicyVersion.objects.for_school(request.school)
        .current()
        .filter(policy__is_for_mentors=True)
        .select_related("policy")
        .annotate(is_read=Exists(read))
    )


@require_GET
@school_role_required(Role.MENTOR)
def my_policies(request: SchoolRequest) -> HttpResponse:
    """The policies the mentor is asked to read: those still to read first."""
    versions = sorted(
        _for_mentors(request).order_by("policy__kind", "policy__title"),
        key=lambda v: v.is_read,
    )
    return render(request, "evaluation/evidence/my_policies.html", {"versions": versions})


@require_http_methods(["GET", "POST"])
@school_role_required(Role.MENTOR)
def policy_read(request: SchoolRequest, policy_pk: int) -> HttpResponse:
    """Read the current version of one policy and tick "I have read and understood this"."""
    if policy_pk > MAX_ID:
        # A foreign key lookup is not bounded by Django: SQLite would overflow.
        raise Http404("No such policy")
    version: PolicyVersion = get_object_or_404(_for_mentors(request), policy_id=policy_pk)
    acknowledgement = PolicyAcknowledgement.objects.filter(
        version=version, pupil=request.membership.pupil_id
    ).first()
    form = AcknowledgeForm(
        request.POST if request.method == "POST" else None, initial={"version": version.number}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["version"] != version.number:
            form.add_error(None, NEWER_VERSION)
        else:
            try:
                services.acknowledge(version=version, membership=request.membership)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, f"Thank you: you have read {version.policy.title}.")
                return redirect("evaluation:my-policies", school_slug=request.school.slug)
    context = {"version": version, "policy": version.policy, "form": form, "done": acknowledgement}
    return render(
        request,
        "evaluation/evidence/policy_read.html",
        context,
        status=400 if form.errors else 200,
    )
