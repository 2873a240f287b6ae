"""The mentor's pages: My mentee (when they meet, the last meetings, a nudge) and logging
a meeting in a few taps on a phone. A mentor reaches only their own pairings: another
pairing's id, in the URL or the form, is a 404."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.page_cache import render_cached
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import Role
from peermentoring.matching.models import Pairing
from peermentoring.meetings import rules, services
from peermentoring.meetings.counting import quiet_pairings
from peermentoring.meetings.forms import MeetingForm, UsualWindowsForm
from peermentoring.meetings.models import Meeting
from peermentoring.meetings.windows import usual_windows
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import School, SchoolDayWindow, Term

RECENT = 5
# The summer holiday is about seven weeks: a mentor in August is offered July's last day.
SEARCH_BACK_DAYS = 70
# Stands for the submission key in a cached page; each response gets its own.
KEY_PLACEHOLDER = "00000000-0000-4000-8000-5ub315510000"


def own_pairings(request: SchoolRequest) -> list[Pairing]:
    """The mentor's active pairings, oldest first."""
    return list(
        Pairing.objects.for_school(request.school)
        .active()
        .filter(mentor__pupil=request.membership.pupil_id or 0)
        .select_related("mentee", "mentor__pupil")
        .order_by("started_on", "pk")
    )


def _pick(pairings: list[Pairing], raw: str | None) -> Pairing | None:
    """The pairing named in the request, among the mentor's own; one alone needs no name."""
    if not raw:
        return pairings[0] if len(pairings) == 1 else None
    if not raw.isdecimal() or len(raw) > 18:
        raise Http404("No such pairing")
    for pairing in pairings:
        if pairing.pk == int(raw):
            return pairing
    raise Http404("No such pairing")


def last_school_day(school: School, moment: dt.datetime, windows: list[SchoolDayWindow]) -> dt.date:
    """Today once its first window has begun, else the school day before (a weekend, a
    holiday or first thing in the morning logs yesterday's meeting): back across the
    summer holiday at most, the school's terms read in one query."""
    today = moment.date()
    earliest = today - dt.timedelta(days=SEARCH_BACK_DAYS)
    terms = list(
        Term.objects.for_school(school).filter(starts_on__lte=today, ends_on__gte=earliest)
    )
    day = today
    while day >= earliest:
        if any(term.is_teaching_day(day) for term in terms):
            started = [
                w
                for w in windows
                if w.is_active
                and w.weekday == day.weekday()
                and (day < today or w.start_time <= moment.time())
            ]
            if started:
                return day
        day -= dt.timedelta(days=1)
    return today


def _likely_window(
    day: dt.date, moment: dt.datetime, windows: list[SchoolDayWindow], usual: list[SchoolDayWindow]
) -> SchoolDayWindow | None:
    """The window to tick first: today, the one under way or just gone; another day, the
    pair's one usual window that weekday."""
    that_day = [w for w in windows if w.is_active and w.weekday == day.weekday()]
    if day == moment.date():
        begun = [w for w in that_day if w.start_time <= moment.time()]
        return begun[-1] if begun else None
    usual_that_day = [w for w in usual if w.weekday == day.weekday()]
    # Only a single usual window that day is a safe guess: with several, the mentor chooses.
    return usual_that_day[0] if len(usual_that_day) == 1 else None


@require_GET
@school_role_required(Role.MENTOR)
@pupil_text
def my_mentee(request: SchoolRequest) -> HttpResponse:
    """Each mentee: first name and form, when they usually meet, the last meetings."""
    school = request.school
    pairings = own_pairings(request)
    every = list(SchoolDayWindow.objects.for_school(school))
    on = [w for w in every if w.is_active]
    usual = usual_windows(pairings, every)
    ids = [p.pk for p in pairings]
    today = rules.now().date()
    quiet = set(quiet_pairings(school, today).filter(pk__in=ids).values_list("pk", flat=True))
    last_met = dict(
        Meeting.objects.filter(pairing__in=ids, status=Meeting.Status.HAPPENED)
        .values("pairing_id")
        .annotate(last=Max("held_on"))
        .values_list("pairing_id", "last")
    )
    recent: dict[int, list[Meeting]] = {pk: [] for pk in ids}
    for meeting in (
        Meeting.objects.filter(pairing__in=ids)
        .select_related("window")
        .order_by("-held_on", "-window__start_time", "-pk")[: RECENT * max(len(ids), 1) * 3]
    ):
        if len(recent[meeting.pairing_id]) < RECENT:
            recent[meeting.pairing_id].append(meeting)
    mentees = [
        {
            "pairing": p,
            "first_name": p.mentee.first_name,
            "form_group": p.mentee.form_group,
            "usual": usual[p.pk][0],
            "usual_chosen": usual[p.pk][1],
            # Free at every window: "any time" says it better than fifteen names.
            "any_time": not usual[p.pk][1] and len(usual[p.pk][0]) == len(on),
            "last_met": last_met.get(p.pk),
            "quiet": p.pk in quiet,
            "recent": recent[p.pk],
        }
        for p in pairings
    ]
    return render(
        request,
        "meetings/my_mentee.html",
        {"mentees": mentees, "user_id": request.user.pk, "today": today},
    )


