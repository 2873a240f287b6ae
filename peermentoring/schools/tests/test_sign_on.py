"""School single sign-on, end to end against a real OpenID Connect server on loopback.

`oidc-provider-mock` runs in a thread; our side is Django's test client; the provider's
own authorisation page is answered over HTTP with `requests`, choosing the person (`sub`)
and the claims the provider vouches for. Nothing of our code is mocked.
"""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import urlsplit

import oidc_provider_mock
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils.html import escape

from peermentoring.core import mfa
from peermentoring.core.roles import Role
from peermentoring.schools import sign_on
from peermentoring.schools.models import Membership, SchoolSignOn
from tests.support.factories import (
    MembershipFactory,
    SchoolSignOnFactory,
    UserFactory,
    pupil_member,
)
from tests.support.mfa import give_authenticator

SUBJECTS = itertools.count(1)


@pytest.fixture(scope="module")
def provider():
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oakbrook_sso(school, provider):
    """Oakbrook's "Sign in with Google", its Google being the local server."""
    return SchoolSignOnFactory(school=school, kind=SchoolSignOn.Kind.OIDC, issuer_url=provider)


def sign_in_through(
    client: Any, provider: str, row: SchoolSignOn, claims: dict[str, Any], sub: str = ""
) -> Any:
    """The whole journey: our button, the provider's page, back to us. Returns our answer."""
    sub = sub or f"person-{next(SUBJECTS)}"
    requests.put(f"{provider}/users/{sub}", json=claims, timeout=5).raise_for_status()
    login = reverse("openid_connect_login", kwargs={"provider_id": row.provider_id})
    start = client.post(login, {"next": f"/s/{row.school.slug}/"})
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(f"{provider}/oauth2/authorize")
    chosen = requests.post(start["Location"], data={"sub": sub}, allow_redirects=False, timeout=5)
    assert chosen.status_code == 302, chosen.text[:500]
    back = urlsplit(chosen.headers["Location"])
    assert back.path == reverse("openid_connect_callback", kwargs={"provider_id": row.provider_id})
    return client.get(f"{back.path}?{back.query}")


def verified(email: str) -> dict[str, Any]:
    return {"email": email, "email_verified": True}


def signed_in_as(client: Any) -> str | None:
    return client.session.get("_auth_user_id")


# --- Who is let in -------------------------------------------------------------------


def test_a_coordinator_signs_in_with_the_school_account_then_sets_up_a_second_factor(
    client, provider, oakbrook_sso, coordinator
):
    response = sign_in_through(client, provider, oakbrook_sso, verified(coordinator.email.upper()))

    assert response.status_code == 302
    assert signed_in_as(client) == str(coordinator.pk)
    assert SocialAccount.objects.get(provider=oakbrook_sso.provider_id).user == coordinator
    # The school's provider does not vouch for a second factor: ours is still asked for.
    page = client.get(response["Location"])
    assert page.status_code == 302 and page["Location"] == reverse("mfa_index")


def test_a_coordinator_with_an_authenticator_is_asked_for_the_code_before_being_signed_in(
    client, provider, oakbrook_sso, coordinator
):
    give_authenticator(coordinator)

    response = sign_in_through(client, provider, oakbrook_sso, verified(coordinator.email))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None


def test_a_school_whose_provider_enforces_a_second_factor_lets_its_staff_straight_in(
    client, provider, oakbrook_sso, coordinator, school
):
    oakbrook_sso.idp_enforces_mfa = True
    oakbrook_sso.save()

    response = sign_in_through(client, provider, oakbrook_sso, verified(coordinator.email))

    assert response["Location"] == f"/s/{school.slug}/"
    assert client.session.get(mfa.IDP_VERIFIED) is not None
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert home.wsgi_request.user == coordinator


def test_with_the_flag_someone_who_has_an_authenticator_here_is_not_asked_for_it_again(
    client, provider, oakbrook_sso, coordinator, school
):
    oakbrook_sso.idp_enforces_mfa = True
    oakbrook_sso.save()
    give_authenticator(coordinator)

    response = sign_in_through(client, provider, oakbrook_sso, verified(coordinator.email))

    assert response["Location"] == f"/s/{school.slug}/"
    assert signed_in_as(client) == str(coordinator.pk)
    assert client.get(response["Location"]).status_code == 200


