"""The coordinator's meetings pages: the term at a glance, one pairing's meetings, "met N
times" for a whole week, and the school's topics.

Staff read the counts; the notes are read only by the coordinator, the safeguarding lead
and deputies (a school admin sees the counts and not the notes); only the coordinator
logs, corrects and counts. Mentors never reach these pages. Every row is loaded through
`for_school`, so another school's id is a 404, and another school's id in a form is an
invalid choice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peermentoring.core.forms import add_validation_error
from peermentoring.core.page_cache import render_cached
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import SAFEGUARDING_ROLES, STAFF_ROLES, Role
from peermentoring.matching.models import Pairing
from peermentoring.meetings import counting, rules, services
from peermentoring.meetings.forms import MeetingForm, UsualWindowsForm
from peermentoring.meetings.models import Meeting, WeekCount
from peermentoring.meetings.staff_forms import TopicsForm, WeekCountsForm
from peermentoring.meetings.topics import save_topics
from peermentoring.meetings.views import last_school_day
from peermentoring.meetings.windows import usual_windows
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import School, SchoolDayWindow, Term

NOTE_ROLES = (Role.COORDINATOR, *SAFEGUARDING_ROLES)


def this_term(school: School, today: dt.date) -> Term | None:
    """The term under way, or in a holiday the one just ended."""
    return (
        Term.objects.for_school(school).filter(starts_on__lte=today).order_by("-starts_on").first()
    )


def week_words(monday: dt.date) -> str:
    return f"{monday.day} {monday:%b}"


@require_GET
@school_role_required(*STAFF_ROLES)
def overview(request: SchoolRequest) -> HttpResponse:
    """This term: the total so far, those that did not happen, a chart by school week, each
    mentor's count, and the pairings with no meeting for two school weeks."""
    # Cached for this person and role, today, until anything in the school changes.
    return render_cached(
        request,
        "meetings/staff_overview.html",
        lambda: _overview(request),
        name="meetings-overview",
        role=request.membership.role,
        schools=[request.school.pk],
    )


def _overview(request: SchoolRequest) -> dict[str, Any]:
    school = request.school
    today = rules.now().date()
    term = this_term(school, today)
    context: dict[str, Any] = {"term": term, "today": today}
    if term is not None:
        last = min(term.ends_on, today)
        # One reconciled count per pairing-week (counting.pairing_week_totals), summed three
        # ways here: the same figures as counting.total/weekly_totals/mentor_totals, read once.
        totals = counting.pairing_week_totals(school, term.starts_on, last)
        weeks = dict.fromkeys(counting.school_weeks(school, term.starts_on, last), 0)
        by_pairing: dict[int, int] = {}
        for (pairing_id, week), n in totals.items():
            weeks[week] = weeks.get(week, 0) + n
            by_pairing[pairing_id] = by_pairing.get(pairing_id, 0) + n
        peak = max(weeks.values(), default=0) or 1
        mentors: dict[int, dict[str, Any]] = {}
        for pairing in (
            Pairing.objects.for_school(school)
            .filter(Q(pk__in=list(by_pairing)) | Q(status=Pairing.Status.ACTIVE))
            .select_related("mentor__pupil")
        ):
            row = mentors.setdefault(
                pairing.mentor_id,
                {
                    "name": pairing.mentor.pupil.full_name,
                    "form": pairing.mentor.pupil.form_group,
                    "count": 0,
                },
            )
            row["count"] += by_pairing.get(pairing.pk, 0)
        missed = counting.did_not_happen(school, term.starts_on, last)
        context |= {
            "total": sum(weeks.values()),
            "missed": [
                (label, missed.get(value, 0))
                for value, label in Meeting.Status.choices
                if value != Meeting.Status.HAPPENED
            ],
            "missed_total": sum(missed.values()),
            "weeks": [(week_words(w), n, w) for w, n in sorted(weeks.items())],
            "peak": peak,
            "mentors": sorted(mentors.values(), key=lambda r: (-r["count"], r["name"])),
        }
    context["quiet"] = list(
        counting.quiet_pairings(school, today)
        .select_related("mentor__pupil", "mentee")
        .order_by("mentor__pupil__family_name", "pk")
    )
    context["can_log"] = request.membership.role == Role.COORDINATOR
    return context


@require_GET
@school_role_required(*STAFF_ROLES)
@pupil_text
def pairing_meetings(request: SchoolRequest, pairing_pk: int) -> HttpResponse:
    """One pairing: its meetings (notes for the coordinator and safeguarding roles only),
    its weekly counts and its usual windows."""
    school = request.school
    pairing = get_object_or_404(
        Pairing.objects.for_school(school).select_related("mentor__pupil", "mentee"), pk=pairing_pk
    )
    return render_cached(
        request,
        "meetings/staff_pairing.html",
        lambda: _pairing_page(request, pairing),
        name="meetings-pairing",
        role=request.membership.role,
        schools=[school.pk],
    )


