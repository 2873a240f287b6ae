"""The drop-in room's settings: the school's rooms, and when each is open with how many
mentors on duty. The coordinator and the school admin change them; the rules (names,
at least one room open, 1 <= fewest <= most <= 8) are `visit_services`'. Each form carries
the fingerprint of the rows it showed: if someone else saved them meanwhile, nothing is
saved and the page shows them as they are now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.roles import SETUP_ROLES
from peermentoring.dropin.models import Room, RoomOpening
from peermentoring.dropin.schedule import rooms_for
from peermentoring.dropin.visit_forms import OpeningsForm, RoomsForm, seen_of
from peermentoring.dropin.visit_services import (
    OPENINGS_CHANGED,
    ROOMS_CHANGED,
    ChangedMeanwhile,
    openings_digest,
    rooms_digest,
    save_openings,
    save_rooms,
)
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import School, SchoolDayWindow


def _forms(
    school: School, data: Any = None, posted_room: int | None = None
) -> tuple[RoomsForm, list[OpeningsForm]]:
    """The rooms form and each room's times form; `data` goes to the one that was sent."""
    rooms = list(Room.objects.for_school(school))
    windows = list(SchoolDayWindow.objects.for_school(school))
    openings: dict[int, list[RoomOpening]] = {r.pk: [] for r in rooms}
    for opening in RoomOpening.objects.for_school(school):
        openings[opening.room_id].append(opening)
    rooms_form = RoomsForm(
        data if posted_room is None else None, rooms=rooms, seen=rooms_digest(rooms)
    )
    times = [
        OpeningsForm(
            data if posted_room == room.pk else None,
            room=room,
            windows=windows,
            openings=openings[room.pk],
            seen=openings_digest(windows, openings[room.pk]),
        )
        for room in rooms
    ]
    return rooms_form, times


def _changed(request: SchoolRequest, message: str, anchor: str) -> HttpResponse:
    """Someone else saved first: nothing was saved; show the page as it is now."""
    messages.error(request, message)
    url = reverse("dropin:rooms", args=[request.school.slug])
    return redirect(f"{url}#{anchor}")


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def rooms(request: SchoolRequest) -> HttpResponse:
    """Rename, add, open or close rooms; tick when each is open and how many are on duty."""
    school = request.school
    rooms_for(school)  # the default room and its times, the first time
    if request.method == "GET":
        rooms_form, times = _forms(school)
        return render(request, "dropin/rooms_edit.html", {"form": rooms_form, "times": times})
    if request.POST.get("action") == "openings":
        return _save_times(request, school)
    return _save_rooms(request, school)


def _save_times(request: SchoolRequest, school: School) -> HttpResponse:
    raw = request.POST.get("room", "")
    if not raw.isdecimal() or len(raw) > 18:
        raise Http404("No such room")
    room = get_object_or_404(Room.objects.for_school(school), pk=int(raw))
    rooms_form, times = _forms(school, request.POST, posted_room=room.pk)
    form = next(f for f in times if f.room.pk == room.pk)
    changed = OPENINGS_CHANGED.format(room=room.name)
    if form.sent_stale():  # checked again under a lock when saved
        return _changed(request, changed, f"times-{room.pk}")
    if form.is_valid():
        try:
            save_openings(room=room, openings=form.openings(), by=request.user, seen=seen_of(form))
        except ChangedMeanwhile:
            return _changed(request, changed, f"times-{room.pk}")
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Saved when {room.name} is open.")
            return redirect("dropin:rooms", school.slug)
    return render(request, "dropin/rooms_edit.html", {"form": rooms_form, "times": times})


def _save_rooms(request: SchoolRequest, school: School) -> HttpResponse:
    rooms_form, times = _forms(school, request.POST)
    # A room added meanwhile has no fields in this form: say so, not "this field is required".
    if rooms_form.sent_stale():
        return _changed(request, ROOMS_CHANGED, "rooms")
    if rooms_form.is_valid():
        new = rooms_form.new()
        try:
            save_rooms(
                school=school,
                changes=rooms_form.changes(),
                new=new,
                by=request.user,
                seen=seen_of(rooms_form),
            )
        except ChangedMeanwhile:
            return _changed(request, ROOMS_CHANGED, "rooms")
        except ValidationError as error:
            add_validation_error(rooms_form, error)
        else:
            messages.success(
                request,
                f"Rooms saved. Now tick when {new[0].name.strip()} is open."
                if new
                else "Rooms saved.",
            )
            return redirect("dropin:rooms", school.slug)
    return render(request, "dropin/rooms_edit.html", {"form": rooms_form, "times": times})
