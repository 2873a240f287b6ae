"""Who may reach each schools page and what a POST to it changes; merged into test_access.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile

from peermentoring.core.models import AuditEntry, Notification, OutboundEmail, User
from peermentoring.core.roles import Role
from peermentoring.schools.calendar import academic_year_name, default_term_dates
from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    Membership,
    Pupil,
    PupilImport,
    School,
    SchoolDayWindow,
    SchoolSignOn,
    Term,
)
from peermentoring.schools.tests.pupil_import_support import sims_row, table
from tests.support.access import (
    ADMIN,
    AUDIT,
    EVERYONE,
    GET,
    GET_POST,
    POST,
    SETUP,
    STAFF,
    Access,
    ForeignPost,
    school_of,
    viewer_of,
)
from tests.support.factories import (
    FeederPrimaryFactory,
    MembershipFactory,
    PupilFactory,
    SchoolSignOnFactory,
    UserFactory,
    pupil_member,
)
from tests.support.mfa import give_authenticator

# --- Building the rows a URL points at -------------------------------------------------


def _term(school: School, viewer: User) -> dict[str, int]:
    year = AcademicYear.objects.create(
        school=school,
        name=academic_year_name(2025),
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2026, 7, 31),
    )
    for dates in default_term_dates(2025):
        Term.objects.create(
            academic_year=year,
            name=dates.name,
            starts_on=dates.starts_on,
            ends_on=dates.ends_on,
            half_term_starts_on=dates.half_term_starts_on,
            half_term_ends_on=dates.half_term_ends_on,
        )
    return {"term_pk": year.terms.get(name=Term.Name.AUTUMN).pk}


def _primary(school: School, viewer: User) -> dict[str, int]:
    return {"primary_pk": FeederPrimaryFactory(school=school, name="Hollybush Primary").pk}


def _pupil(school: School, viewer: User) -> dict[str, int]:
    return {"pupil_pk": PupilFactory(school=school, given_name="Rowan").pk}


def _import(school: School, viewer: User) -> dict[str, int]:
    report = PupilImport.objects.create(
        school=school,
        filename="pupils.csv",
        file_format="csv",
        outcome=PupilImport.Outcome.CHECKED,
    )
    return {"import_pk": report.pk}


def _membership(school: School, viewer: User) -> dict[str, int]:
    return {"membership_pk": pupil_member(school, Role.PUPIL, given_name="Ffion").pk}


def _notification(school: School, viewer: User) -> dict[str, int]:
    # Addressed to the person asking, so only the school can keep them out.
    notification = Notification.objects.create(
        school=school, recipient=viewer, title="A referral is waiting", url="/"
    )
    return {"notification_pk": notification.pk}


def _failed_email(school: School, viewer: User) -> dict[str, int]:
    email = OutboundEmail.objects.create(
        school=school,
        to_address="office@example.org",
        subject="Referral",
        body="Hello",
        status=OutboundEmail.Status.FAILED,
        attempts=5,
    )
    return {"email_pk": email.pk}


# --- What an allowed POST sends and changes --------------------------------------------

NEW_YEAR = 2030
AUTUMN_ENDS_ON = default_term_dates(2025)[0].ends_on - dt.timedelta(days=1)


def _settings_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"name": "Oakbrook Community Academy", "urn": "654321"}


def _settings_saved(response: Any, kwargs: dict[str, int]) -> None:
    school = School.objects.get(pk=school_of(response).pk)
    assert (school.name, school.urn) == ("Oakbrook Community Academy", "654321")


TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def _sign_on_body(school: School, viewer: User, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {
        "is_enabled": "on",
        "client_id": "b1a2c3d4-school-app",
        "client_secret": "a-new-secret-from-entra",
        "allowed_domains": "oakbrook.sch.uk",
        "tenant_id": TENANT,
    }


def _sign_on_saved(response: Any, kwargs: dict[str, Any]) -> None:
    row = SchoolSignOn.objects.get(school=school_of(response), kind=SchoolSignOn.Kind.MICROSOFT)
    assert (row.is_enabled, row.tenant_id, row.allowed_domains) == (True, TENANT, "oakbrook.sch.uk")


def _google_body(school: School, viewer: User, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {"client_id": "123.apps.googleusercontent.com", "allowed_domains": "@Oakbrook.sch.uk"}


def _google_saved(response: Any, kwargs: dict[str, Any]) -> None:
    row = SchoolSignOn.objects.get(school=school_of(response), kind=SchoolSignOn.Kind.GOOGLE)
    assert (row.is_enabled, row.client_id, row.allowed_domains) == (
        False,
        "123.apps.googleusercontent.com",
        "oakbrook.sch.uk",
    )


def _oidc_body(school: School, viewer: User, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {"issuer_url": "https://sso.oakbrook.sch.uk/realms/school/", "idp_enforces_mfa": "on"}


def _oidc_saved(response: Any, kwargs: dict[str, Any]) -> None:
    row = SchoolSignOn.objects.get(school=school_of(response), kind=SchoolSignOn.Kind.OIDC)
    assert (row.issuer_url, row.idp_enforces_mfa) == (
        "https://sso.oakbrook.sch.uk/realms/school",
        True,
    )


def _foreign_sign_on(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """The other school's row and school named in the body: only this school's row changes."""
    theirs = SchoolSignOnFactory(
        school=other_school, kind=SchoolSignOn.Kind.GOOGLE, client_id="theirs", is_enabled=False
    )
    before = SchoolSignOn.objects.filter(pk=theirs.pk).values().get()

    def unchanged(response: Any) -> None:
        assert response.status_code == 302, response.status_code
        assert SchoolSignOn.objects.filter(pk=theirs.pk).values().get() == before
        assert SchoolSignOn.objects.filter(school=other_school).count() == 1
        assert SchoolSignOn.objects.get(school=school, kind="google").client_id == "ours"

    data = {
        "id": theirs.pk,
        "pk": theirs.pk,
        "school": other_school.pk,
        "school_id": other_school.pk,
        "school_slug": other_school.slug,
        "kind": "google",
        "client_id": "ours",
        "client_secret": "our-own-secret-value",
        "allowed_domains": "oakbrook.sch.uk",
    }
    return ForeignPost({}, data, unchanged)


def _year_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    terms = default_term_dates(NEW_YEAR)
    body = {
        "name": academic_year_name(NEW_YEAR),
        "starts_on": terms[0].starts_on.replace(day=1).isoformat(),
        "ends_on": terms[-1].ends_on.replace(day=31).isoformat(),
    }
    for t in terms:
        for part in ("starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on"):
            value = getattr(t, part)
            body[f"{t.name}_{part}"] = value.isoformat() if value else ""
    return body


def _year_added(response: Any, kwargs: dict[str, int]) -> None:
    year = AcademicYear.objects.for_school(school_of(response)).get(
        name=academic_year_name(NEW_YEAR)
    )
    assert year.terms.count() == 3


def _term_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    term = Term.objects.get(pk=kwargs["term_pk"])
    return {
        "starts_on": term.starts_on.isoformat(),
        "ends_on": AUTUMN_ENDS_ON.isoformat(),
        "half_term_starts_on": term.half_term_starts_on.isoformat(),
        "half_term_ends_on": term.half_term_ends_on.isoformat(),
    }


def _term_saved(response: Any, kwargs: dict[str, int]) -> None:
    assert Term.objects.get(pk=kwargs["term_pk"]).ends_on == AUTUMN_ENDS_ON


def _windows_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    body = {}
    for w in SchoolDayWindow.objects.for_school(school).active():
        body[f"{w.weekday}_{w.kind}_start"] = f"{w.start_time:%H:%M}"
        body[f"{w.weekday}_{w.kind}_end"] = f"{w.end_time:%H:%M}"
    # Monday lunch switched off: the one change.
    body[f"{SchoolDayWindow.Weekday.MONDAY}_{SchoolDayWindow.Kind.LUNCH}_start"] = ""
    body[f"{SchoolDayWindow.Weekday.MONDAY}_{SchoolDayWindow.Kind.LUNCH}_end"] = ""
    return body


def _monday_lunch_off(response: Any, kwargs: dict[str, int]) -> None:
    windows = SchoolDayWindow.objects.for_school(school_of(response))
    monday = windows.filter(weekday=SchoolDayWindow.Weekday.MONDAY)
    assert not monday.get(kind=SchoolDayWindow.Kind.LUNCH).is_active
    assert monday.get(kind=SchoolDayWindow.Kind.BREAK).is_active


def _primary_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"name": "Brookside Primary", "urn": "", "contact_email": "year6@brookside.example.org"}


def _primary_saved(response: Any, kwargs: dict[str, int]) -> None:
    primary = FeederPrimary.objects.for_school(school_of(response)).get(name="Brookside Primary")
    assert primary.contact_email == "year6@brookside.example.org"
    if "primary_pk" in kwargs:
        assert primary.pk == kwargs["primary_pk"]


def _pupil_account_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"role": Role.PUPIL, "username": "rowan.test"}


def _pupil_account_made(response: Any, kwargs: dict[str, int]) -> None:
    membership = Membership.objects.get(pupil_id=kwargs["pupil_pk"])
    assert (membership.role, membership.user.username) == (Role.PUPIL, "rowan.test")


def _import_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    upload = SimpleUploadedFile("pupils.csv", table([sims_row("4001")]), "text/csv")
    return {"file": upload}


def _pupils_imported(response: Any, kwargs: dict[str, int]) -> None:
    assert Pupil.objects.for_school(school_of(response)).filter(family_name="Okafor4001").exists()


def _staff_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    return {
        "first_name": "Nia",
        "last_name": "Evans",
        "email": "nia.evans@example.org",
        "role": Role.COORDINATOR,
    }


def _staff_account_made(response: Any, kwargs: dict[str, int]) -> None:
    membership = Membership.objects.for_school(school_of(response)).get(
        user__email="nia.evans@example.org"
    )
    assert membership.role == Role.COORDINATOR


def _role_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"role": Role.MENTOR}


def _role_changed(response: Any, kwargs: dict[str, int]) -> None:
    assert Membership.objects.get(pk=kwargs["membership_pk"]).role == Role.MENTOR


def _password_reset(response: Any, kwargs: dict[str, int]) -> None:
    # A pupil's reset shows a temporary password they must change at first sign-in.
    assert Membership.objects.get(pk=kwargs["membership_pk"]).user.must_change_password


def _staff_membership(school: School, viewer: User) -> dict[str, int]:
    colleague = MembershipFactory(
        user=UserFactory(first_name="Ceri"), school=school, role=Role.COORDINATOR
    )
    give_authenticator(colleague.user)
    return {"membership_pk": colleague.pk}


def _second_factor_reset(response: Any, kwargs: dict[str, int]) -> None:
    user = Membership.objects.get(pk=kwargs["membership_pk"]).user
    assert not Authenticator.objects.filter(user=user).exists()


def _switch_off_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"to": "off"}


def _switched_off(response: Any, kwargs: dict[str, int]) -> None:
    assert not Membership.objects.get(pk=kwargs["membership_pk"]).is_active


def _notification_read(response: Any, kwargs: dict[str, int]) -> None:
    assert Notification.objects.get(pk=kwargs["notification_pk"]).read_at is not None


def _unread_body(school: School, viewer: User, kwargs: dict[str, int]) -> dict[str, Any]:
    for title in ("A referral is waiting", "Training on Tuesday"):
        Notification.objects.create(school=school, recipient=viewer, title=title, url="/")
    # Someone else's message in the same school stays unread.
    someone = UserFactory(first_name="Bryony")
    Notification.objects.create(school=school, recipient=someone, title="Not yours", url="/")
    return {}


def _all_read(response: Any, kwargs: dict[str, int]) -> None:
    here = Notification.objects.for_school(school_of(response))
    mine = here.filter(recipient=viewer_of(response))
    assert mine.count() == 2 and not mine.unread().exists()
    assert here.exclude(recipient=viewer_of(response)).get().read_at is None


def _signed_out_everywhere(response: Any, kwargs: dict[str, int]) -> None:
    # Every session of theirs ends: this one now, the others at their next request.
    assert not response.wsgi_request.user.is_authenticated
    entry = AuditEntry.objects.for_school(school_of(response)).get(
        action="account.signed_out_everywhere"
    )
    assert entry.actor is not None and entry.actor.session_generation == 1


def _email_queued_again(response: Any, kwargs: dict[str, int]) -> None:
    email = OutboundEmail.objects.get(pk=kwargs["email_pk"])
    assert (email.status, email.attempts) == (OutboundEmail.Status.QUEUED, 0)


# --- The table ----------------------------------------------------------------------

ACCESS: dict[str, Access] = {
    "schools:home": Access(EVERYONE, None, GET),
    "schools:trust-school-figures": Access(frozenset({Role.TRUST_LEAD}), None, GET),
    "schools:settings": Access(ADMIN, None, GET_POST, _settings_saved, _settings_body),
    "schools:sign-on": Access(ADMIN, None, GET),
    "schools:sign-on-google": Access(ADMIN, None, GET_POST, _google_saved, _google_body),
    "schools:sign-on-microsoft": Access(ADMIN, None, GET_POST, _sign_on_saved, _sign_on_body),
    "schools:sign-on-oidc": Access(ADMIN, None, GET_POST, _oidc_saved, _oidc_body),
    "schools:calendar": Access(STAFF, None, GET),
    "schools:academic-year-create": Access(ADMIN, None, GET_POST, _year_added, _year_body),
    "schools:term-edit": Access(ADMIN, _term, GET_POST, _term_saved, _term_body),
    "schools:windows": Access(STAFF, None, GET),
    "schools:windows-edit": Access(ADMIN, None, GET_POST, _monday_lunch_off, _windows_body),
    "schools:primary-list": Access(SETUP, None, GET),
    "schools:primary-create": Access(SETUP, None, GET_POST, _primary_saved, _primary_body),
    "schools:primary-edit": Access(SETUP, _primary, GET_POST, _primary_saved, _primary_body),
    "schools:pupil-list": Access(STAFF, None, GET),
    "schools:pupil-detail": Access(STAFF, _pupil, GET),
    "schools:pupil-account-create": Access(
        ADMIN, _pupil, GET_POST, _pupil_account_made, _pupil_account_body
    ),
    "schools:pupil-import": Access(ADMIN, None, GET_POST, _pupils_imported, _import_body),
    "schools:import-detail": Access(ADMIN, _import, GET),
    "schools:people": Access(ADMIN, None, GET),
    "schools:staff-account-create": Access(ADMIN, None, GET_POST, _staff_account_made, _staff_body),
    "schools:membership-detail": Access(ADMIN, _membership, GET_POST, _role_changed, _role_body),
    "schools:password-reset": Access(ADMIN, _membership, GET_POST, _password_reset),
    "schools:second-factor-reset": Access(ADMIN, _staff_membership, GET_POST, _second_factor_reset),
    "schools:membership-toggle": Access(
        ADMIN, _membership, GET_POST, _switched_off, _switch_off_body
    ),
    "schools:account": Access(EVERYONE, None, GET_POST, _signed_out_everywhere),
    "schools:notification-list": Access(EVERYONE, None, GET),
    "schools:notification-open": Access(EVERYONE, _notification, POST, _notification_read),
    "schools:notification-read-all": Access(EVERYONE, None, POST, _all_read, _unread_body),
    "schools:audit-list": Access(AUDIT, None, GET),
    "schools:read-list": Access(ADMIN, None, GET),
    "schools:email-list": Access(ADMIN, None, GET),
    "schools:email-retry": Access(ADMIN, _failed_email, POST, _email_queued_again),
}

# The pages of schools post dates, times, names, roles and files: no row ids.
# The sign-in settings name no row; a body naming the other school's is tried all the same.
FOREIGN_POSTS = {"schools:sign-on-google": _foreign_sign_on}

NO_ROW_FIELDS = {
    "schools:settings",
    "schools:academic-year-create",
    "schools:term-edit",
    "schools:windows-edit",
    "schools:primary-create",
    "schools:primary-edit",
    "schools:pupil-account-create",
    "schools:pupil-import",
    "schools:staff-account-create",
    "schools:membership-detail",
    "schools:password-reset",
    "schools:membership-toggle",
    "schools:second-factor-reset",
    "schools:notification-open",
    "schools:notification-read-all",
    "schools:email-retry",
    "schools:account",
    "schools:sign-on-microsoft",
    "schools:sign-on-oidc",
}
