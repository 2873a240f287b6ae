"""When mentors can be on duty in the drop-in room: the coordinator's grid of this year's
mentors (one mentor saved at a time) and a mentor's own page.

Until a mentor's times are saved they come from `availability.availability_for`: their
application's answers, else the times they are free to meet a mentee, else every time
the room is open. The page says which. Each form carries the fingerprint of the times
recorded when it was shown: if someone else saved that mentor's times meanwhile, nothing
is saved and the page shows them as they are now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from peermentoring.core.roles import Role
from peermentoring.dropin.availability import (
    availability_for,
    recorded_digests,
    set_availability,
)
from peermentoring.dropin.models import DutyAvailability, RoomOpening
from peermentoring.dropin.visit_forms import AvailabilityForm, seen_of
from peermentoring.dropin.visit_services import ChangedMeanwhile
from peermentoring.meetings import rules
from peermentoring.mentors.models import Mentor, MentorFreeWindow
from peermentoring.recruitment.models import Application
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import AcademicYear, School, SchoolDayWindow

FROM_APPLICATION = "from their application"
FROM_FREE_TIMES = "from when they are free to meet a mentee"
FROM_NOTHING = "not given: any time"
# The same, said to the mentor.
YOUR_WORDS = {
    FROM_APPLICATION: "from your application",
    FROM_FREE_TIMES: "from when you are free to meet a mentee",
    FROM_NOTHING: "every time the room is open",
}
YOUR_TIMES_CHANGED = (
    "Your times were changed while you were editing (by your coordinator, or on another "
    "page), so nothing was saved. Here they are now: check them and save again."
)


def duty_windows(school: School, every: Sequence[SchoolDayWindow]) -> list[SchoolDayWindow]:
    """The windows of the week an open room opens at (all switched-on ones if none does)."""
    opening = set(
        RoomOpening.objects.for_school(school)
        .filter(room__is_active=True)
        .values_list("window_id", flat=True)
    )
    on = [w for w in every if w.is_active]
    shown = [w for w in on if w.pk in opening]
    return shown or on


def _sources(mentors: Sequence[Mentor]) -> dict[int, str]:
    """Where each mentor's times come from, while none are saved (availability_for's order)."""
    by_pupil = {m.pupil_id: m.pk for m in mentors}
    answered = {
        by_pupil[pupil_id]
        for pupil_id, answer in Application.objects.filter(pupil__in=list(by_pupil)).values_list(
            "pupil_id", "availability"
        )
        if isinstance(answer, list) and answer
    }
    free = set(
        MentorFreeWindow.objects.filter(mentor__in=[m.pk for m in mentors]).values_list(
            "mentor_id", flat=True
        )
    )
    return {
        m.pk: FROM_APPLICATION
        if m.pk in answered
        else (FROM_FREE_TIMES if m.pk in free else FROM_NOTHING)
        for m in mentors
    }


def _year(school: School, today: dt.date) -> AcademicYear | None:
    return AcademicYear.objects.for_school(school).containing(today).first()


def _save(
    request: SchoolRequest,
    mentor: Mentor,
    shown: list[SchoolDayWindow],
    changed: str = "",
) -> bool:
    """Save one mentor's ticks; times not shown on the page (the room is not open then) stay.
    `changed` says, in the reader's words, that someone else saved them first."""
    form = AvailabilityForm(request.POST, windows=shown)
    if not form.is_valid():
        for error in form.errors.get("windows", []):
            messages.error(request, str(error))
        return False
    kept = list(
        SchoolDayWindow.objects.for_school(request.school)
        .filter(pk__in=DutyAvailability.objects.filter(mentor=mentor).values("window_id"))
        .exclude(pk__in=[w.pk for w in shown])
    )
    try:
        set_availability(
            mentor=mentor,
            windows=[*form.cleaned_data["windows"], *kept],
            by=request.user,
            seen=seen_of(form),
        )
    except ChangedMeanwhile as error:
        messages.error(request, changed or error.message)
        return False
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    return True


@require_http_methods(["GET", "POST"])
@school_role_required(Role.COORDINATOR)
def availability(request: SchoolRequest) -> HttpResponse:
    """This year's mentors (trained or in training) by the week's opening times, ticked
    where each can be on duty; each mentor's row is saved on its own."""
    school = request.school
    year = _year(school, rules.now().date())
    mentors = (
        list(
            Mentor.objects.for_school(school)
            .for_year(year)
            .serving()
            .select_related("pupil")
            .order_by("pupil__family_name", "pupil__given_name", "pk")
        )
        if year is not None
        else []
    )
    every = list(SchoolDayWindow.objects.for_school(school))
    shown = duty_windows(school, every)
    if request.method == "POST":
        raw = request.POST.get("mentor", "")
        if not raw.isdecimal() or len(raw) > 18:
            raise Http404("No such mentor")
        mentor = next((m for m in mentors if m.pk == int(raw)), None)
        if mentor is None:
            raise Http404("No such mentor")
        if _save(request, mentor, shown):
            messages.success(request, f"Saved when {mentor.pupil.full_name} can be on duty.")
        url = reverse("dropin:availability", kwargs={"school_slug": school.slug})
        return redirect(f"{url}#mentor-{mentor.pk}")
    times = availability_for(mentors, every)
    sources = _sources([m for m in mentors if not times[m.pk][1]])
    seen = recorded_digests(mentors)
    rows = [
        {
            "mentor": m,
            "ticked": times[m.pk][0],
            "source": "" if times[m.pk][1] else sources[m.pk],
            "seen": seen[m.pk],
        }
        for m in mentors
    ]
    days: dict[str, list[SchoolDayWindow]] = {}
    for window in shown:
        days.setdefault(window.get_weekday_display(), []).append(window)
    return render(
        request,
        "dropin/availability_grid.html",
        {"rows": rows, "windows": shown, "days": list(days.items()), "year": year},
    )


@require_http_methods(["GET", "POST"])
@school_role_required(Role.MENTOR)
def my_availability(request: SchoolRequest) -> HttpResponse:
    """A mentor ticks when they can be on duty in the drop-in room."""
    school = request.school
    year = _year(school, rules.now().date())
    mentor = (
        Mentor.objects.for_school(school)
        .for_year(year)
        .serving()
        .filter(pupil=request.membership.pupil_id or 0)
        .select_related("pupil")
        .first()
        if year is not None
        else None
    )
    context: dict[str, Any] = {"mentor": mentor}
    if mentor is None:
        return render(request, "dropin/availability_mine.html", context)
    every = list(SchoolDayWindow.objects.for_school(school))
    shown = duty_windows(school, every)
    if request.method == "POST":
        if _save(request, mentor, shown, changed=YOUR_TIMES_CHANGED):
            messages.success(request, "Saved when you can be on duty. Thank you!")
        return redirect("dropin:my-availability", school.slug)
    ticked, recorded = availability_for([mentor], every)[mentor.pk]
    source = "" if recorded else YOUR_WORDS[_sources([mentor])[mentor.pk]]
    days: dict[str, list[tuple[SchoolDayWindow, bool]]] = {}
    for window in shown:
        days.setdefault(window.get_weekday_display(), []).append((window, window.pk in ticked))
    return render(
        request,
        "dropin/availability_mine.html",
        context
        | {
            "days": list(days.items()),
            "source": source,
            "seen": recorded_digests([mentor])[mentor.pk],
        },
    )
