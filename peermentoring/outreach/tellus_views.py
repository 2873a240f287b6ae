"""The "tell us" pages: the pupils' form, and the staff's list, report and recipients pages.

The pupils' form is at `tell-us/`, the address whose access-log lines name no address, user
or browser (core/privacy.py `is_anonymous_path`), and its POST leaves no trace in the
session or the cache (`leaves_no_trace`). The receipt is the POST's own answer: no redirect,
no message kept in the session. Staff cannot send a report as a pupil: the page is the
pupils' (a worried member of staff raises a safeguarding concern instead).

Rate limits: a pupil's named reports count against their account (10 an hour). Anonymous
reports count against nobody: a count kept under the pupil's account, session or address,
with its time, would itself say who sent what when. They count against the school as a
whole instead (60 an hour): loose enough for a year group told about the form in an
assembly, tight enough that one pupil cannot send hundreds in a few minutes and bury the
real ones; past it a pupil can still send the report with their name, or tell someone.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import leaves_no_trace, pupil_text
from peermentoring.core.registry import school_url
from peermentoring.core.roles import PUPIL_ROLES, SETUP_ROLES
from peermentoring.meetings import rules
from peermentoring.outreach import tellus_services
from peermentoring.outreach.models import TellUsReport
from peermentoring.outreach.tellus_forms import RecipientsForm, TellUsForm, TriageForm
from peermentoring.outreach.tellus_services import READERS, AlreadyTriaged
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import Term

PER_PAGE = 50
ACCOUNT_RATE = "10/h"
ANONYMOUS_SCHOOL_RATE = "60/h"
TOO_MANY_NAMED = (
    "You have sent a lot of reports in the last hour. Please wait a while before sending "
    "another, or talk to a member of staff you trust."
)
TOO_MANY_ANONYMOUS = (
    "Lots of reports without a name have been sent in the last hour, so this one could not "
    "be sent yet. You can send it with your name, try again later, or tell a member of staff. "
    "If you are in danger now, tell an adult straight away or call Childline on 0800 1111."
)
DONE = {
    TellUsReport.Status.NOTHING: "Report marked: nothing to do.",
    TellUsReport.Status.PASTORAL: "Report marked: handled by the pastoral team.",
    TellUsReport.Status.CONCERN: (
        "Safeguarding concern raised: the safeguarding lead has been told, and the report "
        "is linked to it."
    ),
}


def _posted(request: SchoolRequest) -> QueryDict | None:
    """The form's data on a POST, even an empty one (a form with nothing ticked)."""
    return request.POST if request.method == "POST" else None


# --- The pupils' form ----------------------------------------------------------------------


def _too_many(request: SchoolRequest, *, anonymous: bool) -> str:
    """The refusal in words if this report is over its limit (and counts it if not)."""
    if anonymous:
        school_pk = request.school.pk
        over = is_ratelimited(
            request,
            group="outreach.tell-us.school",
            key=lambda group, req: f"school-{school_pk}",
            rate=ANONYMOUS_SCHOOL_RATE,
            increment=True,
        )
        return TOO_MANY_ANONYMOUS if over else ""
    over = is_ratelimited(
        request, group="outreach.tell-us.account", key="user", rate=ACCOUNT_RATE, increment=True
    )
    return TOO_MANY_NAMED if over else ""


def _send(request: SchoolRequest, form: TellUsForm) -> tellus_services.Sent | None:
    """The report sent, or None with the refusal on the form."""
    anonymous = form.is_anonymous
    if problem := _too_many(request, anonymous=anonymous):
        form.add_error(None, problem)
        return None
    data = form.cleaned_data
    try:
        return tellus_services.send_report(
            school=request.school,
            sender=None if anonymous else request.membership,
            about=data["about"],
            category=data["category"],
            what_happened=data["what_happened"],
            where=data["where"],
            submission_key=data["submission_key"],
        )
    except ValidationError as error:
        add_validation_error(form, error)
        return None


