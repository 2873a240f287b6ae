"""The report's figures on the demo school: last year's autumn term is 527 meetings."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from peermentoring.evaluation import figures
from peermentoring.meetings import counting
from peermentoring.schools.models import AcademicYear, School, Term

pytestmark = pytest.mark.django_db


@pytest.fixture
def oakbrook() -> School:
    call_command("load_demo", stdout=StringIO())
    return School.objects.get(slug="oakbrook")


def test_last_autumn_is_527_and_agrees_with_counting_everywhere(oakbrook):
    last_year = AcademicYear.objects.for_school(oakbrook)[1]
    autumn = last_year.terms.get(name=Term.Name.AUTUMN)
    span = figures.Span.for_term(autumn)
    assert span.key == f"autumn-{autumn.starts_on.year}"
    assert figures.parse_term(oakbrook, span.key) == span
    assert figures.meetings_held(oakbrook, span) == 527
    report = figures.report(oakbrook, span)
    assert report.meetings_held == 527
    assert report.sentence.startswith("From September to December there were 527 meetings")
    weekly = {r["week"]: r["held"] for r in report.by_week}
    assert weekly == counting.weekly_totals(oakbrook, span.first, span.last)
    mentors = {r["mentor_id"]: r["held"] for r in report.by_mentor}
    assert mentors == {
        k: v for k, v in counting.mentor_totals(oakbrook, span.first, span.last).items() if v
    }
    assert sum(r["held"] for r in report.by_window) == 527
    missed = {r["status"]: r["count"] for r in report.did_not_happen if r["count"]}
    assert missed == counting.did_not_happen(oakbrook, span.first, span.last)
    data = report.as_dict()
    assert json.loads(json.dumps(data))["meetings_held"] == 527
    # The trust view's figures are the report's, for every span of the two years.
    for term in Term.objects.for_school(oakbrook):
        s = figures.Span.for_term(term)
        assert figures.by_school(School.objects.all(), s)[oakbrook.pk] == (
            figures.report(oakbrook, s).headline
        )
        assert figures.meetings_held(oakbrook, s) == counting.total(oakbrook, s.first, s.last)