def _pairing_page(request: SchoolRequest, pairing: Pairing) -> dict[str, Any]:
    school = request.school
    every = list(SchoolDayWindow.objects.for_school(school))
    usual, chosen = usual_windows([pairing], every)[pairing.pk]
    meetings = list(
        Meeting.objects.for_school(school)
        .filter(pairing=pairing)
        .select_related("window")
        .prefetch_related("topics")
    )
    is_coordinator = request.membership.role == Role.COORDINATOR
    return {
        "pairing": pairing,
        "meetings": meetings,
        "counts": list(WeekCount.objects.for_school(school).filter(pairing=pairing)),
        "usual": usual,
        "usual_chosen": chosen,
        "shows_notes": request.membership.role in NOTE_ROLES,
        "can_change": is_coordinator,
        "windows_form": UsualWindowsForm(windows=every, initial={"windows": usual}, for_staff=True)
        if is_coordinator
        else None,
    }


@require_POST
@school_role_required(Role.COORDINATOR)
def pairing_windows(request: SchoolRequest, pairing_pk: int) -> HttpResponse:
    """Set when a pair usually meet (none ticked: back to the windows both are free)."""
    school = request.school
    pairing = get_object_or_404(Pairing.objects.for_school(school), pk=pairing_pk)
    every = list(SchoolDayWindow.objects.for_school(school))
    form = UsualWindowsForm(request.POST, windows=every, for_staff=True)
    if form.is_valid():
        try:
            services.set_usual_windows(
                pairing=pairing, windows=form.cleaned_data["windows"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Usual meeting times saved.")
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("windows", [])))
    return redirect("meetings:staff-pairing", school.slug, pairing.pk)


def _meeting_form(request: SchoolRequest, *, initial: dict[str, Any], on: dt.date) -> MeetingForm:
    school = request.school
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        windows=list(SchoolDayWindow.objects.for_school(school)),
        topics=services.topics_for(school),
        on=on,
        today=rules.now().date(),
        initial=initial,
    )
    form.fields["status"].label = "Did they meet?"
    form.fields["mood"].label = "How did the mentee seem?"
    form.fields[
        "note"
    ].help_text = (
        "Read only by the mentor who logged it, the coordinator and the safeguarding lead."
    )
    del form.fields["worried"]
    return form


def _choices(form: MeetingForm) -> list[Any]:
    """The form's tap-to-choose questions, each shown as a fieldset of choices."""
    return [form[name] for name in ("status", "minutes", "topics", "mood")]


def _details(form: MeetingForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "held_on": data["held_on"],
        "window": data["window"],
        "status": data["status"],
        "minutes": data["minutes"],
        "topics": list(data["topics"]),
        "mood": data["mood"],
        "note": data["note"],
    }


