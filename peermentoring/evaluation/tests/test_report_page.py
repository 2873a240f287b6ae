"""The term report page, its charts and downloads, on the demo school and on hostile input."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from peermentoring.core.roles import Role
from peermentoring.evaluation import charts, figures
from peermentoring.schools.models import Membership, School, Term

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (its rows are read, never changed here)."""
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=StringIO())
        school = School.objects.get(slug="oakbrook")
        autumn = (
            Term.objects.for_school(school)
            .filter(name=Term.Name.AUTUMN)
            .order_by("starts_on")
            .first()
        )
        key = figures.term_key(autumn)
    yield school, key
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _client(school: School, role: str) -> Client:
    user = Membership.objects.filter(school=school, role=role, is_active=True).first().user
    client = Client()
    client.force_login(user, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    return client


def _url(school: School, name: str = "evaluation:report", *args: str) -> str:
    return reverse(name, args=[school.slug, *args])


def test_the_coordinator_sees_527_last_autumn_with_links_charts_and_downloads(demo):
    school, key = demo
    client = _client(school, Role.COORDINATOR)
    page = client.get(_url(school), {"term": key})
    assert page.status_code == 200
    text = page.text
    assert "From September to December there were 527 meetings" in text
    assert 'data-figure="meetings_held"><a href="/s/oakbrook/meetings/">527' in text
    assert "matching/pairings/?show=ended" in text
    assert "referral-list" not in text and "/matching/referrals/?show=queue" in text
    # Safeguarding counts link nowhere.
    assert 'data-figure="concerns_raised"><a' not in text
    assert 'data-figure="concerns_raised">' in text
    # Every table sits in a table-wrap with data-label cells; an image per chart with alt text.
    assert text.count('<div class="table-wrap">') == 10
    assert f"/s/oakbrook/evaluation/report/chart/weeks.svg?term={key}" in text
    assert 'alt="Chart of meetings per school week, bars.' in text
    assert 'alt="Chart of drop-in visitors per school week, a line.' in text
    assert "style=" not in text and "<script>" not in text
    assert "Outcomes" in text

    chart = client.get(_url(school, "evaluation:report-chart", "weeks"), {"term": key})
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert "Content-Security-Policy" in chart
    svg = chart.content.decode()
    for banned in ("<script", "style=", "<style", "onload", 'http://www.w3.org/1999/xlink" href'):
        assert banned not in svg.replace('xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    ET.fromstring(chart.content)  # noqa: S314 - our own chart: well-formed
    assert ">527<" not in svg  # weekly bars, not the total
    assert "Autumn term" in svg or "After half-term" in svg

    download = client.get(
        _url(school, "evaluation:report-download"), {"term": key, "table": "all", "format": "csv"}
    )
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="oakbrook-report-{key}.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert ["One-to-one meetings that happened", "527"] in rows
    weekly = client.get(
        _url(school, "evaluation:report-download"),
        {"term": key, "table": "weeks", "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(weekly.content)).active
    values = list(sheet.values)
    assert values[0][:4] == (
        "Week beginning",
        "Logged one by one",
        "Reported as a count",
        "Meetings",
    )
    assert sum(row[3] for row in values[1:]) == 527

    printed = client.get(_url(school), {"term": key, "print": "1"})
    assert printed.status_code == 200
    assert "report-print.css" in printed.text and "527 meetings" in printed.text
    assert '<form method="get"' not in printed.text


def test_a_school_admin_sees_figures_without_links_to_pages_their_role_cannot_open(demo):
    school, key = demo
    page = _client(school, Role.SCHOOL_ADMIN).get(_url(school), {"term": key})
    assert page.status_code == 200 and "527" in page.text
    # The actions list is the coordinator's alone.
    assert "/supervision/actions/" not in page.text
    assert "/matching/pairings/?show=ended" in page.text


def test_a_pupil_and_the_trust_lead_are_refused(demo):
    school, key = demo
    for role in (Role.MENTOR, Role.MENTEE):
        client = _client(school, role)
        assert client.get(_url(school), {"term": key}).status_code == 403
        chart = client.get(_url(school, "evaluation:report-chart", "weeks"), {"term": key})
        assert chart.status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"first": "2025-12-01", "last": "2025-09-01"}, "The last day must be on or after"),
        ({"first": "2020-09-01", "last": "2025-09-01"}, "Choose at most two years."),
        ({"first": "1" * 30 + "-01-01", "last": "2025-09-01"}, "Enter a real date"),
        ({"first": "2025-09-01"}, "Give both the first and the last day."),
        ({"term": "autumn-" + "9" * 30}, "Choose one of the school"),
        ({"year": "1999-00"}, "Choose one of the school"),
        ({"term": "autumn-2025" * 100_000}, "Choose one of the school"),
        ({"first": "2025-09-01" * 100_000, "last": "2025-12-01"}, "Enter a real date"),
        ({"first": "1900-01-01", "last": "1900-02-01"}, "Choose a date from 2000"),
    ],
)
def test_bad_dates_get_a_clear_message_and_no_report(demo, query, message):
    school, _ = demo
    page = _client(school, Role.COORDINATOR).get(_url(school), query)
    assert page.status_code == 400
    assert message in page.text.replace("&#x27;", "'")
    assert "report-sentence" not in page.text


