"""Issue #7, findings 4 and 8 in training: bounded text, plausible dates, bounded numbers."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peermentoring.recruitment.models import Application
from peermentoring.training import services
from peermentoring.training.models import ModuleCompletion, TrainingModule, TrainingSession
from tests.support import builders

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"
HUGE = "9" * 30


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def url(name, school, *args):
    return reverse(name, args=[school.slug, *args])


def test_a_two_megabyte_module_description_is_refused(school, coordinator):
    response = signed_in(coordinator).post(
        url("training:module-create", school),
        {"order": 1, "title": "Listening", "description": "x" * 2_000_000},
    )

    assert response.status_code == 200
    assert "at most 2,000 characters" in text(response)
    assert not TrainingModule.objects.exists()


def test_a_thirty_digit_module_order_is_refused(school, coordinator):
    response = signed_in(coordinator).post(
        url("training:module-create", school), {"order": HUGE, "title": "Listening"}
    )

    assert response.status_code == 200
    assert not TrainingModule.objects.exists()


def test_a_session_years_away_from_its_cohort_is_refused(school, year, coordinator):
    module = builders.module_in(school)

    response = signed_in(coordinator).post(
        url("training:session-create", school),
        {
            "title": "Day 1",
            "held_on": "2999-07-14",
            "academic_year": year.pk,
            "modules": [module.pk],
        },
    )

    assert response.status_code == 200
    assert "2999" not in str(list(TrainingSession.objects.values_list("held_on", flat=True)))
    assert not TrainingSession.objects.exists()


def test_a_session_in_the_summer_before_the_cohort_serves_is_allowed(school, year, coordinator):
    module = builders.module_in(school)
    july_before = dt.date(year.starts_on.year, 7, 14)

    response = signed_in(coordinator).post(
        url("training:session-create", school),
        {
            "title": "Activities week",
            "held_on": july_before.isoformat(),
            "academic_year": year.pk,
            "modules": [module.pk],
        },
    )

    assert response.status_code == 302
    assert TrainingSession.objects.get().held_on == july_before


def test_a_catch_up_dated_decades_ago_is_refused(school, year, coordinator):
    module = builders.module_in(school)
    mentor = builders.mentor_in(school)
    builders.application(
        school,
        Application.Status.ACCEPTED,
        pupil=mentor.pupil,
        mentor=mentor,
        parental_consent_on=timezone.localdate(),
    )

    response = signed_in(coordinator).post(
        url("training:catch-up", school, mentor.pk),
        {"module": module.pk, "completed_on": "1901-01-01", "signed_off_by": coordinator.pk},
    )

    assert response.status_code == 200
    assert not ModuleCompletion.objects.exists()


@pytest.mark.parametrize("name", ["training:grid", "training:badge-list"])
@pytest.mark.parametrize("year_param", [HUGE, "-" + HUGE, "0"])
def test_a_thirty_digit_cohort_shows_this_cohort_not_a_crash(
    school, coordinator, year, name, year_param
):
    response = signed_in(coordinator).get(url(name, school), {"year": year_param})

    assert response.status_code == 200
    assert response.context["year"] == year


def test_a_register_naming_another_schools_trainee_changes_nothing(
    school, other_school, coordinator
):
    session = builders.session_in(school)
    module = session.modules.get()
    theirs = builders.mentor_in(other_school)

    response = signed_in(coordinator).post(
        url("training:session-register", school, session.pk),
        {f"mark_{theirs.pk}_{module.pk}": "present", f"mark_{HUGE}_{HUGE}": "present"},
    )

    assert response.status_code == 302
    assert not ModuleCompletion.objects.exists()


def test_the_session_date_range_lives_in_the_service(school, year, coordinator):
    module = builders.module_in(school)
    with pytest.raises(services.ValidationError):
        services.schedule_session(
            school=school,
            academic_year=year,
            title="Day 1",
            held_on=year.ends_on + dt.timedelta(days=1),
            modules=[module],
            by=coordinator,
        )


def test_a_thirty_digit_module_id_in_a_new_session_is_refused_not_a_crash(
    school, year, coordinator
):
    response = signed_in(coordinator).post(
        url("training:session-create", school),
        {
            "title": "Day 1",
            "held_on": year.starts_on.isoformat(),
            "academic_year": HUGE,
            "modules": [HUGE],
        },
    )

    assert response.status_code == 200
    assert not TrainingSession.objects.exists()


def test_thirty_digit_ids_in_a_catch_up_are_refused_not_a_crash(school, year, coordinator):
    mentor = builders.mentor_in(school)

    response = signed_in(coordinator).post(
        url("training:catch-up", school, mentor.pk),
        {"module": HUGE, "completed_on": timezone.localdate().isoformat(), "signed_off_by": HUGE},
    )

    assert response.status_code == 200
    assert not ModuleCompletion.objects.exists()
