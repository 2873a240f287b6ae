"""The term report: the page, its charts (SVG images), its downloads and its printable copy.

Staff of the school see it (coordinator, school admin, safeguarding lead and deputies:
the roles of the meetings overview). Every number comes from `figures.report`; the
charts, the CSV and Excel tables and the printable copy are drawn from the same
`Report`, so they never disagree with the page. Each figure links to the list behind it
only when the viewer's role may open that list; safeguarding figures link nowhere.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from peermentoring.core.registry import school_url
from peermentoring.core.roles import STAFF_ROLES
from peermentoring.core.spreadsheets import table_response
from peermentoring.evaluation import charts, figures, report_outcomes, report_tables
from peermentoring.evaluation.figures import Report, Span
from peermentoring.evaluation.report_forms import SpanForm
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import Term

REPORT_ROLES = STAFF_ROLES
SPAN_FIELDS = ("term", "year", "first", "last")
CHARTS = {"weeks", "windows", "dropin", report_outcomes.NAME}
FORMATS = {"csv", "xlsx"}

# Figure -> the list of the rows behind it, and the list's own filter where it has one.
LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "meetings_held": ("meetings:staff-overview", {}),
    "meetings_itemised": ("meetings:staff-overview", {}),
    "meetings_bulk_reported": ("meetings:staff-week", {}),
    "meetings_did_not_happen": ("meetings:staff-overview", {}),
    "dropin_visits": ("dropin:visits", {}),
    "pairings_active": ("matching:pairing-list", {"show": "active"}),
    "pairings_started": ("matching:pairing-list", {"show": "active"}),
    "pairings_ended": ("matching:pairing-list", {"show": "ended"}),
    "referrals_received": ("referrals:referral-list", {"show": "review"}),
    "mentees_waiting": ("referrals:referral-list", {"show": "queue"}),
    "applications": ("recruitment:round-list", {}),
    "interviews": ("recruitment:round-list", {}),
    "offers": ("recruitment:round-list", {}),
    "supervision_sessions": ("supervision:group-list", {}),
    "supervision_present": ("supervision:group-list", {}),
    "supervision_absent": ("supervision:group-list", {}),
    "actions_opened": ("supervision:action-list", {}),
    "actions_closed": ("supervision:action-list", {}),
    "tellus_reports": ("outreach:tellus-reports", {}),
    "primary_visits": ("outreach:visits", {}),
    "events": ("outreach:events", {}),
    # Safeguarding concerns: counts only, never a link to their content.
}
TABLE_LINKS = {"training": "training:grid", "mentors": "meetings:staff-overview"}


def _links(request: SchoolRequest, span: Span, term: Term | None) -> dict[str, str]:
    """Figure -> the address of its rows, for the lists this viewer may open
    (`core.registry.school_url` answers "" for a page their role may not open)."""
    links: dict[str, str] = {}
    for key, (name, query) in LINKS.items():
        query = dict(query)
        if key == "dropin_visits" and term is not None:
            query["term"] = str(term.pk)
        url = school_url(request.membership, name, urlencode(query))
        if url:
            links[key] = url
    for key, name in TABLE_LINKS.items():
        url = school_url(request.membership, name)
        if url:
            links[key] = url
    return links


def _span_query(form: SpanForm) -> str:
    """The chosen span as a query string, for the charts, downloads and print links."""
    data = {k: str(form.cleaned_data[k]) for k in SPAN_FIELDS if form.cleaned_data.get(k)}
    return urlencode(data)


def _chosen(request: SchoolRequest) -> tuple[SpanForm, Span | None]:
    data = QueryDict(mutable=True)
    for key in SPAN_FIELDS:
        value = request.GET.get(key, "")
        if value:
            data[key] = value[:40]
    form = SpanForm(data, school=request.school)
    return form, form.span


def _term_of(form: SpanForm, span: Span) -> Term | None:
    return next(
        (t for t in form.terms if (t.starts_on, t.ends_on) == (span.first, span.last)), None
    )


@require_GET
@school_role_required(*REPORT_ROLES)
def report_page(request: SchoolRequest) -> HttpResponse:
    """The report for a term (the latest begun by default), the year or any dates."""
    form, span = _chosen(request)
    printing = request.GET.get("print") == "1"
    context: dict[str, Any] = {"form": form, "span": span, "printing": printing}
    if span is not None:
        report = figures.report(request.school, span)
        query = _span_query(form)
        context |= {
            "report": report,
            "sections": _sections(report, _links(request, span, _term_of(form, span))),
            "query": query,
            "amp": "&" if query else "",
            "sentence": report.sentence,
            **_outcomes_context(request, span),
        }
    status = 400 if form.is_bound and not form.is_valid() else 200
    template = "evaluation/report_print.html" if printing and span else "evaluation/report.html"
    return render(request, template, context, status=status)


def _sections(report: Report, links: dict[str, str]) -> list[dict[str, Any]]:
    """Each section's figures (with the address of their rows) and tables (with a chart)."""
    tables = report_tables.tables(report)
    return [
        {
            "name": section.name,
            "title": section.title,
            "figures": [
                {
                    "key": key,
                    "label": report_tables.HEADLINE_LABELS[key],
                    "value": report.headline[key],
                    "url": links.get(key, ""),
                }
                for key in section.figures
            ],
            "tables": [
                {
                    "table": tables[name],
                    "charts": report_tables.CHARTS.get(name, ()),
                    "url": links.get(name, ""),
                }
                for name in section.tables
            ],
        }
        for section in report_tables.SECTIONS
    ]