def _log_context(request: SchoolRequest, data: Any) -> dict[str, Any]:
    """The log page's pairings, the pairing asked for (a 404 for another's) and its form."""
    school = request.school
    pairings = own_pairings(request)
    if not pairings:
        return {"pairings": [], "form": None, "pairing": None}
    raw = request.POST.get("pairing") if request.method == "POST" else request.GET.get("pairing")
    pairing = _pick(pairings, raw)
    windows = list(SchoolDayWindow.objects.for_school(school))
    topics = services.topics_for(school)
    moment = rules.now()
    default_day = last_school_day(school, moment, windows)
    day = _asked_day(request.GET.get("held_on")) or default_day
    usual = usual_windows([pairing], windows)[pairing.pk][0] if pairing else []
    likely = _likely_window(day, moment, windows, usual)
    form = MeetingForm(
        data,
        windows=windows,
        topics=topics,
        on=day,
        today=moment.date(),
        initial={
            "held_on": day,
            "window": likely.pk if likely else None,
            "submission_key": KEY_PLACEHOLDER,
        },
    )
    return {"form": form, "pairing": pairing, "pairings": pairings}


@require_http_methods(["GET", "POST"])
@school_role_required(Role.MENTOR)
@pupil_text
def log_meeting(request: SchoolRequest) -> HttpResponse:
    """Log a meeting with a mentee: today's window ticked already, a few taps, Save.

    The page is served from the page cache (core/page_cache.py) until the school changes
    or a minute has passed (the window under way is ticked, so it may lag by a minute);
    each response gets a fresh submission key in place of the placeholder.
    """
    school = request.school
    htmx = request.headers.get("HX-Request") == "true"
    if request.method == "GET" and not htmx:
        response = render_cached(
            request,
            "meetings/log.html",
            lambda: _log_context(request, None),
            name="meetings:log",
            role=request.membership.role,
            schools=[school.pk],
        )
        response.content = response.content.replace(
            KEY_PLACEHOLDER.encode(), str(uuid.uuid4()).encode()
        )
        return response
    context = _log_context(request, request.POST if request.method == "POST" else None)
    form, pairing = context["form"], context["pairing"]
    if form is None:
        return render(request, "meetings/log.html", context)
    if htmx:
        # The date changed: offer that day's windows.
        return render(request, "meetings/log.html#windows", {"form": form})
    if request.method == "POST" and pairing is None:
        form.add_error(None, "Choose which mentee you met.")
    elif request.method == "POST" and form.is_valid():
        assert pairing is not None
        data = form.cleaned_data
        try:
            meeting = services.log_meeting(
                pairing=pairing,
                held_on=data["held_on"],
                window=data["window"],
                by=request.user,
                status=data["status"],
                minutes=data["minutes"],
                topics=list(data["topics"]),
                mood=data["mood"],
                note=data["note"],
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            what = "Meeting" if meeting.happened else "Missed meeting"
            messages.success(
                request,
                f"{what} with {pairing.mentee.first_name} saved: "
                f"{meeting.held_on:%A} {meeting.held_on.day} {meeting.held_on:%B}, "
                f"{meeting.window.get_kind_display().lower()}.",
            )
            if data["worried"]:
                url = reverse("safeguarding:concern-raise", args=[school.slug])
                return redirect(f"{url}?pupil={pairing.mentee_id}")
            return redirect("meetings:my-mentee", school.slug)
    return render(request, "meetings/log.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(Role.MENTOR)
def usual_windows_edit(request: SchoolRequest, pairing_pk: int) -> HttpResponse:
    """The mentor (with their mentee) chooses when they usually meet."""
    pairing = _pick(own_pairings(request), str(pairing_pk))
    assert pairing is not None
    every = list(SchoolDayWindow.objects.for_school(request.school))
    current, chosen = usual_windows([pairing], every)[pairing.pk]
    form = UsualWindowsForm(
        request.POST or None,
        windows=[w for w in every if w.is_active],
        initial={"windows": [w.pk for w in current] if chosen else []},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_usual_windows(
                pairing=pairing, windows=form.cleaned_data["windows"], by=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Saved when you usually meet {pairing.mentee.first_name}.")
            return redirect("meetings:my-mentee", request.school.slug)
    return render(
        request,
        "meetings/usual_windows.html",
        {"form": form, "pairing": pairing, "both_free": current if not chosen else []},
    )


def _asked_day(raw: str | None) -> dt.date | None:
    if not raw or len(raw) > 10:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None
