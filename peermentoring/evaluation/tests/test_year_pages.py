"""The close page, the frozen annual report and its CSV; and manage.py close_year.

These run on the real clock: the year closed is 2020–21, long ended, so it may be
closed today (and nobody is taken off roll: see year_services)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from peermentoring.core.models import AuditEntry
from peermentoring.evaluation import year_services as services
from peermentoring.evaluation.models import ClosedYear
from peermentoring.evaluation.tests.access_year import PAST, academic_year, running_pairing
from peermentoring.evaluation.tests.test_year_close import snapshot
from peermentoring.evaluation.year_forms import NOT_A_PAIRING_TO_CONTINUE
from peermentoring.matching.models import Pairing
from peermentoring.schools.models import AcademicYear
from tests.support.factories import MeetingFactory


def scheme_rows() -> dict:
    """Every table but the signed-in session's own (sessions, sign-in logs)."""
    return {k: v for k, v in snapshot().items() if not k.startswith(("sessions.", "axes."))}


@pytest.fixture
def year(school):
    return academic_year(school, PAST)


def close_url(school, year):
    return reverse("evaluation:year-close", args=[school.slug, year.pk])


def test_the_close_page_lists_every_change_before_anything_changes(
    school, year, coordinator, client_for
):
    pairing = running_pairing(school, year, "Kwame")
    client = client_for(coordinator)
    before = scheme_rows()

    response = client.get(close_url(school, year))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Kwame" in page and f'name="continuing" value="{pairing.pk}"' in page
    assert "2021–22" in page and "moved on 52 weeks" in page
    assert scheme_rows() == before