@require_http_methods(["GET", "POST"])
@school_role_required(Role.COORDINATOR)
@pupil_text
def pairing_log(request: SchoolRequest, pairing_pk: int) -> HttpResponse:
    """The coordinator logs a meeting for any pairing (in supervision, say)."""
    school = request.school
    pairing = get_object_or_404(
        Pairing.objects.for_school(school).select_related("mentor__pupil", "mentee"), pk=pairing_pk
    )
    windows = list(SchoolDayWindow.objects.for_school(school))
    day = last_school_day(school, rules.now(), windows)
    form = _meeting_form(request, initial={"held_on": day, "submission_key": uuid.uuid4()}, on=day)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_meeting(
                pairing=pairing,
                by=request.user,
                submission_key=form.cleaned_data["submission_key"],
                **_details(form),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Meeting saved.")
            return redirect("meetings:staff-pairing", school.slug, pairing.pk)
    return render(
        request,
        "meetings/staff_meeting_form.html",
        {"form": form, "pairing": pairing, "correcting": None, "choice_fields": _choices(form)},
    )


@require_http_methods(["GET", "POST"])
@school_role_required(Role.COORDINATOR)
@pupil_text
def meeting_correct(request: SchoolRequest, meeting_pk: int) -> HttpResponse:
    """Correct a meeting: its day, time, whether it happened and the rest, by the same rules."""
    school = request.school
    meeting = get_object_or_404(
        Meeting.objects.for_school(school).select_related(
            "pairing__mentor__pupil", "pairing__mentee"
        ),
        pk=meeting_pk,
    )
    initial = {
        "held_on": meeting.held_on,
        "window": meeting.window_id,
        "status": meeting.status,
        "minutes": meeting.minutes,
        "topics": [t.pk for t in meeting.topics.all()],
        "mood": meeting.mood,
        "note": meeting.note,
    }
    form = _meeting_form(request, initial=initial, on=meeting.held_on)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_meeting(meeting=meeting, by=request.user, **_details(form))
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Meeting corrected.")
            return redirect("meetings:staff-pairing", school.slug, meeting.pairing_id)
    return render(
        request,
        "meetings/staff_meeting_form.html",
        {
            "form": form,
            "pairing": meeting.pairing,
            "correcting": meeting,
            "choice_fields": _choices(form),
        },
    )


def _chosen_week(raw: str | None, weeks: list[dt.date]) -> dt.date | None:
    """The school week asked for (its Monday, as the page's list gives it), else None."""
    if raw and len(raw) == 10:
        try:
            asked = dt.date.fromisoformat(raw)
        except ValueError:
            return None
        return asked if asked in weeks else None
    return None


@require_http_methods(["GET", "POST"])
@school_role_required(Role.COORDINATOR)
def week_counts(request: SchoolRequest) -> HttpResponse:
    """ "Met N times" for every active pairing in one school week, beside what was logged."""
    school = request.school
    if request.method == "GET":
        # Cached for this person, today, until anything in the school changes.
        return render_cached(
            request,
            "meetings/staff_week.html",
            lambda: _week_page(school, *_week_asked(school, request.GET.get("week"))),
            name="meetings-week",
            role=request.membership.role,
            schools=[school.pk],
        )
    week, weeks = _week_asked(school, request.POST.get("week"))
    if week is None:
        messages.error(request, "Choose one of the school weeks listed.")
        return redirect("meetings:staff-week", school.slug)
    form = WeekCountsForm(request.POST, pairings=_active(school))
    if week is not None and form.is_valid():
        saved, refused = 0, []
        for pairing, count in form.counts():
            try:
                services.record_week_count(
                    pairing=pairing, week_of=week, count=count, by=request.user
                )
            except ValidationError as error:
                refused.append(
                    f"{pairing.mentor} and {pairing.mentee.first_name}: {' '.join(error.messages)}"
                )
            else:
                saved += 1
        if saved:
            messages.success(
                request, f"Saved the count for {saved} pairing{'s' if saved != 1 else ''}."
            )
        for reason in refused:
            messages.error(request, reason)
        return redirect(f"{request.path}?week={week.isoformat()}")
    return render(request, "meetings/staff_week.html", _week_page(school, week, weeks, form))


def _week_asked(school: School, raw: str | None) -> tuple[dt.date | None, list[dt.date]]:
    """The school week asked for (default: the last whole school week) and the school weeks
    of the past year, this one included; None when the one asked for is not among them."""
    today = rules.now().date()
    this_monday = counting.monday(today)
    weeks = [
        w
        for w in counting.school_weeks(school, today - dt.timedelta(days=366), today)
        if w <= this_monday
    ]
    if raw:
        return _chosen_week(raw, weeks), weeks
    earlier = [w for w in weeks if w < this_monday]
    return (earlier[-1] if earlier else (weeks[-1] if weeks else None)), weeks


def _active(school: School) -> list[Pairing]:
    return list(
        Pairing.objects.for_school(school)
        .active()
        .select_related("mentor__pupil", "mentee")
        .order_by("mentor__pupil__family_name", "mentor__pupil__given_name", "pk")
    )


def _week_page(
    school: School,
    week: dt.date | None,
    weeks: list[dt.date],
    form: WeekCountsForm | None = None,
) -> dict[str, Any]:
    """Each pairing's box beside what was logged that week, their count, and what counts."""
    if form is None:
        form = WeekCountsForm(pairings=_active(school) if week is not None else [])
    rows = []
    if week is not None:
        friday = week + dt.timedelta(days=4)
        logged = dict(
            Meeting.objects.for_school(school)
            .happened()
            .between(week, friday)
            .values("pairing_id")
            .annotate(n=Count("pk"))
            .values_list("pairing_id", "n")
        )
        counted = dict(
            WeekCount.objects.for_school(school)
            .filter(week_of=week)
            .values_list("pairing_id", "count")
        )
        for pairing in form.pairings:
            n, reported = logged.get(pairing.pk, 0), counted.get(pairing.pk)
            rows.append(
                {
                    "pairing": pairing,
                    "field": form[f"count-{pairing.pk}"],
                    "logged": n,
                    "reported": reported,
                    "counted": max(n, reported or 0),
                }
            )
    return {
        "week": week,
        "weeks": [(w, f"Week of {rules.long_date(w)}") for w in reversed(weeks)],
        "rows": rows,
        "form": form,
        "has_weeks": bool(weeks),
    }


@require_http_methods(["GET", "POST"])
@school_role_required(Role.COORDINATOR)
def topic_list(request: SchoolRequest) -> HttpResponse:
    """The school's topics: rename, reorder, switch off, add."""
    school = request.school
    topics = services.topics_for(school)
    form = TopicsForm(request.POST if request.method == "POST" else None, topics=topics)
    if request.method == "POST" and form.is_valid():
        try:
            save_topics(school=school, changes=form.changes(), new=form.new(), by=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Topics saved.")
            return redirect("meetings:staff-topics", school.slug)
    return render(request, "meetings/staff_topics.html", {"form": form})
