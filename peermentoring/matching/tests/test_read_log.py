"""Issue #7: the probe after the fixes found pages showing pupils' data with no read-log row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peermentoring.core.models import ReadEntry
from peermentoring.matching import services as matching_services

pytestmark = pytest.mark.django_db


def test_opening_a_matching_proposal_is_logged(client_for, school, coordinator):
    run = matching_services.run_matching(school=school, by=coordinator)

    client_for(coordinator).get(reverse("matching:run-detail", args=[school.slug, run.pk]))

    assert (
        ReadEntry.objects.filter(kind=ReadEntry.Kind.MATCH_RUN, target_id=str(run.pk)).count() == 1
    )


def test_opening_the_do_not_pair_list_is_logged_once(client_for, school, coordinator):
    client_for(coordinator).get(reverse("matching:do-not-pair", args=[school.slug]))

    assert (
        ReadEntry.objects.filter(kind=ReadEntry.Kind.DO_NOT_PAIR, reader=coordinator).count() == 1
    )
