"""The drop-in room's visits pages: the coordinator's overview, recording visitors at one
opening (a mentor on duty on a phone, or staff), and the staff's list of visits.

Rooms and windows are loaded through `for_school`, so another school's id, in the
address or in the form, is a 404. Which openings a person may record is the service's
rule (`visit_services.check_may_record`): the page shows its refusal in words.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import pupil_text
from peermentoring.core.registry import school_url
from peermentoring.core.roles import STAFF_ROLES, Role
from peermentoring.dropin import visit_services
from peermentoring.dropin.counting import visit_totals
from peermentoring.dropin.models import Duty, Room, Visit
from peermentoring.dropin.schedule import DatedOpening, openings_between, weekly_openings
from peermentoring.dropin.visit_forms import VisitForm
from peermentoring.dropin.visit_services import VisitConflict
from peermentoring.meetings import rules
from peermentoring.meetings.counting import monday
from peermentoring.meetings.services import topics_for
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import School, SchoolDayWindow, Term

# Who records visitors: the mentor on duty, and the staff who run the room.
RECORDERS = (Role.MENTOR, Role.COORDINATOR, Role.SCHOOL_ADMIN)
STAFF_RECORDERS = (Role.COORDINATOR, Role.SCHOOL_ADMIN)
# A mentor who forgot can still record a duty of the last two weeks.
LOOK_BACK_DAYS = 14
PER_PAGE = 50


def this_term(school: School, today: dt.date) -> Term | None:
    """The term under way, or in a holiday the one just ended."""
    return (
        Term.objects.for_school(school).filter(starts_on__lte=today).order_by("-starts_on").first()
    )


def visit_url(school: School, room_id: int, window_id: int, day: dt.date) -> str:
    fields: dict[str, str | int] = {"room": room_id, "window": window_id, "on": day.isoformat()}
    query = urlencode(fields)
    return f"{reverse('dropin:visit', kwargs={'school_slug': school.slug})}?{query}"


def _id(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdecimal() or len(raw) > 18:
        raise Http404("No such row")
    return int(raw)


def _day(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    if len(raw) != 10:
        raise Http404("No such date")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404("No such date") from None


# --- The coordinator's overview ----------------------------------------------------------


@require_GET
@school_role_required(*STAFF_ROLES)
def overview(request: SchoolRequest) -> HttpResponse:
    """The room(s) and when open, this week at a glance (who is on duty, visitors recorded),
    and this term's visitors by year group, by week and by room."""
    school = request.school
    moment = rules.now()
    today = moment.date()
    first = monday(today)
    week = openings_between(school, first, first + dt.timedelta(days=4))
    on_duty = _on_duty(school, first, first + dt.timedelta(days=4), full_names=True)
    recorded = {
        (v.room_id, v.window_id, v.held_on): v
        for v in Visit.objects.for_school(school).between(first, first + dt.timedelta(days=4))
    }
    can_record = request.membership.role in STAFF_RECORDERS
    rows: list[dict[str, Any]] = []
    for dated in week:
        key = (dated.opening.room_id, dated.opening.window_id, dated.day)
        begun = dated.day < today or (
            dated.day == today and dated.window.start_time <= moment.time()
        )
        rows.append(
            {
                "dated": dated,
                "on_duty": on_duty.get(key, []),
                "visit": recorded.get(key),
                "begun": begun,
                "url": visit_url(school, *key) if can_record and begun else "",
            }
        )
    context: dict[str, Any] = {
        "today": today,
        "rooms": _room_times(school),
        "week": rows,
        "week_of": first,
        "many_rooms": len({r["dated"].opening.room_id for r in rows}) > 1,
        "can_record": can_record,
        # Only the pages this role may open (the safeguarding lead sees no rota).
        "rota_url": school_url(request.membership, "dropin:rotas"),
        "board_url": school_url(request.membership, "dropin:board"),
        "is_setup": request.membership.role in STAFF_RECORDERS,
        "is_coordinator": request.membership.role == Role.COORDINATOR,
    }
    term = this_term(school, today)
    if term is not None:
        last = min(term.ends_on, today)
        totals = visit_totals(school, term.starts_on, last)
        names = dict(Room.objects.for_school(school).values_list("pk", "name"))
        context |= {
            "term": term,
            "totals": totals,
            "years": [(visit_services.GROUPS[k], n) for k, n in totals.by_year.items()],
            "weeks": [(w, n) for w, n in totals.by_week.items()],
            "peak": max(totals.by_week.values(), default=0) or 1,
            "by_room": sorted(
                ((names.get(pk, "—"), n) for pk, n in totals.by_room.items()),
                key=lambda row: (-row[1], row[0]),
            ),
        }
    return render(request, "dropin/visit_overview.html", context)


