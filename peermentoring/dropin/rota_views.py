"""The rota's pages: the coordinator's list and build form, the grid of a rota, one opening's
duties (with who else is free), the changes by hand, publishing; and the mentor's own duties.

The coordinator and the school admin run the rota (as they run matching); a mentor sees only
their own published duties. Every row is loaded through `for_school`: another school's rota,
duty, mentor or opening, in the address or in a form, is a 404. Every change names the rota's
version its page was read at, so the second of two people changing it at once is told.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peermentoring.core.forms import add_validation_error
from peermentoring.core.roles import SETUP_ROLES, Role
from peermentoring.dropin import rota_services as services
from peermentoring.dropin.models import Duty, Rota
from peermentoring.dropin.rota_forms import RotaPeriodForm
from peermentoring.dropin.rota_plan import (
    dated_opening,
    day_words,
    duty_key,
    mentor_pool,
    opening_words,
    today,
)
from peermentoring.dropin.schedule import (
    DatedOpening,
    openings_between,
    periods_around,
    teaching_days,
)
from peermentoring.mentors.models import Mentor
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import SchoolDayWindow

KIND_ORDER = {kind: n for n, kind in enumerate(SchoolDayWindow.Kind.values)}


def _posted_id(request: SchoolRequest, name: str) -> int | None:
    """A row's id from the form: None when left empty; anything that is no id is a 404."""
    raw = request.POST.get(name, "")
    if raw == "":
        return None
    if not raw.isdecimal() or len(raw) > 18 or int(raw) < 1:
        raise Http404("No such row")
    return int(raw)


