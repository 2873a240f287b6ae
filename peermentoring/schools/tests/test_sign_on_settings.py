"""The school admin's "Sign in with Google / Microsoft" settings: checks, secrecy, audit, tenancy."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from peermentoring.core.models import AuditEntry
from peermentoring.schools.models import SchoolSignOn
from peermentoring.schools.services import sign_on as rules
from peermentoring.schools.sign_on import SchoolSignOnAdapter
from tests.support.factories import SchoolSignOnFactory

SECRET = "GOCSPX-very-private-value-1234"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def url(school, kind="google"):
    return reverse(f"schools:sign-on-{kind}", kwargs={"school_slug": school.slug})


def body(**changes):
    data = {
        "is_enabled": "on",
        "client_id": "123.apps.googleusercontent.com",
        "client_secret": SECRET,
        "allowed_domains": "oakbrook.sch.uk",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


def test_a_school_admin_switches_on_sign_in_with_google(client_for, school, school_admin):
    response = client_for(school_admin).post(url(school), body())

    assert response.status_code == 302
    row = SchoolSignOn.objects.get(school=school, kind="google")
    assert (row.is_enabled, row.client_secret, row.allowed_domains) == (
        True,
        SECRET,
        "oakbrook.sch.uk",
    )


def test_the_secret_is_never_shown_again_nor_written_in_the_audit_trail(
    client_for, school, school_admin
):
    client = client_for(school_admin)
    client.post(url(school), body())

    pages = [
        client.get(url(school)),
        client.get(reverse("schools:sign-on", kwargs={"school_slug": school.slug})),
        client.get(reverse("schools:audit-list", kwargs={"school_slug": school.slug})),
        client.post(url(school), body(allowed_domains="not a domain!")),  # a refused form
    ]

    for page in pages:
        assert page.status_code == 200
        assert SECRET not in page.content.decode()
        assert SECRET[-10:] not in page.content.decode()
    entry = AuditEntry.objects.get(school=school, action="sign_on.updated")
    assert SECRET not in str(entry.changes)
    assert entry.changes["client_secret"] == ["(hidden)", "changed"]


def test_an_empty_secret_keeps_the_saved_one(client_for, school, school_admin):
    client = client_for(school_admin)
    client.post(url(school), body())

    client.post(url(school), body(client_secret=""))

    assert SchoolSignOn.objects.get(school=school).client_secret == SECRET


def test_the_identity_providers_second_factor_is_audited(client_for, school, school_admin):
    client = client_for(school_admin)
    client.post(url(school), body())

    client.post(url(school), body(client_secret="", idp_enforces_mfa="on"))

    entry = AuditEntry.objects.filter(school=school, action="sign_on.updated").order_by("pk").last()
    assert entry.changes == {"idp_enforces_mfa": [False, True]}
    assert entry.actor == school_admin


@pytest.mark.parametrize(
    ("kind", "changes", "message"),
    [
        ("google", {"allowed_domains": "oakbrook"}, rules.DOMAIN_INVALID.format(domain="oakbrook")),
        (
            "google",
            {"allowed_domains": "ok.sch.uk bad_domain.uk"},
            rules.DOMAIN_INVALID.format(domain="bad_domain.uk"),
        ),
        ("google", {"client_id": "has spaces in"}, rules.CLIENT_ID_INVALID),
        ("google", {"client_id": "9" * 30 + "x" * 300}, "at most 255 characters"),
        ("google", {"allowed_domains": "a.uk " * 300_000}, "at most 500 characters"),
        ("microsoft", {"tenant_id": "contoso"}, rules.TENANT_INVALID),
        ("microsoft", {"tenant_id": "9" * 30}, rules.TENANT_INVALID),
        (
            "microsoft",
            {"tenant_id": ""},
            rules.NEEDED_TO_SWITCH_ON.format(fields="directory (tenant) ID"),
        ),
        ("oidc", {"issuer_url": "http://sso.oakbrook.sch.uk"}, rules.ISSUER_INVALID),
        ("oidc", {"issuer_url": "http://localhost:9000"}, rules.ISSUER_INVALID),
        ("oidc", {"issuer_url": "https://"}, rules.ISSUER_INVALID),
        ("oidc", {"issuer_url": "https://sso.example:99999999999999999999"}, rules.ISSUER_INVALID),
        ("oidc", {"issuer_url": ""}, rules.NEEDED_TO_SWITCH_ON.format(fields="issuer address")),
        (
            "google",
            {"client_secret": "", "client_id": ""},
            rules.NEEDED_TO_SWITCH_ON.format(fields="client ID, client secret"),
        ),
    ],
)
def test_a_bad_value_is_refused_with_a_clear_message(
    client_for, school, school_admin, kind, changes, message, settings
):
    settings.SCHOOL_SIGN_ON_ALLOW_LOOPBACK = False  # as in production
    response = client_for(school_admin).post(url(school, kind), body(**changes))

    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not SchoolSignOn.objects.exists()


def test_an_issuer_on_this_machine_is_accepted_only_where_allowed(
    client_for, school, school_admin, settings
):
    settings.SCHOOL_SIGN_ON_ALLOW_LOOPBACK = True

    client_for(school_admin).post(url(school, "oidc"), body(issuer_url="http://localhost:9000/"))

    assert SchoolSignOn.objects.get(school=school).issuer_url == "http://localhost:9000"


def test_another_schools_admin_can_neither_read_nor_change_this_schools_sign_in(
    client_for, school, school_admin, other_school_admin
):
    ours = SchoolSignOnFactory(school=school, client_secret=SECRET)
    assert client_for(school_admin).get(url(school)).status_code == 200
    client = client_for(other_school_admin)

    for kind in ("google", "microsoft", "oidc"):
        assert client.get(url(school, kind)).status_code == 404
        assert client.post(url(school, kind), body(client_id="theirs")).status_code == 404
    assert (
        client.get(reverse("schools:sign-on", kwargs={"school_slug": school.slug})).status_code
        == 404
    )
    ours.refresh_from_db()
    assert ours.client_id != "theirs"


def test_a_post_naming_another_schools_row_changes_only_this_schools(
    client_for, school, other_school, school_admin
):
    theirs = SchoolSignOnFactory(school=other_school, client_id="theirs", is_enabled=False)

    client_for(school_admin).post(
        url(school),
        body(id=theirs.pk, school=other_school.pk, school_id=other_school.pk, kind="microsoft"),
    )

    theirs.refresh_from_db()
    assert (theirs.client_id, theirs.is_enabled) == ("theirs", False)
    ours = SchoolSignOn.objects.get(school=school)
    assert (ours.kind, ours.client_id) == ("google", "123.apps.googleusercontent.com")


def test_the_apps_allauth_sees_are_the_switched_on_schools_with_their_issuers(school, other_school):
    SchoolSignOnFactory(school=school, kind="microsoft", tenant_id=TENANT)
    SchoolSignOnFactory(school=other_school, kind="google")
    SchoolSignOnFactory(school=other_school, kind="microsoft", tenant_id=TENANT, is_enabled=False)

    apps = {app.provider_id: app for app in SchoolSignOnAdapter().list_apps(None)}

    assert set(apps) == {"oakbrook-microsoft", "elmstead-google"}
    assert apps["oakbrook-microsoft"].settings == {
        "server_url": f"https://login.microsoftonline.com/{TENANT}/v2.0"
    }
    assert apps["elmstead-google"].settings == {"server_url": "https://accounts.google.com"}
    assert {app.provider for app in apps.values()} == {"openid_connect"}
    assert [a.provider_id for a in SchoolSignOnAdapter().list_apps(None, "oakbrook-microsoft")] == [
        "oakbrook-microsoft"
    ]


def test_the_sign_in_page_leads_to_the_schools_with_sign_in_switched_on(
    client, school, other_school
):
    SchoolSignOnFactory(school=school, kind="google")
    SchoolSignOnFactory(school=school, kind="microsoft", tenant_id=TENANT)
    SchoolSignOnFactory(school=other_school, kind="google", is_enabled=False)

    login = client.get(reverse("login")).content.decode()
    choose = client.get(reverse("school-sign-in-choose")).content.decode()
    page = client.get(reverse("school-sign-in", args=[school.slug])).content.decode()

    assert reverse("school-sign-in-choose") in login
    assert school.name in choose and other_school.name not in choose
    assert "Sign in with Google" in page and "Sign in with Microsoft" in page
    assert reverse("openid_connect_login", kwargs={"provider_id": "oakbrook-google"}) in page
    assert client.get(reverse("school-sign-in", args=[other_school.slug])).status_code == 404