def test_any_dates_and_the_year(demo):
    school, key = demo
    client = _client(school, Role.COORDINATOR)
    span = figures.parse_term(school, key)
    page = client.get(
        _url(school), {"first": span.first.isoformat(), "last": span.last.isoformat()}
    )
    assert page.status_code == 200 and "527 meetings" in page.text
    year = figures.year_key(Term.objects.get(pk=figures.find_term(school, key).pk).academic_year)
    page = client.get(_url(school), {"year": year})
    assert page.status_code == 200 and "From September to August there were" in page.text


def test_downloads_and_charts_refuse_unknown_names(demo):
    school, key = demo
    client = _client(school, Role.COORDINATOR)
    url = _url(school, "evaluation:report-download")
    assert client.get(url, {"term": key, "table": "secrets", "format": "csv"}).status_code == 404
    assert client.get(url, {"term": key, "table": "weeks", "format": "pdf"}).status_code == 404
    line = client.get(_url(school, "evaluation:report-chart", "dropin"), {"term": key})
    assert line.status_code == 200 and b"Drop-in visitors" in line.content
    chart = _url(school, "evaluation:report-chart", "pie")
    assert client.get(chart, {"term": key}).status_code == 404


@pytest.mark.parametrize("name", ["weeks", "dropin"])
def test_both_weekly_charts_draw_a_dashed_line_where_the_term_and_half_term_begin(demo, name):
    school, key = demo
    client = _client(school, Role.COORDINATOR)

    chart = client.get(_url(school, "evaluation:report-chart", name), {"term": key})

    svg = chart.content.decode()
    assert chart.status_code == 200
    assert ">Autumn term<" in svg and ">After half-term<" in svg
    assert svg.count("stroke-dasharray") == 2  # one dashed line a mark, nothing else dashed


def test_clean_svg_removes_scripts_styles_events_and_outside_links():
    dirty = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b"<style>*{fill:red}</style><script>alert(1)</script>"
        b'<g onclick="alert(1)" style="fill: #000000; stroke: none; font: 10px \'DejaVu Sans\'">'
        b'<use xlink:href="https://evil.example/x.svg#a"/><use xlink:href="#b"/></g></svg>'
    )
    clean = charts.clean_svg(dirty).decode()
    assert "<script" not in clean and "<style" not in clean and "onclick" not in clean
    assert "style=" not in clean and "evil.example" not in clean
    assert 'fill="#000000"' in clean and 'font-size="10px"' in clean and "#b" in clean


def test_the_outcomes_chart_is_ready_for_two_lists_of_averages():
    svg = charts.outcomes_chart(
        ["I feel happy at school", "I feel confident"], [2.5, 3.0], [3.5, None]
    )
    assert b"I feel happy at school" in svg and b"3.5" in svg and b"style=" not in svg


def test_a_question_with_dollar_signs_is_drawn_as_the_words_the_school_wrote():
    # Matplotlib read "$...$" as TeX mathematics: this question made the chart a 500.
    question = r"Pocket money $\foo{$ a week"
    svg = charts.outcomes_chart([question, "I feel confident"], [2.5, 3.0], [3.5, 4.0])

    assert rb"Pocket money $\foo{$ a week" in svg
