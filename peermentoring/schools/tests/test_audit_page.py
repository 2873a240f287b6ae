"""The audit trail shows values whole and actions in words."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from peermentoring.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_text_change_is_shown_whole_and_a_pair_as_before_and_after(
    client_for, school, school_admin
):
    for action, changes in (
        ("pupil.imported", {"form_group": "7E"}),
        ("match_run.proposed", {"status": ["new", "accepted"], "reason": ["", "Moved"]}),
    ):
        AuditEntry.objects.create(
            school=school,
            action=action,
            target_type="schools.Pupil",
            target_id="1",
            target_label="Ava Smith",
            changes=changes,
        )

    page = html.unescape(
        client_for(school_admin).get(reverse("schools:audit-list", args=[school.slug])).text
    )

    assert "<strong>Form group</strong>: 7E" in page
    assert "7 → E" not in page
    assert "<strong>Status</strong>: new → accepted" in page
    assert "<strong>Reason</strong>: — → Moved" in page
    assert "Match run proposed" in page and "Pupil imported" in page
