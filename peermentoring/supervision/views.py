"""The coordinator's supervision pages: groups, this week's session, a session's form (a card
per mentor), handing a session to a colleague, and the open actions. A colleague covering
a session may open and save that session."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import STAFF_ROLES, Role
from peermentoring.matching.models import Pairing
from peermentoring.meetings import rules
from peermentoring.meetings.counting import quiet_pairings
from peermentoring.mentors.models import Mentor
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import SchoolDayWindow
from peermentoring.supervision import services
from peermentoring.supervision.duties import duties_since_last_session
from peermentoring.supervision.forms import CoverForm, GroupForm, MentorCard, SessionForm
from peermentoring.supervision.models import Action, Session, SupervisionGroup


@require_GET
@school_role_required(Role.COORDINATOR)
def group_list(request: SchoolRequest) -> HttpResponse:
    groups = (
        SupervisionGroup.objects.for_school(request.school)
        .select_related("coordinator", "window")
        .prefetch_related("members__pupil")
    )
    return render(request, "supervision/group_list.html", {"groups": groups})


def _group_form(request: SchoolRequest, group: SupervisionGroup | None) -> GroupForm:
    school = request.school
    today = rules.now().date()
    initial: dict[str, Any] = {"coordinator": request.user.pk}
    if group is not None:
        initial = {
            "name": group.name,
            "coordinator": group.coordinator_id,
            "window": group.window_id,
            "members": list(group.members.values_list("pk", flat=True)),
        }
    return GroupForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        staff=services.staff_users(school),
        windows=SchoolDayWindow.objects.for_school(school).active(),
        # This year's mentors only: last year's records of the same pupils stay as history.
        mentors=Mentor.objects.for_school(school)
        .serving()
        .filter(academic_year__starts_on__lte=today, academic_year__ends_on__gte=today)
        .select_related("pupil"),
    )


@require_http_methods(["GET", "POST"])
@school_role_required(Role.COORDINATOR)
def group_edit(request: SchoolRequest, group_pk: int | None = None) -> HttpResponse:
    """Make a group or change one: its name, coordinator, usual day and time, its mentors."""
    group = None
    if group_pk is not None:
        group = get_object_or_404(SupervisionGroup.objects.for_school(request.school), pk=group_pk)
    form = _group_form(request, group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("name", "coordinator", "window", "members")}
        try:
            if group is None:
                group = services.create_group(school=request.school, by=request.user, **fields)
            else:
                group = services.change_group(group=group, by=request.user, **fields)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{group.name} saved.")
            return redirect("supervision:group-list", school_slug=request.school.slug)
    return render(request, "supervision/group_form.html", {"form": form, "group": group})


def _session_page(
    request: SchoolRequest, session: Session, form: SessionForm | None = None
) -> HttpResponse:
    """The session's page: a card per mentor with its flags, the carried-over actions."""
    school = request.school
    rows = list(
        session.mentor_rows.select_related("mentor__pupil__membership").order_by(
            "mentor__pupil__family_name", "mentor__pupil__given_name"
        )
    )
    open_actions = services.carried_over(session)
    if form is None:
        form = SessionForm(
            rows=rows,
            open_actions=open_actions,
            owners=services.owners_for(session),
            initial={"version": session.version, "submission_key": uuid.uuid4()},
        )
    mentor_ids = [r.mentor_id for r in rows]
    quiet: dict[int, list[Pairing]] = {}
    for pairing in (
        quiet_pairings(school, rules.now().date())
        .filter(mentor__in=mentor_ids)
        .select_related("mentee")
    ):
        quiet.setdefault(pairing.mentor_id, []).append(pairing)
    mentees: dict[int, list[Any]] = {}
    for pairing in (
        Pairing.objects.for_school(school)
        .active()
        .filter(mentor__in=mentor_ids)
        .select_related("mentee")
    ):
        mentees.setdefault(pairing.mentor_id, []).append(pairing.mentee)
    absent = services.absent_twice_running(session)
    duties = duties_since_last_session(session, mentor_ids)
    cards = []
    for row in rows:
        main, action = form.card_fields(row)
        cards.append(
            MentorCard(
                row=row,
                fields=main,
                action_fields=action,
                quiet=quiet.get(row.mentor_id, []),
                absent_twice=row.mentor_id in absent,
                pupils=[*mentees.get(row.mentor_id, []), row.mentor.pupil],
                duties=duties.get(row.mentor_id, []),
            )
        )
    earlier = Session.objects.filter(group=session.group_id).exclude(pk=session.pk)[:10]
    return render(
        request,
        "supervision/session_form.html",
        {
            "session": session,
            "group": session.group,
            "form": form,
            "cards": cards,
            "open_actions": open_actions,
            "earlier": earlier,
        },
    )