def test_sign_in_with_google_reads_googles_discovery(
    client, provider, school, coordinator, monkeypatch
):
    monkeypatch.setitem(sign_on.ISSUERS, SchoolSignOn.Kind.GOOGLE, provider)
    google = SchoolSignOnFactory(school=school, kind=SchoolSignOn.Kind.GOOGLE)

    response = sign_in_through(client, provider, google, verified(coordinator.email))

    assert response.status_code == 302
    assert signed_in_as(client) == str(coordinator.pk)


def test_a_pupil_signs_in_with_the_school_account_without_a_second_factor(
    client, provider, oakbrook_sso, school
):
    pupil = pupil_member(school, Role.MENTEE, given_name="Lily").user
    pupil.email = "lily.7c@example.org"
    pupil.save(update_fields=["email"])

    response = sign_in_through(client, provider, oakbrook_sso, verified("lily.7c@example.org"))

    assert response["Location"] == f"/s/{school.slug}/"
    assert client.get(response["Location"]).status_code == 200


# --- Who is refused, and told why ---------------------------------------------------


def assert_refused(response: Any, message: str, client: Any) -> None:
    assert response.status_code == 403
    assert escape(message) in response.content.decode()
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_an_unknown_email_is_refused(client, provider, oakbrook_sso):
    response = sign_in_through(client, provider, oakbrook_sso, verified("nobody@example.org"))

    assert_refused(response, sign_on.UNKNOWN_EMAIL.format(email="nobody@example.org"), client)


def test_an_address_outside_the_schools_domains_is_refused(client, provider, oakbrook_sso, school):
    # The account exists and belongs to the school: only the domain is wrong.
    user = UserFactory(username="helen@gmail.com")
    MembershipFactory(user=user, school=school, role=Role.COORDINATOR)

    response = sign_in_through(client, provider, oakbrook_sso, verified("helen@gmail.com"))

    message = sign_on.WRONG_DOMAIN.format(
        email="helen@gmail.com", school=school.name, domains="@example.org"
    )
    assert_refused(response, message, client)


def test_another_schools_member_is_not_let_into_this_school(
    client, provider, oakbrook_sso, school, other_school_coordinator
):
    response = sign_in_through(
        client, provider, oakbrook_sso, verified(other_school_coordinator.email)
    )

    assert_refused(response, sign_on.NOT_THIS_SCHOOL.format(school=school.name), client)


def test_a_switched_off_membership_is_refused(client, provider, oakbrook_sso, school, coordinator):
    Membership.objects.filter(user=coordinator, school=school).update(is_active=False)

    response = sign_in_through(client, provider, oakbrook_sso, verified(coordinator.email))

    assert_refused(response, sign_on.SWITCHED_OFF.format(school=school.name), client)


def test_a_membership_switched_off_after_the_first_sign_in_is_refused_the_next_time(
    client, provider, oakbrook_sso, school, coordinator
):
    claims, sub = verified(coordinator.email), f"person-{next(SUBJECTS)}"
    sign_in_through(client, provider, oakbrook_sso, claims, sub)
    assert SocialAccount.objects.filter(user=coordinator).count() == 1
    client.logout()
    Membership.objects.filter(user=coordinator, school=school).update(is_active=False)

    response = sign_in_through(client, provider, oakbrook_sso, claims, sub)

    assert response.status_code == 403
    assert escape(sign_on.SWITCHED_OFF.format(school=school.name)) in response.content.decode()
    assert signed_in_as(client) is None


def test_an_address_the_provider_has_not_checked_is_refused(
    client, provider, oakbrook_sso, coordinator
):
    claims = {"email": coordinator.email, "email_verified": False}

    response = sign_in_through(client, provider, oakbrook_sso, claims)

    assert_refused(response, sign_on.NO_EMAIL, client)


def test_a_switched_off_provider_cannot_be_used(client, oakbrook_sso):
    oakbrook_sso.is_enabled = False
    oakbrook_sso.save()

    login = reverse("openid_connect_login", kwargs={"provider_id": oakbrook_sso.provider_id})
    assert client.post(login).status_code == 404