def _room_times(school: School) -> list[dict[str, Any]]:
    """Each open room with its weekly times, a line a weekday: "Monday: break, lunch"."""
    rooms: dict[int, dict[str, Any]] = {}
    for opening in weekly_openings(school):
        room = rooms.setdefault(opening.room_id, {"room": opening.room, "days": defaultdict(list)})
        room["days"][opening.window.get_weekday_display()].append(opening)
    return [
        {"room": r["room"], "days": list(r["days"].items())}
        for r in sorted(rooms.values(), key=lambda r: (r["room"].order, r["room"].name))
    ]


def _on_duty(
    school: School, first: dt.date, last: dt.date, *, full_names: bool
) -> dict[tuple[int, int, dt.date], list[str]]:
    """(room, window, date) -> the names of the mentors on duty in published rotas."""
    names: dict[tuple[int, int, dt.date], list[str]] = defaultdict(list)
    for duty in (
        Duty.objects.for_school(school)
        .live()
        .filter(held_on__gte=first, held_on__lte=last)
        .select_related("mentor__pupil")
        .order_by("held_on", "mentor__pupil__given_name", "pk")
    ):
        pupil = duty.mentor.pupil
        name = pupil.full_name if full_names else pupil.first_name
        key = (duty.room_id, duty.window_id, duty.held_on)
        if name not in names[key]:
            names[key].append(name)
    return dict(names)


# --- Recording visitors at one opening ----------------------------------------------------


def _opening_asked(school: School, data: QueryDict) -> tuple[Room, SchoolDayWindow, dt.date] | None:
    """The opening named in the address or the form: another school's room or window is a
    404; none named, None."""
    room_id, window_id = _id(data.get("room")), _id(data.get("window"))
    day = _day(data.get("on"))
    if room_id is None and window_id is None:
        return None
    if room_id is None or window_id is None:
        raise Http404("No such opening")
    room = get_object_or_404(Room.objects.for_school(school).select_related("school"), pk=room_id)
    window = get_object_or_404(SchoolDayWindow.objects.for_school(school), pk=window_id)
    return room, window, day or rules.now().date()


def _choices(request: SchoolRequest, day: dt.date | None) -> list[dict[str, Any]]:
    """The openings this person may record, begun already, latest first: a mentor's duties
    of the last two weeks (and today's openings when no published rota covers today); for
    staff, the openings of the day chosen (default today)."""
    school = request.school
    moment = rules.now()
    today = moment.date()
    membership = request.membership
    found: dict[tuple[int, int, dt.date], dict[str, Any]] = {}

    def begun(on: dt.date, window: SchoolDayWindow) -> bool:
        return on < today or (on == today and window.start_time <= moment.time())

    if membership.role == Role.MENTOR:
        duties = (
            Duty.objects.for_school(school)
            .published()
            .filter(
                mentor__pupil=membership.pupil_id or 0,
                held_on__gte=today - dt.timedelta(days=LOOK_BACK_DAYS),
                held_on__lte=today,
            )
            .select_related("room", "window")
        )
        for duty in duties:
            if begun(duty.held_on, duty.window):
                key = (duty.room_id, duty.window_id, duty.held_on)
                found[key] = {"room": duty.room, "window": duty.window, "day": duty.held_on}
        if not visit_services.has_published_rota(school, today):
            for dated in openings_between(school, today, today):
                _add(found, dated, begun(today, dated.window))
    else:
        chosen = day or today
        for dated in openings_between(school, chosen, chosen):
            _add(found, dated, begun(chosen, dated.window))
    saved = {
        (v.room_id, v.window_id, v.held_on): v
        for v in Visit.objects.for_school(school).filter(held_on__in={k[2] for k in found})
    }
    rows = []
    for key, row in found.items():
        rows.append(row | {"visit": saved.get(key), "url": visit_url(school, *key)})
    return sorted(rows, key=lambda r: (r["day"], r["window"].start_time), reverse=True)


def _add(found: dict[Any, dict[str, Any]], dated: DatedOpening, begun: bool) -> None:
    if begun:
        key = (dated.opening.room_id, dated.opening.window_id, dated.day)
        found[key] = {"room": dated.room, "window": dated.window, "day": dated.day}


