"""The demo school is believable, built through the domain functions, and loads once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from peermentoring.core.models import AuditEntry, OutboundEmail
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


def test_both_runs_print_the_same_log_in_table_and_no_e_mail_bodies(db, settings, capfd):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    first, second = StringIO(), StringIO()
    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    def table(out: StringIO) -> list[str]:
        return out.getvalue().split("Every demo account's password is", 1)[1].splitlines()

    assert table(first) == table(second)
    rows = "\n".join(table(first))
    for username in ("gareth.jones@oakbrook.example", "anne.marsh@riverside.example"):
        assert username in rows
    assert "Experienced mentor (Year 11)" in rows and "My mentee" in rows
    console = capfd.readouterr()
    assert "How well would this pupil support" not in console.out + console.err
    assert "Task id=" not in console.out + console.err
    assert OutboundEmail.objects.filter(subject__contains="a reference for").exists()


def test_the_demo_has_concerns_in_every_state_and_staff_share_one_authenticator_key(db):
    from allauth.mfa.models import Authenticator

    from peermentoring.demo.second_factors import DEMO_TOTP_KEY, demo_staff
    from peermentoring.safeguarding.models import Concern
    from tests.support.mfa import totp_code

    call_command("load_demo", stdout=StringIO())
    oakbrook = School.objects.get(slug="oakbrook")
    concerns = Concern.objects.for_school(oakbrook)
    assert set(concerns.values_list("status", flat=True)) == {
        "new",
        "acknowledged",
        "referred",
        "closed",
    }
    assert set(concerns.values_list("raised_by_role", flat=True)) >= {
        "mentor",
        "coordinator",
        "school_admin",
    }
    assert concerns.filter(entries__agency="social_care").exists()
    assert concerns.filter(status="new", escalated_at__isnull=False).count() == 1
    # Every demo member of staff signs in with a code from the one key the README gives.
    staff = demo_staff()
    assert len(staff) >= 7
    from allauth.mfa.totp.internal.auth import TOTP

    for user in staff:
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert TOTP(totp).validate_code(totp_code(DEMO_TOTP_KEY))
    # Someone tried the set-up page on the demo (or it was loaded under another secret key):
    # the next `make demo` puts the README's key back.
    from allauth.mfa.adapter import get_adapter

    tried = Authenticator.objects.get(user=staff[0], type=Authenticator.Type.TOTP)
    tried.data = {"secret": get_adapter().encrypt("JBSWY3DPEHPK3PXP")}
    tried.save()
    call_command("load_demo", stdout=StringIO())
    tried.refresh_from_db()
    assert get_adapter().decrypt(tried.data["secret"]) == DEMO_TOTP_KEY
