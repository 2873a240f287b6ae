"""Who may reach each school page: the school in the URL and the person's role.

`ACCESS`, merged from every app's tests/access.py, is the specification. Every URL
under /s/<school_slug>/ must appear in it (a new page that is not added fails the
suite), and every rule is checked against the running views: another school's
member and another school's row get exactly 404, anonymous visitors are sent to
log in, every role not listed gets exactly 403, every listed role is let in, and
an allowed POST makes the change its row says it makes.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from peermentoring.core.models import AuditEntry, OutboundEmail, User
from peermentoring.core.roles import PUPIL_ROLES, Role
from peermentoring.schools.models import School
from peermentoring.schools.tests.access import _failed_email
from tests.support.access import (
    app_access_tables,
    app_foreign_posts,
    app_public_pages,
    assert_anonymous_sent_to_login,
    assert_other_school_gets_404,
    assert_wrong_role_refused,
    school_url_names,
)
from tests.support.factories import (
    MembershipFactory,
    PupilFactory,
    TrustFactory,
    UserFactory,
    pupil_member,
)

# Every app lists its own pages in <app>/tests/access.py (schools included).
ACCESS = app_access_tables()

# POST bodies that name rows: every app says, for each POST URL, how to fill its
# row-naming fields with another school's ids (FOREIGN_POSTS) or that it has none.
FOREIGN_POSTS, NO_ROW_FIELDS = app_foreign_posts()

# Pages opened by a secret link without signing in: each app tests their own rules.
PUBLIC = app_public_pages()

URL_NAMES = sorted(ACCESS)
ROW_URL_NAMES = sorted(name for name, access in ACCESS.items() if access.rows)
ALLOWED = [(name, role) for name in URL_NAMES for role in Role if role in ACCESS[name].roles]
REFUSED = [(name, role) for name in URL_NAMES for role in Role if role not in ACCESS[name].roles]
POSTED = [
    (name, role)
    for name in URL_NAMES
    if "post" in ACCESS[name].methods
    for role in Role
    if role in (ACCESS[name].posted_by or ACCESS[name].roles)
]


def school_url(name: str, slug: str, rows_in: School, viewer: User) -> str:
    """The URL for `name` under `slug`, pointing at rows made in `rows_in`."""
    builder = ACCESS[name].rows
    kwargs = builder(rows_in, viewer) if builder else {}
    return reverse(name, kwargs={"school_slug": slug, **kwargs})


def refused_method(methods: tuple[str, ...]) -> str | None:
    """The method a GET-only or POST-only view turns away with 405."""
    other = [m for m in ("get", "post") if m not in methods]
    return other[0] if other else None


@pytest.fixture
def person_with(request, school):
    """A member of `school` holding the role, using the shared fixtures where there is one."""

    def make(role: str) -> User:
        fixture = {
            Role.COORDINATOR: "coordinator",
            Role.SAFEGUARDING_LEAD: "dsl",
            Role.SCHOOL_ADMIN: "school_admin",
            Role.MENTOR: "mentor",
            Role.MENTEE: "mentee",
        }.get(role)
        if fixture:
            return request.getfixturevalue(fixture)
        if role == Role.PUPIL:
            return pupil_member(school, Role.PUPIL, given_name="Zara", year_group=8).user
        if role == Role.DEPUTY_SAFEGUARDING_LEAD:
            return MembershipFactory(
                user=UserFactory(first_name="Dev"),
                school=school,
                role=Role.DEPUTY_SAFEGUARDING_LEAD,
            ).user
        return MembershipFactory(
            user=UserFactory(first_name="Tess"), school=school, role=Role.TRUST_LEAD
        ).user

    return make


# --- The table covers every page ------------------------------------------------------


def test_every_school_url_is_in_the_access_table():
    urls = school_url_names() - set(PUBLIC)

    assert not urls - set(ACCESS), f"pages with no row in the access table: {urls - set(ACCESS)}"
    assert not set(ACCESS) - urls, f"rows for pages that do not exist: {set(ACCESS) - urls}"


def test_the_pages_without_sign_in_exist_and_are_not_in_the_access_table():
    assert set(PUBLIC) <= school_url_names()
    assert not set(PUBLIC) & set(ACCESS)


def test_no_role_is_let_in_everywhere_by_the_table():
    # Each page names its roles; no role is in every page by rule. A typo making a
    # role allowed everywhere would hide the refusals this file checks.
    assert {role for _, role in ALLOWED} == set(Role)
    assert {role for _, role in REFUSED} == set(Role)


def test_the_school_admin_is_kept_out_of_a_mentors_own_page():
    assert ACCESS["meetings:my-mentee"].roles == {Role.MENTOR}
    assert ACCESS["meetings:log"].roles == {Role.MENTOR}


def test_every_post_url_says_what_an_allowed_post_changes():
    posted = {name for name in URL_NAMES if "post" in ACCESS[name].methods}
    with_effect = {name for name in URL_NAMES if ACCESS[name].effect is not None}

    assert posted == with_effect, f"POST pages without an effect: {posted - with_effect}"
    for name in posted:
        posted_by = ACCESS[name].posted_by
        assert posted_by is None or posted_by <= ACCESS[name].roles, name


# --- Another school's pages and rows ---------------------------------------------------


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_member_of_another_school_gets_404_on_this_schools_pages(
    name, school, other_school_admin, client_for
):
    client = client_for(other_school_admin)
    url = school_url(name, school.slug, school, other_school_admin)
    audit_before = AuditEntry.objects.count()

    assert_other_school_gets_404(client, url, methods=ACCESS[name].methods)

    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize(
    "name", [n for n in URL_NAMES if refused_method(ACCESS[n].methods) is not None]
)
def test_the_method_a_page_does_not_take_gives_another_school_the_same_answer_as_no_school(
    name, school, other_school_admin, client_for
):
    # GET-only and POST-only views answer the other method with 405 before looking at
    # the school; that is only safe if a school that does not exist gets the same 405.
    client = client_for(other_school_admin)
    method = refused_method(ACCESS[name].methods)
    real = getattr(client, method)(school_url(name, school.slug, school, other_school_admin))
    missing = getattr(client, method)(
        school_url(name, "no-such-school", school, other_school_admin)
    )

    assert real.status_code == missing.status_code == 405


def member_allowed(name: str, school: School, admin: User) -> User:
    """A member of `school` whom the page lets in: its admin, else one holding a role it allows."""
    roles = ACCESS[name].roles
    if Role.SCHOOL_ADMIN in roles:
        return admin
    role = sorted(roles)[0]
    if role in PUPIL_ROLES:
        return pupil_member(school, role, given_name="Zara", year_group=8).user
    return MembershipFactory(user=UserFactory(), school=school, role=role).user


@pytest.mark.parametrize("name", ROW_URL_NAMES)
def test_a_member_of_another_school_gets_404_for_this_schools_row_under_their_own_slug(
    name, school, other_school, other_school_admin, client_for
):
    member = member_allowed(name, other_school, other_school_admin)
    client = client_for(member)
    url = school_url(name, other_school.slug, school, member)
    audit_before = AuditEntry.objects.count()

    assert_other_school_gets_404(client, url, methods=ACCESS[name].methods)

    assert AuditEntry.objects.count() == audit_before


def test_another_schools_failed_email_is_not_retried_under_their_own_slug(
    school, other_school, other_school_admin, client_for
):
    client = client_for(other_school_admin)
    email_pk = _failed_email(school, other_school_admin)["email_pk"]

    client.post(reverse("schools:email-retry", args=[other_school.slug, email_pk]))

    assert OutboundEmail.objects.get(pk=email_pk).status == OutboundEmail.Status.FAILED


def test_another_schools_pupil_keeps_their_access_when_toggled_under_their_own_slug(
    school, other_school, other_school_admin, client_for
):
    client = client_for(other_school_admin)
    membership = pupil_member(school, Role.PUPIL)

    client.post(reverse("schools:membership-toggle", args=[other_school.slug, membership.pk]))

    membership.refresh_from_db()
    assert membership.is_active


# --- Another school's ids inside POST bodies -------------------------------------------


def test_every_post_url_says_whether_its_body_names_rows():
    posted = {name for name in URL_NAMES if "post" in ACCESS[name].methods}

    assert set(FOREIGN_POSTS) | NO_ROW_FIELDS == posted
    assert not set(FOREIGN_POSTS) & NO_ROW_FIELDS


@pytest.mark.parametrize("name", sorted(FOREIGN_POSTS))
def test_another_schools_ids_in_a_post_body_change_nothing_of_theirs(
    name, school, other_school, person_with, client_for
):
    roles = ACCESS[name].roles
    role = Role.SCHOOL_ADMIN if Role.SCHOOL_ADMIN in roles else sorted(roles)[0]
    user = person_with(role)
    post = FOREIGN_POSTS[name](school, other_school, user)
    other_audit = AuditEntry.objects.filter(school=other_school).count()

    response = client_for(user).post(
        reverse(name, kwargs={"school_slug": school.slug, **post.url_kwargs}), post.data
    )

    assert response.status_code < 500
    post.unchanged(response)
    assert AuditEntry.objects.filter(school=other_school).count() == other_audit


# --- Anonymous visitors ------------------------------------------------------------------


@pytest.mark.parametrize("name", URL_NAMES)
def test_an_anonymous_visitor_is_sent_to_log_in(name, client, school, coordinator):
    url = school_url(name, school.slug, school, coordinator)
    audit_before = AuditEntry.objects.count()

    if "get" in ACCESS[name].methods:
        assert_anonymous_sent_to_login(client, url)
    if "post" in ACCESS[name].methods:
        response = client.post(url)
        assert response.status_code == 302, f"POST {url} gave {response.status_code}"
        assert response["Location"].startswith("/accounts/login/"), response["Location"]

    assert AuditEntry.objects.count() == audit_before


# --- Roles within the school -----------------------------------------------------------


@pytest.mark.parametrize(("name", "role"), REFUSED)
def test_a_member_without_an_allowed_role_is_refused(name, role, school, person_with, client_for):
    user = person_with(role)
    client = client_for(user)
    url = school_url(name, school.slug, school, user)
    audit_before = AuditEntry.objects.count()

    assert_wrong_role_refused(client, url, methods=ACCESS[name].methods)

    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize(("name", "role"), ALLOWED)
def test_a_member_with_an_allowed_role_is_let_in(name, role, school, person_with, client_for):
    user = person_with(role)
    client = client_for(user)
    url = school_url(name, school.slug, school, user)

    if ACCESS[name].moved_to:
        response = client.get(url)
        assert response.status_code == 302, f"GET {url} gave {response.status_code}"
        assert response["Location"] == reverse(ACCESS[name].moved_to, args=[school.slug])
    elif "get" in ACCESS[name].methods:
        response = client.get(url)
        assert response.status_code == 200, f"GET {url} gave {response.status_code}"
    else:
        response = client.get(url)
        assert response.status_code == 405, f"GET {url} gave {response.status_code}, not 405"


@pytest.mark.parametrize(("name", "role"), POSTED)
def test_an_allowed_post_makes_its_change(name, role, school, person_with, client_for):
    access = ACCESS[name]
    user = person_with(role)
    kwargs = access.rows(school, user) if access.rows else {}
    body = access.body(school, user, kwargs) if access.body else {}
    url = reverse(name, kwargs={"school_slug": school.slug, **kwargs})

    response = client_for(user).post(url, body)

    assert response.status_code in (200, 302), f"POST {url} gave {response.status_code}"
    assert not response.get("Location", "").startswith("/accounts/login/")
    try:
        access.effect(response, kwargs)
    except AssertionError as error:
        raise AssertionError(
            f"POST {url} as {role} answered {response.status_code} but did not make its change"
        ) from error


# --- The trust dashboard -----------------------------------------------------------------


@pytest.fixture
def trust(school):
    trust = TrustFactory(name="Riverside Learning Trust", slug="riverside")
    school.trust = trust
    school.save(update_fields=["trust"])
    return trust


def trust_lead_of(school: School) -> User:
    return MembershipFactory(
        user=UserFactory(first_name="Tariq"), school=school, role=Role.TRUST_LEAD
    ).user


def test_a_trust_lead_of_a_school_in_the_trust_sees_the_trust_dashboard(client_for, trust, school):
    client = client_for(trust_lead_of(school))

    response = client.get(f"/t/{trust.slug}/")

    assert response.status_code == 200
    assert "Riverside Learning Trust" in response.text
    assert "Oakbrook Academy" in response.text


def test_a_coordinator_who_is_not_a_trust_lead_gets_404_from_the_trust_dashboard(
    client_for, trust, coordinator
):
    response = client_for(coordinator).get(f"/t/{trust.slug}/")

    assert response.status_code == 404


def test_a_trust_lead_of_another_trust_gets_404_from_the_trust_dashboard(
    client_for, trust, other_school
):
    other_school.trust = TrustFactory(name="Hillside Trust", slug="hillside")
    other_school.save(update_fields=["trust"])
    client = client_for(trust_lead_of(other_school))

    response = client.get(f"/t/{trust.slug}/")

    assert response.status_code == 404


def test_a_trust_lead_whose_access_is_switched_off_gets_404_from_the_trust_dashboard(
    client_for, trust, school
):
    lead = trust_lead_of(school)
    lead.memberships.update(is_active=False)
    client = client_for(lead)

    assert client.get(f"/t/{trust.slug}/").status_code == 404


def test_an_anonymous_visitor_to_the_trust_dashboard_is_sent_to_log_in(client, trust):
    assert_anonymous_sent_to_login(client, f"/t/{trust.slug}/")


def test_the_trust_dashboard_shows_counts_but_no_pupil_names(client_for, trust, school):
    PupilFactory(school=school, given_name="Evangeline", family_name="Thistlewood", year_group=7)
    client = client_for(trust_lead_of(school))

    response = client.get(f"/t/{trust.slug}/")

    assert response.status_code == 200
    row = re.search(
        r">Oakbrook Academy</a></th>\s*<td class=\"num\"[^>]*>(\d+)</td>", response.text
    )
    assert row is not None and row.group(1) == "1"
    assert "Evangeline" not in response.text
    assert "Thistlewood" not in response.text


# --- The Django admin --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/", "/admin/core/auditentry/", "/admin/core/user/"])
def test_the_django_admin_sends_a_school_admin_who_is_not_a_superuser_to_its_login(
    path, client_for, school_admin
):
    assert not school_admin.is_superuser

    response = client_for(school_admin).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
