"""The trust view: a trust lead's schools side by side, counts only, with CSV and Excel.

Who may see it (the trust's leads, only their schools), that each school's row is its
own term report's headline figures, the total, the downloads, the choice of period,
and that the page costs the same queries for 3 schools as for 12.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from peermentoring.core.roles import Role
from peermentoring.evaluation import figures
from peermentoring.evaluation.outcomes_figures import outcome_by_school
from peermentoring.evaluation.trust_figures import NO_TOTAL, OUTCOME_COLUMNS, TOTAL_LABEL, columns
from peermentoring.evaluation.trust_forms import BOTH_DATES, NO_SUCH_PERIOD
from peermentoring.meetings.models import Meeting
from peermentoring.schools.models import School, Term, Trust
from tests.support.access import assert_anonymous_sent_to_login
from tests.support.factories import (
    AcademicYearFactory,
    ConcernFactory,
    MeetingFactory,
    MembershipFactory,
    PairingFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    TermFactory,
    TrustFactory,
    UserFactory,
    VisitFactory,
    WeekCountFactory,
)

AUTUMN = (dt.date(2025, 9, 3), dt.date(2025, 12, 19))


def autumn_2025(school: School, first: dt.date = AUTUMN[0], last: dt.date = AUTUMN[1]) -> Term:
    year = AcademicYearFactory(
        school=school, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 8, 31)
    )
    term: Term = TermFactory(academic_year=year, starts_on=first, ends_on=last)
    return term


def lead(user, *schools: School) -> None:
    for school in schools:
        MembershipFactory(user=user, school=school, role=Role.TRUST_LEAD)


def url(trust: Trust, query: str = "") -> str:
    return f"/t/{trust.slug}/evaluation/" + (f"?{query}" if query else "")


def some_meetings(school: School, held: int, *, count: int = 0, not_held: int = 0) -> None:
    """`held` meetings that happened in the autumn of 2025 (one pairing, different days),
    a "met N times" count for a week without itemised meetings, and some that did not."""
    pairing = PairingFactory(school=school)
    day = dt.date(2025, 9, 8)
    for n in range(held + not_held):
        MeetingFactory(
            school=school,
            pairing=pairing,
            held_on=day + dt.timedelta(days=7 * n),
            status=Meeting.Status.HAPPENED if n < held else Meeting.Status.MENTEE_ABSENT,
            minutes=15 if n < held else None,
            mood=4 if n < held else None,
        )
    if count:
        WeekCountFactory(school=school, pairing=pairing, week_of=dt.date(2025, 12, 8), count=count)


@pytest.fixture
def trust(school, other_school):
    trust = TrustFactory(name="Riverside Learning Trust", slug="riverside")
    School.objects.filter(pk__in=[school.pk, other_school.pk]).update(trust=trust)
    for s in (school, other_school):
        autumn_2025(s)
    school.refresh_from_db()
    other_school.refresh_from_db()
    return trust


@pytest.fixture
def trust_lead(trust, school, other_school):
    user = UserFactory(first_name="Tariq")
    lead(user, school, other_school)
    return user


# --- Who may see it -------------------------------------------------------------------


def test_a_trust_lead_sees_every_school_they_lead_side_by_side(
    client_for, trust, trust_lead, school, other_school
):
    some_meetings(school, 3)
    some_meetings(other_school, 5)

    response = client_for(trust_lead).get(url(trust, "period=autumn-2025"))

    assert response.status_code == 200
    assert "Oakbrook Academy" in response.text
    assert "Elmstead School" in response.text
    assert "Autumn term 2025–26" in response.text
    assert response.context["table"].total[0][1] == 8


def test_someone_leading_none_of_the_trusts_schools_gets_404(client_for, trust, other_school):
    elsewhere = SchoolFactory(name="Hillside High", trust=TrustFactory(slug="hillside"))
    user = UserFactory()
    lead(user, elsewhere)

    assert client_for(user).get(url(trust)).status_code == 404


def test_a_coordinator_of_a_school_in_the_trust_gets_404(client_for, trust, coordinator):
    assert client_for(coordinator).get(url(trust)).status_code == 404


def test_a_school_admin_and_a_mentor_of_a_school_in_the_trust_get_404(
    client_for, trust, school_admin, mentor
):
    assert client_for(school_admin).get(url(trust)).status_code == 404
    assert client_for(mentor).get(url(trust)).status_code == 404


def test_a_trust_lead_whose_access_is_switched_off_gets_404(client_for, trust, trust_lead):
    trust_lead.memberships.update(is_active=False)

    assert client_for(trust_lead).get(url(trust)).status_code == 404


def test_no_such_trust_is_404(client_for, trust, trust_lead):
    assert client_for(trust_lead).get("/t/nowhere/evaluation/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, trust):
    assert_anonymous_sent_to_login(client, url(trust))


def test_only_the_schools_the_person_leads_are_shown(client_for, trust, school, other_school):
    user = UserFactory()
    lead(user, school)

    response = client_for(user).get(url(trust))

    assert response.status_code == 200
    assert "Oakbrook Academy" in response.text
    assert "Elmstead School" not in response.text


def test_a_lead_of_two_trusts_sees_only_this_trusts_schools(client_for, trust, trust_lead):
    hillside = TrustFactory(name="Hillside Trust", slug="hillside")
    theirs = SchoolFactory(name="Hillside High", trust=hillside)
    autumn_2025(theirs)
    some_meetings(theirs, 4)
    lead(trust_lead, theirs)

    riverside = client_for(trust_lead).get(url(trust, "period=autumn-2025"))
    other = client_for(trust_lead).get(url(hillside, "period=autumn-2025"))

    assert "Hillside High" not in riverside.text
    assert riverside.context["table"].total[0][1] == 0
    assert "Hillside High" in other.text
    assert "Oakbrook Academy" not in other.text


def test_a_school_moved_to_another_trust_leaves_the_first_trusts_view(
    client_for, trust, trust_lead, other_school
):
    other_school.trust = TrustFactory(slug="hillside")
    other_school.save(update_fields=["trust"])

    response = client_for(trust_lead).get(url(trust))

    assert "Elmstead School" not in response.text


def test_only_get_is_answered(client_for, trust, trust_lead):
    assert client_for(trust_lead).post(url(trust)).status_code == 405


# --- The figures ----------------------------------------------------------------------


def test_each_row_is_the_schools_own_term_report(
    client_for, trust, trust_lead, school, other_school
):
    some_meetings(school, 3, count=2, not_held=1)
    some_meetings(other_school, 5)
    VisitFactory(school=school, held_on=dt.date(2025, 10, 7), year7=3, year8=2)
    ReferralFactory(school=other_school, status="accepted")

    response = client_for(trust_lead).get(url(trust, "period=autumn-2025"))

    table = response.context["table"]
    for row_school, cells in table.rows:
        term = Term.objects.for_school(row_school).get(name="autumn", starts_on__year=2025)
        own = figures.report(row_school, figures.Span.for_term(term)).headline
        shown = {c.key: v for c, v in cells}
        assert {k: shown[k] for k in figures.HEADLINE_KEYS} == {
            k: own[k] for k in figures.HEADLINE_KEYS
        }
        outcomes = outcome_by_school(
            School.objects.filter(pk=row_school.pk), table.span.first, table.span.last
        )[row_school.pk]
        assert {k: shown[k] for k in OUTCOME_COLUMNS} == {k: outcomes[k] for k in OUTCOME_COLUMNS}
    by_key = {c.key: v for c, v in table.total}
    assert by_key["meetings_held"] == 3 + 2 + 5
    assert by_key["meetings_did_not_happen"] == 1
    assert by_key["dropin_visits"] == 5


def test_the_total_row_adds_up_every_column(client_for, trust, trust_lead, school, other_school):
    some_meetings(school, 2, not_held=2)
    some_meetings(other_school, 4, count=3)

    table = client_for(trust_lead).get(url(trust, "period=autumn-2025")).context["table"]

    for i, (column, total) in enumerate(table.total):
        if column.key in NO_TOTAL:  # an average or a percentage: a sum means nothing
            assert total is None, column.key
            continue
        assert total == sum(cells[i][1] for _, cells in table.rows), column.key


def test_a_term_spans_the_earliest_first_and_latest_last_day_of_the_schools(
    client_for, school, other_school
):
    trust = TrustFactory(slug="staggered")
    School.objects.filter(pk__in=[school.pk, other_school.pk]).update(trust=trust)
    autumn_2025(school, dt.date(2025, 9, 3), dt.date(2025, 12, 17))
    autumn_2025(other_school, dt.date(2025, 9, 8), dt.date(2025, 12, 19))
    user = UserFactory()
    lead(user, school, other_school)

    span = client_for(user).get(url(trust, "period=autumn-2025")).context["table"].span

    assert (span.first, span.last) == (dt.date(2025, 9, 3), dt.date(2025, 12, 19))


def test_no_names_notes_or_concern_content_reach_the_page_or_the_files(
    client_for, trust, trust_lead, school
):
    pupil = PupilFactory(school=school, given_name="Evangeline", family_name="Thistlewood")
    pairing = PairingFactory(school=school, referral=ReferralFactory(school=school, pupil=pupil))
    MeetingFactory(school=school, pairing=pairing, note="Worried about her dad's drinking")
    ConcernFactory(school=school, pupil=pupil, what_happened="Bruises on both arms")
    client = client_for(trust_lead)

    for query in ("period=autumn-2025", "period=autumn-2025&format=csv"):
        text = client.get(url(trust, query)).content.decode("utf-8-sig")
        for secret in ("Evangeline", "Thistlewood", "drinking", "Bruises"):
            assert secret not in text


# --- Downloads ------------------------------------------------------------------------


def test_the_csv_has_a_row_a_school_and_the_total(
    client_for, trust, trust_lead, school, other_school
):
    some_meetings(school, 3)
    some_meetings(other_school, 5)

    response = client_for(trust_lead).get(url(trust, "period=autumn-2025&format=csv"))

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="riverside-autumn-2025.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    held = rows[0].index("Meetings: held")
    assert rows[0][:2] == ["School", "URN"]
    assert len(rows[0]) == 2 + len(columns())
    assert [(r[0], r[held]) for r in rows[1:]] == [
        ("Elmstead School", "5"),
        ("Oakbrook Academy", "3"),
        (TOTAL_LABEL, "8"),
    ]


def test_a_school_name_like_a_formula_is_neutralised_in_the_csv(
    client_for, trust, trust_lead, school
):
    School.objects.filter(pk=school.pk).update(name='=HYPERLINK("http://evil")')

    response = client_for(trust_lead).get(url(trust, "format=csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [r[0] for r in rows[1:]]
    assert not any(n.startswith("=") for n in names)
    assert any("HYPERLINK" in n for n in names)


def test_the_excel_file_holds_the_same_table(client_for, trust, trust_lead, school, other_school):
    some_meetings(school, 3)

    client = client_for(trust_lead)
    response = client.get(url(trust, "period=autumn-2025&format=xlsx"))
    as_csv = client.get(url(trust, "period=autumn-2025&format=csv"))

    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = [
        ["" if v is None else str(v) for v in row]
        for row in book.active.iter_rows(values_only=True)
    ]
    assert sheet == list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))


def test_the_page_links_to_its_downloads_for_the_same_period(client_for, trust, trust_lead):
    response = client_for(trust_lead).get(url(trust, "period=autumn-2025"))

    assert "?period=autumn-2025&amp;format=csv" in response.text
    assert "?period=autumn-2025&amp;format=xlsx" in response.text


# --- The period -----------------------------------------------------------------------


def test_any_dates_may_be_chosen(client_for, trust, trust_lead, school):
    some_meetings(school, 6)  # weekly from 8 September

    response = client_for(trust_lead).get(url(trust, "first=2025-09-01&last=2025-09-30"))

    table = response.context["table"]
    assert (table.span.first, table.span.last) == (dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    assert {c.key: v for c, v in table.total}["meetings_held"] == 4


def test_dates_at_the_end_of_the_calendar_get_a_message_not_an_error(client_for, trust, trust_lead):
    # One day past 31 December 9999 overflowed the span's arithmetic: a 500 before.
    response = client_for(trust_lead).get(url(trust, "first=9999-12-30&last=9999-12-31"))

    assert response.status_code == 200  # the page, with its message, as for other periods
    assert "Choose dates from 2000 to 2099." in response.text


def test_a_year_may_be_chosen(client_for, trust, trust_lead):
    response = client_for(trust_lead).get(url(trust, "period=2025-26"))

    span = response.context["table"].span
    assert (span.first, span.last) == (dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    assert "The year 2025–26" in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("first=2025-09-01", BOTH_DATES),
        ("period=autumn-2099", NO_SUCH_PERIOD),
        ("period=" + "9" * 30, NO_SUCH_PERIOD),
        ("first=2025-12-01&last=2025-09-01", "The last day must be on or after the first day."),
        ("first=2015-09-01&last=2025-09-01", "Choose at most two years."),
        ("first=" + "9" * 30 + "&last=2025-09-01", "Enter a valid date."),
    ],
)
def test_a_period_that_cannot_be_shown_says_why(client_for, trust, trust_lead, query, message):
    response = client_for(trust_lead).get(url(trust, query))

    assert response.status_code == 200
    assert message in response.text


def test_a_download_with_a_wrong_period_shows_the_page_and_its_error(client_for, trust, trust_lead):
    response = client_for(trust_lead).get(url(trust, "first=2025-09-01&format=csv"))

    assert response["Content-Type"].startswith("text/html")
    assert BOTH_DATES in response.text


def test_without_a_choice_the_term_last_begun_is_shown(client_for, trust, trust_lead, school):
    later = AcademicYearFactory(
        school=school, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 8, 31)
    )
    TermFactory(
        academic_year=later,
        name=Term.Name.SPRING,
        starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 3, 26),
    )
    TermFactory(academic_year=later, starts_on=dt.date(2026, 9, 2), ends_on=dt.date(2026, 12, 18))

    response = client_for(trust_lead).get(url(trust))

    begun = {
        "autumn-2025": dt.date(2025, 9, 3),
        "autumn-2026": dt.date(2026, 9, 2),
        "spring-2027": dt.date(2027, 1, 4),
    }
    today = timezone.localdate()
    expected = max((k for k, d in begun.items() if d <= today), key=begun.__getitem__)
    assert response.context["table"].span.key == expected


# --- Queries --------------------------------------------------------------------------


def _school_in(trust: Trust, user, n: int) -> None:
    school = SchoolFactory(name=f"School {n:02d}", trust=trust)
    autumn_2025(school)
    some_meetings(school, 2, count=1, not_held=1)
    VisitFactory(school=school, held_on=dt.date(2025, 10, 7))
    lead(user, school)


def test_the_page_costs_the_same_queries_for_3_schools_as_for_12(
    db, client_for, django_assert_max_num_queries
):
    trust = TrustFactory(slug="big")
    user = UserFactory()
    for n in range(3):
        _school_in(trust, user, n)
    client = client_for(user)
    client.get(url(trust, "period=autumn-2025"))
    with CaptureQueriesContext(connection) as three:
        assert client.get(url(trust, "period=autumn-2025")).status_code == 200
    for n in range(3, 12):
        _school_in(trust, user, n)

    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(url(trust, "period=autumn-2025"))

    assert len(response.context["table"].rows) == 12
    assert {c.key: v for c, v in response.context["table"].total}["meetings_held"] == 12 * 3


def test_schools_without_terms_show_this_academic_year_so_far(client_for, db):
    trust = TrustFactory(slug="new-trust")
    user = UserFactory()
    lead(user, SchoolFactory(name="Brand New Academy", trust=trust))

    client = client_for(user)
    response = client.get(url(trust))
    download = client.get(url(trust, "format=csv"))

    span = response.context["table"].span
    assert response.status_code == 200
    assert span.first.month == 9 and span.first.day == 1
    assert span.last == max(timezone.localdate(), span.first)
    assert "so far" in response.text
    assert f'filename="new-trust-{span.first}-{span.last}.csv"' in download["Content-Disposition"]


def test_a_cell_writes_numbers_as_they_are_and_escapes_anything_else():
    from peermentoring.evaluation.trust_views import _figure

    assert _figure(None) == "–"
    assert _figure(1234) == "1234"
    assert _figure(3.5) == "3.5"
    assert _figure("<b>&") == "&lt;b&gt;&amp;"
