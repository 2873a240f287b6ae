"""The outcomes (mentees' check-ins) wired into the term report, its chart and downloads,
`manage.py term_report`, the trust view and the evidence pack: counts always, averages
and the chart only for five pupils or more, never a pupil's answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from peermentoring.evaluation import figures
from peermentoring.evaluation.evidence_pack import Period, build_pack
from peermentoring.evaluation.models import Response
from peermentoring.evaluation.report_outcomes import EVIDENCE_NOTE, TITLE
from peermentoring.evaluation.tests.access_outcomes import answer_with, pairing_of
from peermentoring.evaluation.tests.test_trust_view import lead, url
from peermentoring.evaluation.year_report import figure_rows
from peermentoring.evaluation.year_services import annual_figures
from peermentoring.schools.models import School
from tests.support.factories import SchoolFactory, TrustFactory, UserFactory, this_year

pytestmark = pytest.mark.django_db

START, END = Response.Moment.START, Response.Moment.END
STARTS = [[2, 3, 1, 2], [3, 3, 2, 2], [1, 2, 2, 3], [2, 4, 3, 3], [3, 3, 3, 1]]
ENDS = [[4, 4, 3, 3], [3, 5, 3, 4], [3, 2, 4, 4], [2, 5, 3, 4], [2, 4, 3, 2]]


def _day(school: School, days: int) -> dt.date:
    return this_year(school).starts_on + dt.timedelta(days=days)


def _mentees(school: School, n: int) -> None:
    """`n` mentees (at most five) each with a first and a latest check-in this year."""
    for i in range(n):
        pairing = pairing_of(school, started_on=_day(school, 10), given_name=f"Zebedee{i}")
        answer_with(pairing, START, STARTS[i], on=_day(school, 12))
        answer_with(pairing, END, ENDS[i], on=_day(school, 200))


def _year(school: School) -> dict[str, str]:
    return {"year": figures.year_key(this_year(school))}


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- The term report page, chart and downloads ---------------------------------------


def test_the_report_shows_the_outcomes_with_their_chart_for_five_pupils(
    school, coordinator, client_for
):
    _mentees(school, 5)
    client = client_for(coordinator)
    page = client.get(reverse("evaluation:report", args=[school.slug]), _year(school))

    assert page.status_code == 200
    text = page.text
    assert "5 mentees answered a check-in" in text
    assert "I feel happy at school" in text
    assert "2.2" in text and "2.8" in text  # the happy question's averages
    chart_url = reverse("evaluation:report-chart", args=[school.slug, "outcomes"])
    assert chart_url in text
    assert "table=outcomes&amp;format=csv" in text
    assert reverse("evaluation:outcomes", args=[school.slug]) in text

    chart = client.get(chart_url, _year(school))
    assert chart.status_code == 200
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"I feel happy at school" in chart.content
    assert b"<script" not in chart.content


def test_fewer_than_five_pupils_have_no_chart_and_no_average(school, coordinator, client_for):
    _mentees(school, 4)
    client = client_for(coordinator)
    page = client.get(reverse("evaluation:report", args=[school.slug]), _year(school))

    assert "4 mentees answered a check-in" in page.text
    assert "Fewer than 5 pupils answered" in page.text
    chart_url = reverse("evaluation:report-chart", args=[school.slug, "outcomes"])
    assert chart_url not in page.text
    assert client.get(chart_url, _year(school)).status_code == 404

    rows = _csv(
        client.get(
            reverse("evaluation:report-download", args=[school.slug]),
            {**_year(school), "table": "outcomes", "format": "csv"},
        )
    )
    happy = next(r for r in rows if r[0] == "I feel happy at school")
    assert happy[1] == "4"
    assert happy[2] == happy[3] == happy[7] == ""  # no averages, no percentage


def test_the_outcomes_table_downloads_as_csv_and_excel_and_is_in_the_whole_report(
    school, coordinator, client_for
):
    _mentees(school, 5)
    client = client_for(coordinator)
    download = reverse("evaluation:report-download", args=[school.slug])

    rows = _csv(client.get(download, {**_year(school), "table": "outcomes", "format": "csv"}))
    assert rows[0][:4] == [
        "Question",
        "Pupils compared",
        "First (average, 1-5)",
        "Latest (average, 1-5)",
    ]
    happy = next(r for r in rows if r[0] == "I feel happy at school")
    assert happy[1:4] == ["5", "2.2", "2.8"]

    xlsx = client.get(download, {**_year(school), "table": "outcomes", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1][:4] == ["I feel happy at school", 5, 2.2, 2.8]

    everything = _csv(client.get(download, {**_year(school), "table": "all", "format": "csv"}))
    assert [TITLE] in everything
    assert ["Mentees who answered a check-in", "5"] in everything
    assert any(r[:2] == ["I feel happy at school", "5"] for r in everything)
    assert "Zebedee0" not in json.dumps(everything)


def test_the_printable_report_has_the_outcomes(school, coordinator, client_for):
    _mentees(school, 5)
    page = client_for(coordinator).get(
        reverse("evaluation:report", args=[school.slug]), {**_year(school), "print": "1"}
    )
    assert "evaluation/report_print.html" in [t.name for t in page.templates]
    assert "5 mentees answered a check-in" in page.text
    assert "I feel happy at school" in page.text


# --- manage.py term_report ----------------------------------------------------------------


def _run(school: School, fmt: str) -> str:
    out = StringIO()
    year = figures.year_key(this_year(school))
    call_command(
        "term_report", "--school", school.slug, "--year", year, "--format", fmt, stdout=out
    )
    return out.getvalue()


def test_the_command_has_the_outcomes_in_json_csv_and_text(school):
    _mentees(school, 5)

    data = json.loads(_run(school, "json"))
    assert data["outcomes"]["pupils_answered"] == 5
    assert data["outcomes"]["pupils_compared"] == 5
    happy = data["outcomes"]["questions"][0]
    assert (happy["text"], happy["first_average"], happy["latest_average"]) == (
        "I feel happy at school",
        2.2,
        2.8,
    )
    assert "meetings_held" in data

    rows = list(csv.reader(io.StringIO(_run(school, "csv"))))
    assert [TITLE] in rows
    assert any(r[:4] == ["I feel happy at school", "5", "2.2", "2.8"] for r in rows)

    text = _run(school, "text")
    assert "Mentees who answered a check-in: 5" in text
    assert "I feel happy at school: 5 compared, 2 better, 2 the same, 1 worse" in text


# --- The trust view --------------------------------------------------------------------


def test_the_trust_view_shows_each_schools_outcomes_hiding_averages_of_few_pupils(client_for):
    trust = TrustFactory(slug="outcomes-trust")
    user = UserFactory()
    many = SchoolFactory(name="Alder School", trust=trust)
    few = SchoolFactory(name="Birch School", trust=trust)
    lead(user, many, few)
    _mentees(many, 5)
    _mentees(few, 2)
    year = this_year(many)
    this_year(few)
    query = f"first={year.starts_on}&last={year.ends_on}"
    client = client_for(user)

    page = client.get(url(trust, query))
    assert page.status_code == 200
    assert "Mentees who answered" in page.text

    rows = _csv(client.get(url(trust, query + "&format=csv")))
    heading = rows[0]
    by_school = {r[0]: dict(zip(heading, r, strict=True)) for r in rows[1:]}
    answered = "Outcomes: mentees who answered"
    first = "Outcomes: first (average, 1-5)"
    percent = "Outcomes: better (%)"
    assert by_school["Alder School"][answered] == "5"
    assert by_school["Alder School"][first] != ""
    assert by_school["Alder School"][percent] == "100"
    assert by_school["Birch School"][answered] == "2"
    assert by_school["Birch School"][first] == ""  # fewer than five pupils
    assert by_school["Birch School"][percent] == ""
    assert by_school["All schools"][answered] == "7"
    assert by_school["All schools"][first] == by_school["All schools"][percent] == ""
    assert "Zebedee" not in page.text


# --- The evidence pack -------------------------------------------------------------------


@pytest.mark.parametrize("include_names", [False, True])
def test_the_evidence_pack_monitors_outcomes_with_counts_and_never_answers(school, include_names):
    _mentees(school, 5)
    year = this_year(school)

    pack = build_pack(school, Period.for_year(year), include_names=include_names)

    monitoring = next(a for a in pack.areas if a.key == "monitoring")
    facts = dict(monitoring.facts)
    assert facts["Mentees who answered a check-in"] == 5
    assert facts["Mentees answering better at their latest check-in than at their first"] == 5
    assert EVIDENCE_NOTE in monitoring.notes
    table = next(t for t in monitoring.tables if t.filename == "outcomes.csv")
    assert table.rows[0][:4] == ["I feel happy at school", 5, 2.2, 2.8]
    written = json.dumps([monitoring.facts, [t.rows for t in monitoring.tables]])
    assert "Zebedee" not in written


# --- The frozen annual report ------------------------------------------------------------


def test_the_frozen_annual_report_keeps_the_outcomes(school):
    _mentees(school, 5)

    frozen = json.loads(json.dumps(annual_figures(school, this_year(school))))

    assert frozen["outcomes"]["pupils_compared"] == 5
    assert frozen["outcomes"]["questions"][0]["first_average"] == 2.2
    rows = figure_rows(frozen)
    assert any(r.section == "Outcomes" and r.figure == "Pupils compared" for r in rows)
    assert "Zebedee" not in json.dumps(frozen)