@require_http_methods(["GET", "POST"])
@leaves_no_trace
@school_role_required(*PUPIL_ROLES)
@pupil_text
def tell_us(request: SchoolRequest) -> HttpResponse:
    form = TellUsForm(_posted(request), initial={"submission_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        # Sent already (a double tap, or the receipt page reloaded): a receipt that says
        # only that it was sent. Not when or whether named: the form's key is all that ties
        # the two, and a key seen by someone else must tell them nothing of the report.
        key = form.cleaned_data["submission_key"]
        if tellus_services.already_sent(request.school, key) is not None:
            return render(request, "outreach/tellus_receipt.html", {"report": None})
        sent = _send(request, form)
        if sent is not None:
            report = sent.report if sent.is_new else None
            return render(request, "outreach/tellus_receipt.html", {"report": report})
    return render(request, "outreach/tellus_form.html", {"form": form})


# --- The staff's pages ---------------------------------------------------------------------


def _term(request: SchoolRequest) -> Term | None:
    """The term under way, or in a holiday the one just ended."""
    today = rules.now().date()
    found: Term | None = (
        Term.objects.for_school(request.school)
        .filter(starts_on__lte=today)
        .select_related("academic_year")
        .order_by("-starts_on")
        .first()
    )
    return found


@require_GET
@school_role_required(*READERS)
def report_list(request: SchoolRequest) -> HttpResponse:
    """Every report, those waiting first and the flagged first among them."""
    reports = (
        TellUsReport.objects.for_school(request.school)
        .select_related("pupil", "triaged_by")
        .annotate(
            done=Case(
                When(status=TellUsReport.Status.NEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            calm=Case(When(risk_words="", then=Value(1)), default=Value(0)),
        )
        .order_by("done", "calm", "-created_at", "-pk")
    )
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    waiting, flagged = tellus_services.waiting(request.school)
    term = _term(request)
    by_category: list[tuple[str, int]] = []
    if term is not None:
        counts = tellus_services.reports_by_category(request.school, term.starts_on, term.ends_on)
        by_category = [(TellUsReport.Category(k).label, n) for k, n in counts.items()]
    context = {
        "page": page,
        "waiting": waiting,
        "flagged": flagged,
        "term": term,
        "by_category": by_category,
        "term_total": sum(n for _, n in by_category),
        "recipients": tellus_services.recipients_of(request.school),
        "named": bool(tellus_services.named_recipients(request.school)),
        "recipients_url": school_url(request.membership, "outreach:tellus-recipients"),
    }
    return render(request, "outreach/tellus_list.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*READERS)
@pupil_text
def report_detail(request: SchoolRequest, report_pk: int) -> HttpResponse:
    report = get_object_or_404(
        TellUsReport.objects.for_school(request.school).select_related(
            "pupil", "reporter", "triaged_by", "concern"
        ),
        pk=report_pk,
    )
    form = TriageForm(_posted(request))
    stale = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tellus_services.triage_report(
                report=report,
                decision=data["decision"],
                by=request.user,
                role=request.membership.role,
                note=data["note"],
                about_name=data["about_name"],
            )
        except AlreadyTriaged as clash:
            stale, report = clash.messages[0], clash.current
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, DONE[data["decision"]])
            return redirect("outreach:tellus-reports", school_slug=request.school.slug)
    context = {
        "report": report,
        "form": form if report.status == TellUsReport.Status.NEW else None,
        "stale": stale,
        "concern_url": (
            school_url(
                request.membership, "safeguarding:concern-detail", concern_pk=report.concern_id
            )
            if report.concern_id
            else ""
        ),
    }
    return render(request, "outreach/tellus_detail.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def recipients(request: SchoolRequest) -> HttpResponse:
    """The coordinator names the staff who receive reports."""
    named = tellus_services.named_recipients(request.school)
    form = RecipientsForm(
        _posted(request), school=request.school, initial={"recipients": [u.pk for u in named]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            after = tellus_services.set_recipients(
                school=request.school, users=form.cleaned_data["recipients"], by=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if after:
                names = ", ".join(u.display_name for u in after)
                messages.success(request, f"Saved: 'tell us' reports go to {names}.")
            else:
                messages.success(
                    request,
                    "Saved: nobody is named, so 'tell us' reports go to every coordinator, "
                    "safeguarding lead and deputy.",
                )
            return redirect("outreach:tellus-recipients", school_slug=request.school.slug)
    context = {
        "form": form,
        "recipients": tellus_services.recipients_of(request.school),
        "named": bool(named),
        "reports_url": school_url(request.membership, "outreach:tellus-reports"),
    }
    return render(request, "outreach/tellus_recipients.html", context)
