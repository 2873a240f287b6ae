"""Training pages used the way a coordinator uses them."""

from __future__ import annotations

import html
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application
from peermentoring.training import services, views
from peermentoring.training.models import ModuleCompletion, TrainingModule
from tests.support import builders

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def url(name, school, *args):
    return reverse(name, args=[school.slug, *args])


def consented_trainee(school):
    mentor = builders.mentor_in(school)
    builders.application(
        school,
        Application.Status.ACCEPTED,
        pupil=mentor.pupil,
        mentor=mentor,
        parental_consent_on=timezone.localdate(),
    )
    return mentor


def test_the_coordinator_marks_a_module_required_from_the_programme(school, coordinator):
    services.create_default_programme(school=school, by=None)
    communication = TrainingModule.objects.get(school=school, order=3)
    client = signed_in(coordinator)

    page = text(client.get(url("training:programme", school)))
    response = client.post(
        url("training:module-edit", school, communication.pk),
        {"order": 3, "title": "Communication", "description": "", "is_required": "on"},
    )

    assert "Ground rules and safeguarding" in page
    assert response.status_code == 302
    communication.refresh_from_db()
    assert communication.is_required


def test_the_coordinator_schedules_a_day_and_takes_the_register(school, year, coordinator):
    modules = services.create_default_programme(school=school, by=None)
    trainee = consented_trainee(school)
    client = signed_in(coordinator)

    scheduled = client.post(
        url("training:session-create", school),
        {
            "title": "Day 2",
            "held_on": timezone.localdate().isoformat(),
            "academic_year": year.pk,
            "modules": [m.pk for m in modules[3:]],
        },
    )
    session_url = scheduled["Location"]
    register = {f"mark_{trainee.pk}_{m.pk}": "present" for m in modules[3:]}
    saved = client.post(session_url, register, follow=True)

    assert views.REGISTER_SAVED.format(count=3) in text(saved)
    assert ModuleCompletion.objects.filter(mentor=trainee, status="present").count() == 3
    trainee.refresh_from_db()
    assert trainee.status == Mentor.Status.TRAINED


def test_the_grid_shows_a_missing_safeguarding_module_as_a_gap(school, year, coordinator):
    services.create_default_programme(school=school, by=None)
    consented_trainee(school)

    page = signed_in(coordinator).get(url("training:grid", school)).content.decode()

    assert re.search(r'<td class="gap" data-label="5\* Ground rules and[^"]*">Missing</td>', page)


def test_a_catch_up_recorded_on_the_page_makes_the_trainee_trained(school, year, coordinator):
    modules = services.create_default_programme(school=school, by=None)
    trainee = consented_trainee(school)

    response = signed_in(coordinator).post(
        url("training:catch-up", school, trainee.pk),
        {
            "module": modules[4].pk,
            "completed_on": timezone.localdate().isoformat(),
            "signed_off_by": coordinator.pk,
        },
    )

    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.status == Mentor.Status.TRAINED


def test_a_certificate_is_printed_only_for_a_trained_mentor(school, year, coordinator):
    services.create_default_programme(school=school, by=None)
    trainee = consented_trainee(school)
    client = signed_in(coordinator)

    untrained = text(client.get(url("training:certificate", school, trainee.pk)))
    services.record_catch_up(
        mentor=trainee,
        module=TrainingModule.objects.get(school=school, order=5),
        completed_on=timezone.localdate(),
        signed_off_by=coordinator,
        by=coordinator,
    )
    trained = text(client.get(url("training:certificate", school, trainee.pk)))

    assert "not trained yet" in untrained
    assert "Certificate of training" in trained and trainee.pupil.full_name in trained


def test_the_badge_list_holds_trained_mentors_only(school, year, coordinator):
    trained = builders.mentor_in(school, status="trained")
    waiting = builders.mentor_in(school)

    page = text(signed_in(coordinator).get(url("training:badge-list", school)))

    assert trained.pupil.full_name in page
    assert waiting.pupil.full_name not in page