def _initial(visit: Visit | None) -> dict[str, Any]:
    if visit is None:
        return {"version": 0}
    return {
        "version": visit.version,
        "year7": visit.year7,
        "year8": visit.year8,
        "older": visit.older,
        "names": visit.names,
        "topics": [t.pk for t in visit.topics.all()],
    }


@require_http_methods(["GET", "POST"])
@school_role_required(*RECORDERS)
@pupil_text
def record(request: SchoolRequest) -> HttpResponse:
    """Record who came to one opening: a number for each year group, a few taps, Save.

    With no opening named, the page lists those this person may record (and opens the
    only one straight away)."""
    school = request.school
    data = request.POST if request.method == "POST" else request.GET
    asked = _opening_asked(school, data)
    if asked is None:
        chosen_day = _day(request.GET.get("on"))
        choices = _choices(request, chosen_day)
        if len(choices) != 1 or request.method == "POST":
            return render(
                request,
                "dropin/visit_choose.html",
                {
                    "choices": choices,
                    "day": chosen_day or rules.now().date(),
                    "is_staff": request.membership.role in STAFF_ROLES,
                },
            )
        only = choices[0]
        asked = (only["room"], only["window"], only["day"])
    room, window, day = asked
    moment = rules.now()
    context: dict[str, Any] = {"room": room, "window": window, "day": day}
    try:
        visit_services.check_opening_time(room, window, day, moment)
        visit_services.check_may_record(
            membership=request.membership,
            room=room,
            window=window,
            held_on=day,
            today=moment.date(),
        )
    except ValidationError as refusal:
        return render(request, "dropin/visit_form.html", context | {"refusal": refusal.messages})
    saved = (
        Visit.objects.filter(room=room, window=window, held_on=day)
        .select_related("recorded_by")
        .prefetch_related("topics")
        .first()
    )
    topics = topics_for(school)
    form = VisitForm(
        request.POST if request.method == "POST" else None, topics=topics, initial=_initial(saved)
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = visit_services.record_visit(
                room=room,
                window=window,
                held_on=day,
                counts=form.counts(),
                names=form.cleaned_data["names"],
                topics=list(form.cleaned_data["topics"]),
                by=request.user,
                version=form.cleaned_data["version"] or 0,
            )
        except VisitConflict as conflict:
            # Theirs is shown to change; what this person typed is listed beside it.
            context |= {"typed": form.counts(), "conflict": conflict.messages[0]}
            form = VisitForm(topics=topics, initial=_initial(conflict.visit))
            saved = conflict.visit
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _saved(request, visit, worried=form.cleaned_data["worried"])
    return render(request, "dropin/visit_form.html", context | {"form": form, "saved": saved})


def _saved(request: SchoolRequest, visit: Visit, *, worried: bool) -> HttpResponse:
    school = request.school
    people = "person" if visit.total == 1 else "people"
    messages.success(
        request,
        f"Saved: {visit.total} {people} at {visit.window.get_kind_display().lower()} on "
        f"{visit.held_on:%A} {visit.held_on.day} {visit.held_on:%B}.",
    )
    if worried:
        return redirect("safeguarding:concern-raise", school.slug)
    if request.membership.role == Role.MENTOR:
        return redirect("schools:home", school.slug)
    return redirect("dropin:overview", school.slug)


# --- The staff's list of visits ------------------------------------------------------------


@require_GET
@school_role_required(*STAFF_ROLES)
@pupil_text
def visit_list(request: SchoolRequest) -> HttpResponse:
    """Every visit recorded in a term (default this one), newest first, with its totals."""
    school = request.school
    today = rules.now().date()
    terms = list(
        Term.objects.for_school(school).select_related("academic_year").order_by("-starts_on")
    )
    asked = _id(request.GET.get("term"))
    if asked is not None:
        term = next((t for t in terms if t.pk == asked), None)
        if term is None:
            raise Http404("No such term")
    else:
        term = next((t for t in terms if t.starts_on <= today), None)
    context: dict[str, Any] = {"terms": terms, "term": term}
    if term is not None:
        visits = (
            Visit.objects.for_school(school)
            .between(term.starts_on, term.ends_on)
            .select_related("room", "window", "recorded_by")
            .prefetch_related("topics")
            .order_by("-held_on", "-window__start_time", "room__order")
        )
        page = Paginator(visits, PER_PAGE).get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "totals": visit_totals(school, term.starts_on, term.ends_on),
            "query": urlencode({"term": term.pk}),
            "can_change": request.membership.role in STAFF_RECORDERS,
        }
    return render(request, "dropin/visit_list.html", context)
