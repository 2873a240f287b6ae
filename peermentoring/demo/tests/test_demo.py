"""The demo school is believable, built through the domain functions, and loads once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from peermentoring.core.models import AuditEntry
from peermentoring.demo.builder import DEMO_PASSWORD
from peermentoring.schools.calendar import term_on
from peermentoring.schools.models import AcademicYear, Membership, Pupil, School


def test_the_demo_builds_two_schools_in_one_trust_with_today_inside_this_year(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    oakbrook = School.objects.get(slug="oakbrook")
    elmstead = School.objects.get(slug="elmstead")
    assert oakbrook.trust == elmstead.trust
    for year_group in range(7, 12):
        assert Pupil.objects.for_school(oakbrook).in_year(year_group).count() == 180
    assert AcademicYear.objects.for_school(oakbrook).count() == 2
    today = timezone.localdate()
    assert AcademicYear.objects.for_school(oakbrook).containing(today).exists()
    roles = set(Membership.objects.for_school(oakbrook).values_list("role", flat=True))
    assert roles >= {"coordinator", "safeguarding_lead", "school_admin", "mentor", "mentee"}
    assert Membership.objects.for_school(oakbrook).filter(role="mentor").count() == 2
    # Made through the domain functions: the trail shows it.
    assert AuditEntry.objects.filter(school=oakbrook, action="pupil.imported").count() == 900
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed and "helen.hewitt@oakbrook.example" in printed
    if term_on(oakbrook, today) is None:
        assert today.month in (7, 8, 12, 1, 4)  # only in the holidays


def test_a_second_run_changes_nothing_and_prints_the_log_ins_again(db):
    call_command("load_demo", stdout=StringIO())
    pupils, entries = Pupil.objects.count(), AuditEntry.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert "helen.hewitt@oakbrook.example" in out.getvalue()
    assert (Pupil.objects.count(), AuditEntry.objects.count()) == (pupils, entries)
