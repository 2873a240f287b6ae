"""The trust view: a trust lead's schools side by side for a term, a year or any dates.

Counts only (the term report's headline figures): pupils' names, notes and what a
safeguarding concern says stay with the school. Only the schools the person is trust
lead of are shown; leading none of the trust's schools is a 404, as for no such trust.
"""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from peermentoring.core.http import AuthenticatedRequest
from peermentoring.core.spreadsheets import table_response
from peermentoring.evaluation.trust_figures import (
    Column,
    Value,
    default_period,
    led_schools,
    periods,
    table_rows,
    trust_table,
)
from peermentoring.evaluation.trust_forms import PeriodForm
from peermentoring.schools.models import Trust


def _cells(cells: list[tuple[Column, Value]]) -> SafeString:
    """A row's figures as table cells, each with its heading for a phone's card. Built
    here rather than by a loop in the template: 500 schools are 13,000 cells, which the
    template's loop took seven times as long to write. Each column's opening tag is
    escaped once; a figure is a number, or escaped."""
    return mark_safe(  # noqa: S308 - every part is escaped here
        "".join(f"{_opening(column.full_label)}{_figure(value)}</td>" for column, value in cells)
    )


def _figure(value: object) -> str:
    # A number's digits need no escaping (escape() took a third of the 24 ms of 500 rows).
    if value is None:
        return "–"
    if isinstance(value, int | float):
        return str(value)
    return escape(value)


@lru_cache(maxsize=256)
def _opening(label: str) -> str:
    return f'<td class="num" data-label="{escape(label)}">'


@require_GET
@login_required
def trust_figures(request: AuthenticatedRequest, trust_slug: str) -> HttpResponse:
    trust = get_object_or_404(Trust, slug=trust_slug)
    schools = list(led_schools(request.user, trust))
    if not schools:
        raise Http404("No such trust")
    choices = periods([s.pk for s in schools])
    form = PeriodForm(request.GET or None, periods=choices, default=default_period(choices))
    span = form.span
    table = trust_table(schools, span)
    file_format = request.GET.get("format", "")
    if file_format in ("csv", "xlsx") and not form.errors:
        name = slugify(f"{trust.slug} {span.key or f'{span.first} {span.last}'}")
        return table_response(table_rows(table), file_format, filename=name, sheet="Schools")
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "trust": trust,
        "form": form,
        "table": table,
        "rows": [(school, _cells(cells)) for school, cells in table.rows],
        "total": _cells(table.total),
        "query": query.urlencode(),
    }
    return render(request, "evaluation/trust/figures.html", context)