def test_closing_from_the_page_keeps_the_ticked_pairings_and_shows_the_report(
    school, year, coordinator, client_for
):
    kept = running_pairing(school, year, "Kwame")
    ended = running_pairing(school, year, "Lola")
    digest = services.plan_close(school, year).digest

    response = client_for(coordinator).post(
        close_url(school, year),
        {"continuing": [str(kept.pk)], "digest": digest, "confirm": "on"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(
        "evaluation:year-report", args=[school.slug, year.pk]
    )
    assert Pairing.objects.get(pk=kept.pk).is_active
    assert Pairing.objects.get(pk=ended.pk).end_reason == "completed"
    closed = ClosedYear.objects.get(academic_year=year)
    assert closed.closed_by == coordinator
    assert "Meetings held" in response.content.decode()


def test_sending_the_close_twice_closes_once(school, year, coordinator, client_for):
    running_pairing(school, year)
    client = client_for(coordinator)
    body = {"digest": services.plan_close(school, year).digest, "confirm": "on"}
    client.post(close_url(school, year), body)
    audit = AuditEntry.objects.count()

    again = client.post(close_url(school, year), body)

    assert again.status_code == 302
    assert ClosedYear.objects.count() == 1
    assert AuditEntry.objects.count() == audit


def test_another_schools_pairing_in_the_form_is_refused(
    school, other_school, year, coordinator, client_for
):
    running_pairing(school, year)
    theirs = running_pairing(other_school, academic_year(other_school, PAST), "Tomasz")

    response = client_for(coordinator).post(
        close_url(school, year),
        {
            "continuing": [str(theirs.pk), "9" * 30],
            "digest": services.plan_close(school, year).digest,
            "confirm": "on",
        },
    )

    assert response.status_code == 200
    assert NOT_A_PAIRING_TO_CONTINUE in response.content.decode()
    assert not ClosedYear.objects.exists()
    assert Pairing.objects.get(pk=theirs.pk).is_active


def test_closing_needs_the_box_ticked(school, year, coordinator, client_for):
    running_pairing(school, year)

    response = client_for(coordinator).post(
        close_url(school, year), {"digest": services.plan_close(school, year).digest}
    )

    assert response.status_code == 200 and not ClosedYear.objects.exists()


def test_a_this_year_close_page_says_when_it_can_be_closed_and_offers_no_button(
    school, coordinator, client_for
):
    start = dt.date.today().year if dt.date.today().month >= 9 else dt.date.today().year - 1
    now = academic_year(school, start)
    summer = now.terms.get(name="summer")
    if dt.date.today() >= summer.ends_on - dt.timedelta(weeks=4):
        pytest.skip("run in the last weeks of a summer term, when this year may be closed")

    response = client_for(coordinator).get(close_url(school, now))

    page = response.content.decode()
    assert f"{now.name} can be closed from" in page
    assert "I have read the list" not in page


def test_the_annual_report_keeps_the_figures_of_the_day_it_was_closed(
    school, year, coordinator, client_for
):
    pairing = running_pairing(school, year)
    on = dt.date(PAST, 10, 6)
    MeetingFactory(school=school, pairing=pairing, held_on=on)
    client = client_for(coordinator)
    client.post(
        close_url(school, year),
        {"digest": services.plan_close(school, year).digest, "confirm": "on"},
    )
    MeetingFactory(
        school=school, pairing=pairing, held_on=on + dt.timedelta(days=1)
    )  # logged later

    csv = client.get(reverse("evaluation:year-report-download", args=[school.slug, year.pk]))

    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0] == "Section,Figure,Value"
    assert "Headline,Meetings held,1" in text.splitlines()
    assert ClosedYear.objects.get().figures["meetings_held"] == 1


def test_a_year_not_closed_has_no_report(school, year, coordinator, client_for):
    response = client_for(coordinator).get(
        reverse("evaluation:year-report", args=[school.slug, year.pk])
    )

    assert response.status_code == 404


def test_the_years_page_lists_the_years_with_a_link_to_close(school, year, coordinator, client_for):
    response = client_for(coordinator).get(reverse("evaluation:years", args=[school.slug]))

    assert close_url(school, year) in response.content.decode()


# --- manage.py close_year -------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("close_year", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_prints_every_change_and_changes_nothing(school, year):
    pairing = running_pairing(school, year, "Kwame")
    before = snapshot()

    out = run("--school", school.slug, "--year", "2020-21", "--dry-run")

    assert f"end: Kwame {pairing.mentor.pupil.family_name} with" in out
    assert "Next year: 2021–22 is set up" in out
    assert "Dry run: nothing was changed." in out
    assert snapshot() == before


def test_the_command_closes_the_year_keeping_the_pairings_named(school, year):
    kept = running_pairing(school, year, "Kwame")
    ended = running_pairing(school, year, "Lola")

    out = run("--school", school.slug, "--year", "2020–21", "--continue", str(kept.pk))

    assert "Closed 2020–21; next year is 2021–22" in out
    assert Pairing.objects.get(pk=kept.pk).is_active
    assert not Pairing.objects.get(pk=ended.pk).is_active
    assert AcademicYear.objects.filter(school=school, name="2021–22").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--school", "nowhere"), "No school with the slug 'nowhere'"),
        (("--school", "oakbrook", "--year", "1999-00"), "has no academic year '1999-00'"),
    ],
)
def test_the_command_refuses_an_unknown_school_or_year(school, year, args, words):
    with pytest.raises(CommandError, match=words):
        run(*args)


def test_the_command_refuses_a_year_already_closed(school, year):
    run("--school", school.slug, "--year", "2020-21")

    with pytest.raises(CommandError, match="2020–21 was closed on"):
        run("--school", school.slug, "--year", "2020-21", "--dry-run")
    with pytest.raises(CommandError, match="2020–21 was closed on"):
        run("--school", school.slug, "--year", "2020-21")


def test_the_command_refuses_another_schools_pairing(school, other_school, year):
    theirs = running_pairing(other_school, academic_year(other_school, PAST), "Tomasz")

    with pytest.raises(CommandError, match="not one of 2020–21's running pairings"):
        run("--school", school.slug, "--year", "2020-21", "--continue", str(theirs.pk))
    assert not ClosedYear.objects.exists()


@pytest.mark.parametrize("name", ["evaluation:year-close", "evaluation:year-report"])
def test_a_thirty_digit_year_is_not_found(school, coordinator, client_for, name):
    url = reverse(name, args=[school.slug, 10**30])

    assert client_for(coordinator).get(url).status_code == 404
