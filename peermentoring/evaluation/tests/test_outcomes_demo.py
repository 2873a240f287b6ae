"""The demo's check-ins and reflections: last year's show a change, this year's are under way,
and the demo's mentee has a check-in to answer. The builder loads them after the rest."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.evaluation import outcomes_due
from peermentoring.evaluation.models import Response
from peermentoring.evaluation.outcomes_figures import outcome_summary
from peermentoring.matching.models import Pairing
from peermentoring.schools.models import AcademicYear, Membership, School

pytestmark = pytest.mark.django_db


def test_the_demo_shows_last_years_outcomes_and_this_years_check_ins(client):
    call_command("load_demo", stdout=StringIO())
    school = School.objects.get(slug="oakbrook")  # load_demo calls load_outcomes_demo
    today = timezone.localdate()
    this_year, last_year = AcademicYear.objects.for_school(school)[:2]

    last = outcome_summary(school, last_year.starts_on, last_year.ends_on)
    assert last.pupils_compared >= 10 and not last.small
    assert last.overall.better > last.overall.worse
    worried = next(q for q in last.questions if "worried" in q.text)
    assert worried.change.latest_average > worried.change.first_average
    assert last.mentors_reflected >= 10

    responses = list(Response.objects.for_school(school).select_related("pairing"))
    # Most pupils have no account, so their paper forms were typed in; some answered online.
    assert {r.is_paper for r in responses} == {True, False}
    accounts = {
        m.pupil_id: m.user_id for m in Membership.objects.filter(school=school, pupil__isnull=False)
    }
    facts = {p.pk: p for p in outcomes_due.with_check_in_facts(Pairing.objects.for_school(school))}
    for response in responses:
        assert response.answered_on <= today
        assert response.is_paper == (response.pupil_id not in accounts)
        if not response.is_paper:
            assert response.entered_by_id == accounts[response.pupil_id]
        if response.pairing_id:
            dates = outcomes_due.dates_of(facts[response.pairing_id])
            assert dates.opened(response.moment, response.answered_on)
            assert response.answered_on >= response.pairing.started_on

    # This year: some answered, some still waiting on the coordinator's list.
    assert Response.objects.filter(school=school, answered_on__gte=this_year.starts_on).exists()
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    client.force_login(coordinator, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    page = client.get(reverse("evaluation:check-ins", args=[school.slug]))
    assert page.status_code == 200 and "Record a paper answer" in page.text
    outcomes = client.get(reverse("evaluation:outcomes", args=[school.slug])).text
    assert last_year.name in outcomes and "I know who to go to" in outcomes

    # The demo's mentee, paired this year, has their check-in to answer.
    mentee = Membership.objects.get(school=school, role=Role.MENTEE)
    assert Pairing.objects.filter(
        mentee=mentee.pupil_id, started_on__gte=this_year.starts_on
    ).exists()
    client.force_login(mentee.user, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    home = client.get(reverse("schools:home", args=[school.slug])).text
    assert "Your check-in" in home
