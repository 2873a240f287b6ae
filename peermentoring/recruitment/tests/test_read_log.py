"""Issue #7: the probe after the fixes found pages showing pupils' data with no read-log row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peermentoring.core.models import ReadEntry
from peermentoring.recruitment.models import Application
from tests.support.builders import application

pytestmark = pytest.mark.django_db


def test_opening_an_application_is_logged_naming_it(client_for, school, coordinator):
    submitted = application(school, status=Application.Status.SUBMITTED)

    client_for(coordinator).get(
        reverse("recruitment:application-detail", args=[school.slug, submitted.pk])
    )

    entry = ReadEntry.objects.get(kind=ReadEntry.Kind.APPLICATION)
    assert entry.reader == coordinator and entry.target_id == str(submitted.pk)