def _version(request: SchoolRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def _rota(request: SchoolRequest, rota_pk: int) -> Rota:
    return get_object_or_404(
        Rota.objects.for_school(request.school).select_related("school"), pk=rota_pk
    )


def _duty(request: SchoolRequest, duty_pk: int) -> Duty:
    return get_object_or_404(
        Duty.objects.for_school(request.school).select_related(
            "rota__school", "room", "window", "mentor__pupil"
        ),
        pk=duty_pk,
    )


def _opening_url(request: SchoolRequest, rota: Rota, key: str) -> str:
    return reverse(
        "dropin:rota-opening",
        kwargs={"school_slug": request.school.slug, "rota_pk": rota.pk, "key": key},
    )


def _refused(request: SchoolRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- The list and the build form -------------------------------------------------------


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def rota_list(request: SchoolRequest) -> HttpResponse:
    """The school's rotas, and the form that builds one for a half-term, a term or dates."""
    school = request.school
    form = RotaPeriodForm(
        request.POST if request.method == "POST" else None,
        periods=periods_around(school, today()),
    )
    if request.method == "POST" and form.is_valid():
        first, last = form.dates()
        try:
            rota = services.build_rota(school=school, first=first, last=last, by=request.user)
        except services.StaleRota as stale:
            _refused(request, stale)
            return redirect("dropin:rota", school.slug, stale.current.pk)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _built_words(rota))
            return redirect("dropin:rota", school.slug, rota.pk)
    rotas = (
        Rota.objects.for_school(school)
        .annotate(duty_count=Count("duties", filter=~Q(duties__attendance=Duty.Attendance.ABSENT)))
        .order_by("-starts_on")
    )
    return render(request, "dropin/rota_list.html", {"form": form, "rotas": rotas})


def _built_words(rota: Rota) -> str:
    short = len(rota.unstaffable)
    if not short:
        return "Rota built: every opening has enough mentors on duty."
    return (
        f"Rota built. {short} opening{'s' if short != 1 else ''} cannot have enough mentors "
        "on duty: see why at the top."
    )


# --- The grid --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One name in a cell of the grid, as the grid shows it."""

    name: str
    is_locked: bool
    is_absent: bool
    note: str  # "done", "missed", or nothing

    @classmethod
    def of(cls, duty: Duty) -> Entry:
        recorded = (Duty.Attendance.DONE, Duty.Attendance.MISSED)
        return cls(
            name=duty.mentor.pupil.full_name,
            is_locked=duty.is_locked,
            is_absent=duty.attendance == Duty.Attendance.ABSENT,
            note=duty.get_attendance_display().lower() if duty.attendance in recorded else "",
        )


@dataclass
class Cell:
    opening: DatedOpening | None
    duties: list[Duty] = field(default_factory=list)
    reason: str = ""

    @property
    def entries(self) -> list[Entry]:
        return [Entry.of(d) for d in self.duties]

    @property
    def on_duty(self) -> int:
        return sum(1 for d in self.duties if d.attendance != Duty.Attendance.ABSENT)

    @property
    def short(self) -> int:
        if self.opening is None:
            return 0
        return max(0, self.opening.opening.min_on_duty - self.on_duty)


@dataclass
class Row:
    day: dt.date
    cells: list[Cell]


def _grid(rota: Rota) -> dict[str, Any]:
    """The rota as rows of school days and columns of the room's windows, each cell its
    duties; the openings still short of mentors, with the solver's reasons."""
    school = rota.school
    dated = openings_between(school, rota.starts_on, rota.ends_on)
    rooms = {d.room.pk: d.room for d in dated}
    columns = sorted(
        {(d.room.pk, d.window.kind) for d in dated},
        key=lambda c: (rooms[c[0]].order, rooms[c[0]].name, KIND_ORDER.get(c[1], 9)),
    )
    labels = [
        SchoolDayWindow.Kind(kind).label + (f", {rooms[room]}" if len(rooms) > 1 else "")
        for room, kind in columns
    ]
    by_key: dict[str, list[Duty]] = {}
    for duty in rota.duties.select_related("mentor__pupil").order_by(
        "held_on", "mentor__pupil__given_name", "mentor__pupil__family_name"
    ):
        by_key.setdefault(duty_key(duty), []).append(duty)
    cells: dict[dt.date, dict[tuple[int, str], Cell]] = {}
    for d in dated:
        cell = Cell(opening=d, duties=by_key.get(d.key, []), reason=rota.unstaffable.get(d.key, ""))
        cells.setdefault(d.day, {})[(d.room.pk, d.window.kind)] = cell
    now = today()
    rows = [Row(day=day, cells=[cells[day].get(c, Cell(None)) for c in columns]) for day in cells]
    # Days gone by with nobody on duty (a rota built part-way through) say nothing.
    shown = [row for row in rows if row.day >= now or any(c.duties for c in row.cells)]
    short = [c for row in rows if row.day >= now for c in row.cells if c.short]
    loads = Counter(
        d.mentor.pupil.full_name
        for duties in by_key.values()
        for d in duties
        if d.attendance != Duty.Attendance.ABSENT
    )
    return {
        "labels": labels,
        "rows": shown,
        "hidden": len(rows) - len(shown),
        "first_day": dated[0].day if dated else rota.starts_on,
        "last_day": dated[-1].day if dated else rota.ends_on,
        "short": short,
        "loads": sorted(loads.items(), key=lambda item: (-item[1], item[0])),
        "today": now,
    }


@require_GET
@school_role_required(*SETUP_ROLES)
def rota_detail(request: SchoolRequest, rota_pk: int) -> HttpResponse:
    """The grid of dates and openings with who is on duty, what is short and why."""
    rota = get_object_or_404(
        Rota.objects.for_school(request.school).select_related(
            "school", "built_by", "published_by"
        ),
        pk=rota_pk,
    )
    return render(request, "dropin/rota_detail.html", {"rota": rota, **_grid(rota)})


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def rota_build(request: SchoolRequest, rota_pk: int) -> HttpResponse:
    """Build the rota again around its locked duties (from today on). A published rota is
    the mentors' own: building it again is asked first, since each mentor moved is told."""
    rota = _rota(request, rota_pk)
    if request.method == "POST" and (not rota.is_published or request.POST.get("confirmed")):
        try:
            rota = services.build_rota(
                school=request.school,
                first=rota.starts_on,
                last=rota.ends_on,
                by=request.user,
                version=_version(request),
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _built_words(rota))
        return redirect("dropin:rota", request.school.slug, rota.pk)
    since = max(rota.starts_on, today())
    days = teaching_days(request.school, since, rota.ends_on)
    since = days[0] if days else since  # from the next school day, not a Sunday
    consequences = [
        "Locked duties, duties already done or missed, and absences stay as they are.",
        "Duties of days gone by, and of today's break or lunch once it has begun, stay too.",
    ]
    if rota.is_published:
        consequences.append(
            "The rota is published: every mentor whose duties move gets a message saying "
            "which. Mentors who keep the same duties are not told."
        )
    return render(
        request,
        "core/confirm.html",
        {
            "title": "Build the rota again?",
            "message": f"The duties from {day_words(since)} to {day_words(rota.ends_on)} "
            "that are not locked are worked out again. This can take up to half a minute.",
            "consequences": consequences,
            "button": "Build again",
            "hidden": {"version": rota.version, "confirmed": "1"},
            "cancel_url": reverse("dropin:rota", args=[request.school.slug, rota.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def rota_publish(request: SchoolRequest, rota_pk: int) -> HttpResponse:
    """Publish the rota, once asked: each mentor on it is told."""
    rota = _rota(request, rota_pk)
    if request.method == "POST":
        try:
            services.publish_rota(rota=rota, by=request.user, version=_version(request))
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, "Rota published: every mentor on it has been told.")
        return redirect("dropin:rota", request.school.slug, rota.pk)
    mentors = rota.duties.exclude(attendance=Duty.Attendance.ABSENT).values("mentor").distinct()
    return render(
        request,
        "core/confirm.html",
        {
            "title": "Publish the rota?",
            "message": f"The rota from {day_words(rota.starts_on)} to {day_words(rota.ends_on)} "
            "will show on the mentors' home pages.",
            "consequences": [
                f"{mentors.count()} mentors on it will each get a message with their duties.",
                "Any change after this tells the mentors it moves.",
            ],
            "button": "Publish",
            "hidden": {"version": rota.version},
            "cancel_url": reverse("dropin:rota", args=[request.school.slug, rota.pk]),
        },
    )


# --- One opening --------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyRow:
    """One duty of an opening and what may be done with it."""

    duty: Duty
    is_experienced: bool
    is_absent: bool
    is_recorded: bool  # done or missed
    can_swap: bool


def _opening_in(request: SchoolRequest, rota: Rota, key: str) -> DatedOpening:
    opening = dated_opening(request.school, key)
    if opening is None or not rota.starts_on <= opening.day <= rota.ends_on:
        raise Http404("No such opening")
    return opening


@require_GET
@school_role_required(*SETUP_ROLES)
def rota_opening(request: SchoolRequest, rota_pk: int, key: str) -> HttpResponse:
    """One opening: who is on duty, each duty's changes, who else is free, put someone on."""
    rota = _rota(request, rota_pk)
    opening = _opening_in(request, rota, key)
    duties = list(
        rota.duties.filter(room=opening.room, window=opening.window, held_on=opening.day)
        .select_related("mentor__pupil")
        .order_by("mentor__pupil__given_name")
    )
    # Duties to swap with: still to do, from the week before to two weeks after.
    others = list(
        rota.duties.filter(
            held_on__gte=max(today(), opening.day - dt.timedelta(days=7)),
            held_on__lte=opening.day + dt.timedelta(days=14),
            attendance=Duty.Attendance.EXPECTED,
        )
        .exclude(room=opening.room, window=opening.window, held_on=opening.day)
        .select_related("mentor__pupil", "window")
        .order_by("held_on", "window__start_time", "mentor__pupil__given_name")
    )
    pool = mentor_pool(request.school, opening.day, opening.day)
    now = today()
    rows = [
        DutyRow(
            duty=duty,
            is_experienced=duty.mentor_id in pool and pool[duty.mentor_id].experienced,
            is_absent=duty.attendance == Duty.Attendance.ABSENT,
            is_recorded=duty.attendance in (Duty.Attendance.DONE, Duty.Attendance.MISSED),
            can_swap=duty.attendance == Duty.Attendance.EXPECTED and duty.held_on >= now,
        )
        for duty in duties
    ]
    on_duty = sum(1 for d in duties if d.attendance != Duty.Attendance.ABSENT)
    context = {
        "rota": rota,
        "opening": opening,
        "words": opening_words(opening.day, opening.window, opening.room),
        "rows": rows,
        "on_duty": on_duty,
        "short": max(0, opening.opening.min_on_duty - on_duty),
        "free": services.who_else_is_free(rota=rota, opening=opening),
        "pool": list(pool.values()),
        "others": others,
        "reason": rota.unstaffable.get(opening.key, ""),
        "has_happened": opening.day <= now,
        "attendance": Duty.Attendance,
    }
    return render(request, "dropin/rota_opening.html", context)


@require_POST
@school_role_required(*SETUP_ROLES)
def rota_place(request: SchoolRequest, rota_pk: int) -> HttpResponse:
    """Put a mentor on duty at an opening by hand."""
    rota = _rota(request, rota_pk)
    opening = _opening_in(request, rota, request.POST.get("opening", ""))
    mentor_pk = _posted_id(request, "mentor")
    if mentor_pk is None:
        messages.error(request, "Choose a mentor to put on duty.")
        return redirect(_opening_url(request, rota, opening.key))
    mentor = get_object_or_404(
        Mentor.objects.for_school(request.school).select_related("pupil"), pk=mentor_pk
    )
    try:
        _, warnings = services.place_duty(
            rota=rota, opening=opening, mentor=mentor, by=request.user, version=_version(request)
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{mentor} is on duty then.")
        for warning in warnings:
            messages.warning(request, warning)
    return redirect(_opening_url(request, rota, opening.key))


# --- One duty -----------------------------------------------------------------------------


def _back(request: SchoolRequest, duty: Duty) -> HttpResponse:
    return redirect(_opening_url(request, duty.rota, duty_key(duty)))


@require_POST
@school_role_required(*SETUP_ROLES)
def duty_lock(request: SchoolRequest, duty_pk: int) -> HttpResponse:
    """Lock a duty (building again keeps it), or unlock it."""
    duty = _duty(request, duty_pk)
    locked = request.POST.get("locked") == "1"
    try:
        services.lock_duty(duty=duty, locked=locked, by=request.user, version=_version(request))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            f"{duty.mentor}'s duty is locked: building again keeps it."
            if locked
            else f"{duty.mentor}'s duty is unlocked: building again may move it.",
        )
    return _back(request, duty)


@require_POST
@school_role_required(*SETUP_ROLES)
def duty_absent(request: SchoolRequest, duty_pk: int) -> HttpResponse:
    """Mark the mentor absent for this duty; the page then shows who else is free."""
    duty = _duty(request, duty_pk)
    try:
        services.mark_absence(duty=duty, by=request.user, version=_version(request))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{duty.mentor} is marked absent. Who else is free is below.")
    return _back(request, duty)


@require_POST
@school_role_required(*SETUP_ROLES)
def duty_attendance(request: SchoolRequest, duty_pk: int) -> HttpResponse:
    """Record the duty done or missed (or back to not recorded)."""
    duty = _duty(request, duty_pk)
    attendance = request.POST.get("attendance", "")[:20]
    try:
        duty = services.set_attendance(
            duty=duty, attendance=attendance, by=request.user, version=_version(request)
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        state = "not recorded" if attendance == Duty.Attendance.EXPECTED else attendance
        messages.success(request, f"{duty.mentor}'s duty: {state}.")
    return _back(request, duty)


@require_POST
@school_role_required(*SETUP_ROLES)
def duty_swap(request: SchoolRequest, duty_pk: int) -> HttpResponse:
    """Swap this duty with another of the rota's (both mentors' duties are locked)."""
    duty = _duty(request, duty_pk)
    other_pk = _posted_id(request, "other")
    if other_pk is None:
        messages.error(request, "Choose the duty to swap with.")
        return _back(request, duty)
    other = get_object_or_404(
        Duty.objects.for_school(request.school).filter(rota=duty.rota_id).select_related("rota"),
        pk=other_pk,
    )
    try:
        warnings = services.swap_duties(
            first=duty, second=other, by=request.user, version=_version(request)
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "Duties swapped.")
        for warning in warnings:
            messages.warning(request, warning)
    return _back(request, duty)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def duty_remove(request: SchoolRequest, duty_pk: int) -> HttpResponse:
    """Take a duty off the rota, once asked."""
    duty = _duty(request, duty_pk)
    if request.method == "POST":
        try:
            services.remove_duty(duty=duty, by=request.user, version=_version(request))
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, f"{duty.mentor} is no longer on duty then.")
        return _back(request, duty)
    consequences = ["Building the rota again may put someone else there."]
    if duty.rota.is_published:
        consequences.append(f"{duty.mentor.pupil.first_name} will get a message saying so.")
    return render(
        request,
        "core/confirm.html",
        {
            "title": "Take this duty off the rota?",
            "message": f"{duty.mentor} will no longer be on duty on "
            f"{opening_words(duty.held_on, duty.window, duty.room)}.",
            "consequences": consequences,
            "button": "Take it off",
            "danger": True,
            "hidden": {"version": duty.rota.version},
            "cancel_url": _opening_url(request, duty.rota, duty_key(duty)),
        },
    )


# --- The mentor's own duties ------------------------------------------------------------


@require_GET
@school_role_required(Role.MENTOR)
def my_duties(request: SchoolRequest) -> HttpResponse:
    """The mentor's duties on the published rota, this week and next."""
    school = request.school
    now = today()
    monday = now - dt.timedelta(days=now.weekday())
    end = monday + dt.timedelta(days=13)
    theirs = (
        Duty.objects.for_school(school)
        .published()
        .filter(mentor__pupil=request.membership.pupil_id or 0)
    )
    duties = list(
        theirs.filter(held_on__gte=monday, held_on__lte=end)
        .select_related("room", "window")
        .order_by("held_on", "window__start_time")
    )
    weeks = [
        ("This week", [d for d in duties if d.held_on < monday + dt.timedelta(days=7)]),
        ("Next week", [d for d in duties if d.held_on >= monday + dt.timedelta(days=7)]),
    ]
    later = theirs.filter(held_on__gt=end).exclude(attendance=Duty.Attendance.ABSENT).count()
    calendar_url = reverse("dropin:my-calendar", kwargs={"school_slug": school.slug})
    return render(
        request,
        "dropin/rota_my_duties.html",
        {
            "weeks": weeks,
            "later": later,
            "today": now,
            "calendar_url": calendar_url,
            "times_url": reverse("dropin:my-availability", kwargs={"school_slug": school.slug}),
            "expected": Duty.Attendance.EXPECTED,
        },
    )