def _outcomes_context(request: SchoolRequest, span: Span) -> dict[str, Any]:
    """The outcomes section: the figures, its table's downloads, its chart (only when five
    or more pupils were compared) and the outcomes page for those who may open it."""
    outcomes = report_outcomes.summary(request.school, span)
    return {
        "outcomes": outcomes,
        "outcomes_table": report_outcomes.table(outcomes),
        "outcomes_chart": report_outcomes.NAME if report_outcomes.has_chart(outcomes) else "",
        "outcomes_chart_words": report_outcomes.CHART_WORDS,
        "outcomes_url": school_url(request.membership, "evaluation:outcomes"),
    }


def _report_or_404(request: SchoolRequest) -> tuple[SpanForm, Report]:
    form, span = _chosen(request)
    if span is None:
        raise Http404("Choose a term, a year or dates the school has.")
    return form, figures.report(request.school, span)


@require_GET
@school_role_required(*REPORT_ROLES)
def report_chart(request: SchoolRequest, chart: str) -> HttpResponse:
    """One chart of the report as an SVG image (its numbers are in the table beside it)."""
    if chart not in CHARTS:
        raise Http404("No such chart")
    return _chart(request, chart)


def _chart(request: SchoolRequest, chart: str) -> HttpResponse:
    if chart == report_outcomes.NAME:
        # The outcomes alone: not the rest of the report's figures.
        _, span = _chosen(request)
        if span is None:
            raise Http404("Choose a term, a year or dates the school has.")
        drawn = report_outcomes.chart(report_outcomes.summary(request.school, span))
        if drawn is None:
            raise Http404("Fewer than five pupils answered: no chart.")
        return _svg_response(drawn)
    form, report = _report_or_404(request)
    if chart == "weeks":
        svg = charts.weeks_chart(report, form.term_marks())
    elif chart == "dropin":
        svg = charts.dropin_chart(report, form.term_marks())
    else:
        svg = charts.windows_chart(report)
    return _svg_response(svg)


def _svg_response(svg: bytes) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@school_role_required(*REPORT_ROLES)
def report_download(request: SchoolRequest) -> HttpResponse:
    """`?format=csv|xlsx&table=<name>`: one table, or `table=all` (CSV) every table in turn."""
    file_format = request.GET.get("format", "csv")
    name = request.GET.get("table", report_tables.ALL)
    if file_format not in FORMATS or (
        name not in report_tables.BUILDERS and name not in (report_tables.ALL, report_outcomes.NAME)
    ):
        raise Http404("No such download")
    form, report = _report_or_404(request)
    stem = f"{request.school.slug}-report-{report.span.key or _dates(report.span)}"
    if name == report_tables.ALL:
        outcomes = report_outcomes.summary(request.school, report.span)
        return table_response(
            report_outcomes.all_rows(report, outcomes), file_format, filename=stem, sheet="Report"
        )
    if name == report_outcomes.NAME:
        table = report_outcomes.table(report_outcomes.summary(request.school, report.span))
    else:
        table = report_tables.BUILDERS[name](report)
    return table_response(
        report_tables.table_rows(table),
        file_format,
        filename=f"{stem}-{table.name}",
        sheet=table.name,
    )


def _dates(span: Span) -> str:
    return f"{span.first:%Y%m%d}-{span.last:%Y%m%d}"