@require_GET
@school_role_required(Role.COORDINATOR)
@pupil_text
def group_week(request: SchoolRequest, group_pk: int) -> HttpResponse:
    """This school week's session of the group, made when first opened."""
    group = get_object_or_404(
        SupervisionGroup.objects.for_school(request.school).select_related("window"),
        pk=group_pk,
    )
    session = services.open_session(group=group, by=request.user)
    return _session_page(request, session)


def _session_for(request: SchoolRequest, session_pk: int) -> Session:
    session = get_object_or_404(
        Session.objects.for_school(request.school).select_related("group", "led_by", "saved_by"),
        pk=session_pk,
    )
    if not services.may_edit(session, request.user, request.membership.role):
        raise PermissionDenied("Only the coordinator, or a colleague covering, runs this session.")
    return session


@require_http_methods(["GET", "POST"])
@school_role_required(*STAFF_ROLES)
@pupil_text
def session_detail(request: SchoolRequest, session_pk: int) -> HttpResponse:
    """Save the session: the second of two people saving at once is told, and keeps their text."""
    session = _session_for(request, session_pk)
    if request.method == "GET":
        return _session_page(request, session)
    rows = list(session.mentor_rows.select_related("mentor__pupil"))
    form = SessionForm(
        request.POST,
        rows=rows,
        open_actions=services.carried_over(session),
        owners=services.owners_for(session),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_session(
                session=session,
                version=data["version"],
                reports=form.reports(),
                new_actions=form.new_actions(),
                close_actions=list(data["close_actions"]),
                finish="finish" in request.POST,
                submission_key=data["submission_key"],
                by=request.user,
            )
        except services.StaleSession as stale:
            # Their text stays; the next save is made against what is there now.
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form.data = data
            add_validation_error(form, stale)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            done = "finished" if saved.is_finished else "saved"
            messages.success(request, f"Supervision for {session.group} {done}.")
            return redirect(
                "supervision:session-detail",
                school_slug=request.school.slug,
                session_pk=session.pk,
            )
    return _session_page(request, session, form)


@require_http_methods(["GET", "POST"])
@school_role_required(*STAFF_ROLES)
def session_cover(request: SchoolRequest, session_pk: int) -> HttpResponse:
    """Hand the session to a colleague, who then leads it."""
    session = _session_for(request, session_pk)
    staff = services.staff_users(request.school)
    form = CoverForm(request.POST or None, staff=staff, initial={"colleague": session.led_by_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.hand_to_colleague(
                session=session, colleague=form.cleaned_data["colleague"], by=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            colleague = form.cleaned_data["colleague"]
            messages.success(request, f"{colleague.get_full_name()} now leads this session.")
            return redirect("supervision:group-list", school_slug=request.school.slug)
    return render(request, "supervision/session_cover.html", {"form": form, "session": session})


@require_GET
@school_role_required(Role.COORDINATOR)
def action_list(request: SchoolRequest) -> HttpResponse:
    """Every open action of the school's groups, the overdue first."""
    today = rules.now().date()
    actions = (
        Action.objects.for_school(request.school)
        .still_open()
        .select_related("owner", "mentor__pupil", "group", "session")
    )
    return render(request, "supervision/action_list.html", {"actions": actions, "today": today})


@require_POST
@school_role_required(Role.COORDINATOR)
def action_close(request: SchoolRequest, action_pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.for_school(request.school), pk=action_pk)
    services.close_action(action=action, by=request.user)
    messages.success(request, f"Action closed: {action.text}")
    return redirect("supervision:action-list", school_slug=request.school.slug)
