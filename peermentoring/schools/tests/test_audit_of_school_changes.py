"""The audit trail records a real change: a school's details, changed through schools' services."""

from __future__ import annotations

import pytest
from django.db import transaction

from peermentoring.core.models import AuditEntry
from peermentoring.schools import services


def test_a_change_and_its_audit_entry_roll_back_together(school, school_admin):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.update_school(school=school, name="Oakbrook College", urn="", by=school_admin)
        1 / 0  # noqa: B018 - something fails later in the same transaction
    school.refresh_from_db()
    assert school.name == "Oakbrook Academy"
    assert not AuditEntry.objects.filter(action="school.updated").exists()


def test_an_update_records_who_and_what_changed(school, school_admin):
    services.update_school(school=school, name="Oakbrook College", urn=school.urn, by=school_admin)
    entry = AuditEntry.objects.get(action="school.updated")
    assert entry.actor == school_admin
    assert entry.school == school
    assert entry.target_id == str(school.pk)
    assert entry.changes == {"name": ["Oakbrook Academy", "Oakbrook College"]}


def test_saving_without_a_change_writes_no_entry(school, school_admin):
    services.update_school(school=school, name=school.name, urn=school.urn, by=school_admin)
    assert not AuditEntry.objects.filter(action="school.updated").exists()
