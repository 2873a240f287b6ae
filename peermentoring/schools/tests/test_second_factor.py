"""Staff pages only after a second factor; pupils without one; step-up; changes end sessions.

The cases come from the access table: every school page any non-pupil role may open,
asked by that role in a session that has not proved a second factor, goes to set-up
(no authenticator yet) or to the code page (one set up), never to the page.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from peermentoring.core import mfa
from peermentoring.core.roles import PUPIL_ROLES, Role
from peermentoring.schools.tests.test_access import ACCESS, person_with, school_url  # noqa: F401
from tests.support.factories import MembershipFactory, TrustFactory, UserFactory
from tests.support.mfa import SECRET, give_authenticator, totp_code

pytestmark = pytest.mark.without_second_factor

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"
PASSWORD = "correct horse battery"
SET_UP = "/accounts/2fa/"

STAFF_CASES = [
    (name, role, method)
    for name in sorted(ACCESS)
    for role in sorted(ACCESS[name].roles)
    if role not in PUPIL_ROLES
    for method in ACCESS[name].methods
]


def unverified(user) -> Client:
    """Signed in with the password only (the test client's stand-in for it)."""
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_the_cases_cover_every_staff_role_and_both_methods():
    roles = {role for _, role, _ in STAFF_CASES}
    methods = {method for _, _, method in STAFF_CASES}
    assert roles == {
        Role.COORDINATOR,
        Role.SAFEGUARDING_LEAD,
        Role.DEPUTY_SAFEGUARDING_LEAD,
        Role.SCHOOL_ADMIN,
        Role.TRUST_LEAD,
    }
    assert methods == {"get", "post"}
    assert len(STAFF_CASES) > 200


@pytest.mark.parametrize(("name", "role", "method"), STAFF_CASES)
def test_a_staff_page_without_a_second_factor_goes_to_set_up_never_the_page(
    name,
    role,
    method,
    school,
    person_with,  # noqa: F811 - the fixture imported above
):
    user = person_with(role)
    url = school_url(name, school.slug, school, user)

    response = getattr(unverified(user), method)(url)

    assert response.status_code == 302, f"{method.upper()} {url} gave {response.status_code}"
    assert response["Location"] == SET_UP


@pytest.mark.parametrize(("name", "role", "method"), STAFF_CASES[::7])
def test_with_an_authenticator_set_up_a_staff_page_asks_for_the_code_then_comes_back(
    name,
    role,
    method,
    school,
    person_with,  # noqa: F811 - the fixture imported above
):
    user = person_with(role)
    give_authenticator(user)
    url = school_url(name, school.slug, school, user)
    client = unverified(user)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")
    if method == "get":
        assert response["Location"].endswith("?next=" + url.replace("?", "%3F"))


@pytest.mark.parametrize(
    "path", ["/", "/t/riverside/", "/admin/", "/invitations/1/accept/", "/s/oakbrook/"]
)
def test_pages_outside_a_school_are_held_back_too(path, school, coordinator):
    TrustFactory(slug="riverside")
    coordinator.is_staff = coordinator.is_superuser = True
    coordinator.save()

    response = unverified(coordinator).get(path)

    assert response.status_code == 302
    assert response["Location"] == SET_UP


@pytest.mark.parametrize("fixture", ["mentor", "mentee"])
def test_pupils_sign_in_without_a_second_factor(fixture, request, school):
    pupil = request.getfixturevalue(fixture)

    response = unverified(pupil).get(reverse("schools:home", args=[school.slug]))

    assert response.status_code == 200


def test_pupils_cannot_open_the_second_factor_pages(mentor):
    response = unverified(mentor).get(SET_UP)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_set_up_page_explains_what_to_do(coordinator):
    page = unverified(coordinator).get(SET_UP).content.decode()
    assert "Set up your second factor before you carry on" in page
    assert reverse("mfa_activate_totp") in page


# --- Signing in with a code -----------------------------------------------------------


def staff_with_password(school, role=Role.COORDINATOR):
    user = UserFactory(email="helen.hewitt@oakbrook.example")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, school=school, role=role)
    return user


def test_signing_in_asks_for_the_code_and_a_wrong_code_is_refused(school):
    user = staff_with_password(school)
    give_authenticator(user)
    client = Client()

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    wrong = "000000" if totp_code() != "000000" else "111111"
    refused = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert refused.status_code == 200
    assert "Incorrect code" in refused.content.decode()
    assert client.get(reverse("schools:home", args=[school.slug])).status_code == 302

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    assert client.get(reverse("schools:home", args=[school.slug])).status_code == 200


def test_a_code_works_once(school):
    user = staff_with_password(school)
    give_authenticator(user)
    first, second = Client(), Client()
    code = totp_code()
    for client in (first, second):
        client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    replay = second.post("/accounts/2fa/authenticate/", {"code": code})
    assert replay.status_code == 200


def test_a_recovery_code_signs_in_once(school):
    user = staff_with_password(school)
    codes = give_authenticator(user)
    home = reverse("schools:home", args=[school.slug])

    first = Client()
    first.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    first.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert first.get(home).status_code == 200

    again = Client()
    again.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert again.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 200
    assert again.get(home).status_code == 302


# allauth tells of a change once the transaction commits, inside the request.
@pytest.mark.django_db(transaction=True)
def test_a_new_member_of_staff_sets_up_the_app_and_gets_recovery_codes(school):
    user = staff_with_password(school)
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    home = reverse("schools:home", args=[school.slug])
    assert client.get(home)["Location"] == SET_UP

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, page.get("Location")
    secret = page.context["form"].secret
    assert secret in page.content.decode()  # the key as text, beside the QR code
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(response["Location"]).content.decode()
    assert codes_page.count("<li><code>") == 10
    assert "data-print" in codes_page
    after = client.get(home)
    assert after.status_code == 200, after.get("Location")


def test_authenticator_keys_are_stored_encrypted(school):
    user = staff_with_password(school)
    give_authenticator(user)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert stored.startswith("fernet:")
    assert SECRET not in stored


def test_a_key_made_under_a_retired_secret_key_matches_no_code(school, settings):
    user = staff_with_password(school)
    give_authenticator(user)
    settings.SECRET_KEY = "a-completely-different-secret-key-" + "x" * 40
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code()}).status_code == 200


def test_an_old_secret_key_in_the_fallbacks_still_reads_the_key(school, settings):
    user = staff_with_password(school)
    give_authenticator(user)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-completely-different-secret-key-" + "x" * 40
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code()}).status_code == 302


# --- Step-up ------------------------------------------------------------------------------


class FakeClock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


@mfa.recent_second_factor
def guarded(request: HttpRequest) -> HttpResponse:
    return HttpResponse("safeguarding")


def request_proved_at(user, at: float) -> HttpRequest:
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/s/oakbrook/safeguarding/?concern=1")
    request.session = SessionStore()
    request.user = user
    mfa.mark_verified(request, user)
    records = request.session["account_authentication_methods"]
    records[-1]["at"] = at
    request.session["account_authentication_methods"] = records
    return request


def test_step_up_lets_a_second_factor_of_the_last_15_minutes_through(dsl, monkeypatch):
    give_authenticator(dsl)
    monkeypatch.setattr("peermentoring.core.sessions.now", FakeClock(10_000 + 14 * 60 + 59))

    response = guarded(request_proved_at(dsl, 10_000))

    assert response.content == b"safeguarding"


def test_step_up_asks_again_after_15_minutes_and_comes_back(dsl, monkeypatch):
    give_authenticator(dsl)
    monkeypatch.setattr("peermentoring.core.sessions.now", FakeClock(10_000 + 15 * 60))

    response = guarded(request_proved_at(dsl, 10_000))

    assert response.status_code == 302
    assert response["Location"] == (
        "/accounts/2fa/reauthenticate/?next=/s/oakbrook/safeguarding/%3Fconcern%3D1"
    )


# --- A change to the second factor ends other sessions -------------------------------------


def verified(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    session = client.session
    request = HttpRequest()
    request.session = session
    request.user = user
    mfa.mark_verified(request, user)
    session.save()
    return client


# allauth tells of a change once the transaction commits, inside the request.
@pytest.mark.django_db(transaction=True)
def test_removing_the_authenticator_ends_other_sessions_and_asks_this_one_to_set_up(
    school, coordinator
):
    give_authenticator(coordinator)
    here, elsewhere = verified(coordinator), verified(coordinator)
    home = reverse("schools:home", args=[school.slug])
    assert elsewhere.get(home).status_code == 200

    response = here.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302

    ended = elsewhere.get(home)
    assert ended["Location"].startswith("/accounts/login/")
    # This session carries on, but with no second factor left it must set one up again.
    assert here.get(home)["Location"] == SET_UP


# allauth tells of a change once the transaction commits, inside the request.
@pytest.mark.django_db(transaction=True)
def test_making_new_recovery_codes_ends_other_sessions(school, coordinator):
    give_authenticator(coordinator)
    here, elsewhere = verified(coordinator), verified(coordinator)
    home = reverse("schools:home", args=[school.slug])

    made = here.post(reverse("mfa_generate_recovery_codes"))
    assert made.status_code == 302

    assert elsewhere.get(home)["Location"].startswith("/accounts/login/")
    assert here.get(home).status_code == 200


# --- Throttling by name and address -----------------------------------------------------


def test_wrong_passwords_lock_one_name_from_one_address_not_the_whole_school(school):
    user = staff_with_password(school)
    pupil_login = {"login": user.email, "password": "wrong"}
    at_school, at_home = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(5):
        at_school.post("/accounts/login/", pupil_login)

    locked = at_school.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    # The same person from another address, and another person from the same one, sign in.
    elsewhere = at_home.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert elsewhere.status_code == 302
    colleague = UserFactory(email="owen.price@oakbrook.example")
    colleague.set_password(PASSWORD)
    colleague.save()
    MembershipFactory(user=colleague, school=school, role=Role.COORDINATOR)
    same_room = Client(REMOTE_ADDR="10.0.0.1").post(
        "/accounts/login/", {"login": colleague.email, "password": PASSWORD}
    )
    assert same_room.status_code == 302


# --- A school admin resets a colleague's second factor --------------------------------------


def colleague_of(school, **fields):
    return MembershipFactory(
        user=UserFactory(first_name="Ceri", email="ceri.jones@oakbrook.example", **fields),
        school=school,
        role=Role.COORDINATOR,
        owns_account=True,
    )


def test_a_school_admin_resets_a_colleagues_second_factor(school, school_admin):
    from peermentoring.core.models import AuditEntry, OutboundEmail

    colleague = colleague_of(school)
    give_authenticator(colleague.user)
    their_session = verified(colleague.user)
    home = reverse("schools:home", args=[school.slug])
    assert their_session.get(home).status_code == 200
    admin = verified(school_admin)
    url = reverse("schools:second-factor-reset", args=[school.slug, colleague.pk])
    detail = admin.get(reverse("schools:membership-detail", args=[school.slug, colleague.pk]))
    assert url in detail.content.decode()

    response = admin.post(url)

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=colleague.user).exists()
    assert their_session.get(home)["Location"].startswith("/accounts/login/")
    entry = AuditEntry.objects.get(action="second_factor.reset")
    assert entry.actor == school_admin
    mail = OutboundEmail.objects.get(to_address="ceri.jones@oakbrook.example")
    assert "second factor was reset" in mail.subject
    assert school_admin.display_name in mail.body


def test_an_admin_cannot_reset_their_own_second_factor_here(school, school_admin):
    own = school_admin.memberships.get(school=school)
    own.owns_account = True
    own.save()
    give_authenticator(school_admin)
    admin = verified(school_admin)

    admin.post(reverse("schools:second-factor-reset", args=[school.slug, own.pk]))

    assert Authenticator.objects.filter(user=school_admin).exists()


def test_only_the_school_that_made_the_account_resets_its_second_factor(school, school_admin):
    invited = colleague_of(school)
    invited.owns_account = False
    invited.save()
    give_authenticator(invited.user)

    response = verified(school_admin).post(
        reverse("schools:second-factor-reset", args=[school.slug, invited.pk]), follow=True
    )

    assert Authenticator.objects.filter(user=invited.user).exists()
    assert "only that school" in response.content.decode() or "made by" in (
        response.content.decode()
    )


def test_a_pupils_account_has_no_second_factor_to_reset(school, school_admin, mentor):
    membership = mentor.memberships.get(school=school)
    membership.owns_account = True
    membership.save()
    give_authenticator(mentor)

    verified(school_admin).post(
        reverse("schools:second-factor-reset", args=[school.slug, membership.pk])
    )

    assert Authenticator.objects.filter(user=mentor).exists()


# --- One account is a pupil's or a member of staff's, never both ------------------------------


def test_a_pupils_account_cannot_be_given_a_staff_role(school, other_school, mentor):
    from django.core.exceptions import ValidationError

    from peermentoring.schools import services

    mentor.email = "kwame@pupils.oakbrook.example"
    mentor.save()
    with pytest.raises(ValidationError, match="belongs to a pupil"):
        services.create_staff_account(
            school=other_school,
            email="Kwame@pupils.oakbrook.example",
            first_name="Kwame",
            last_name="Mensah",
            role=Role.COORDINATOR,
            by=None,
        )
    assert not mentor.memberships.exclude(role__in=PUPIL_ROLES).exists()


def test_a_staff_account_cannot_be_given_a_pupil_role(school, other_school, coordinator):
    from django.core.exceptions import ValidationError

    from peermentoring.schools.models import Membership
    from tests.support.factories import PupilFactory

    pupil = PupilFactory(school=other_school)
    membership = Membership(user=coordinator, school=other_school, role=Role.MENTOR, pupil=pupil)
    with pytest.raises(ValidationError, match="belongs to a member of staff"):
        membership.full_clean()


def test_a_pupil_cannot_be_made_trust_lead(school, mentor):
    from django.core.exceptions import ValidationError

    from peermentoring.schools import services

    trust = TrustFactory()
    school.trust = trust
    school.save()
    mentor.email = "kwame@pupils.oakbrook.example"
    mentor.save()
    with pytest.raises(ValidationError, match="belongs to a pupil"):
        services.add_trust_lead(
            trust=trust, email=mentor.email, first_name="K", last_name="M", by=None
        )


def test_a_second_click_on_reset_sends_no_second_email(school, school_admin):
    from peermentoring.core.models import AuditEntry, OutboundEmail

    colleague = colleague_of(school)
    give_authenticator(colleague.user)
    admin = verified(school_admin)
    url = reverse("schools:second-factor-reset", args=[school.slug, colleague.pk])

    admin.post(url)
    again = admin.post(url, follow=True)

    assert "nothing to reset" in again.content.decode()
    assert OutboundEmail.objects.filter(to_address=colleague.user.email).count() == 1
    assert AuditEntry.objects.filter(action="second_factor.reset").count() == 1


def test_a_30_digit_id_and_a_megabyte_code_are_refused_plainly(school, school_admin):
    admin = verified(school_admin)
    assert admin.post(f"/s/{school.slug}/people/{'9' * 30}/reset-second-factor/").status_code == 404

    user = staff_with_password(school)
    give_authenticator(user)
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": "1" * 1_000_000})
    assert response.status_code == 200
    assert client.get(reverse("schools:home", args=[school.slug])).status_code == 302


def test_step_up_for_someone_their_schools_provider_vouched_for(dsl, monkeypatch):
    """No second factor of ours, signed in through an identity provider that enforces its
    own: step-up asks them to prove it is them again, then counts that."""
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/s/oakbrook/safeguarding/")
    request.session = SessionStore()
    request.user = dsl
    request.session[mfa.IDP_VERIFIED] = 10_000.0
    monkeypatch.setattr("peermentoring.core.sessions.now", FakeClock(10_000 + 16 * 60))

    asked = guarded(request)
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")

    from allauth.account.internal.flows.login import record_authentication

    monkeypatch.setattr("time.time", lambda: 10_000 + 16 * 60)
    record_authentication(request, dsl, "password", reauthenticated=True)
    assert guarded(request).content == b"safeguarding"


def test_a_form_kept_over_the_step_up_goes_back_only_to_its_own_page_and_not_for_ever(
    dsl, monkeypatch
):
    from django.contrib.sessions.backends.db import SessionStore

    give_authenticator(dsl)
    monkeypatch.setattr("peermentoring.core.sessions.now", FakeClock(10_000 + 16 * 60))
    sent = RequestFactory().post("/s/oakbrook/safeguarding/7/", {"text": "Phoned home"})
    sent.session = request_proved_at(dsl, 10_000).session
    sent.user = dsl
    assert guarded(sent).status_code == 302

    def visit(path: str) -> HttpRequest:
        request = RequestFactory().get(path)
        request.session = sent.session
        return request

    assert mfa.resumed_post(visit("/s/oakbrook/safeguarding/8/")) is None
    assert mfa.resumed_post(visit("/s/oakbrook/safeguarding/7/"))["text"] == "Phoned home"
    assert mfa.resumed_post(visit("/s/oakbrook/safeguarding/7/")) is None  # once only

    assert guarded(sent).status_code == 302
    monkeypatch.setattr("peermentoring.core.sessions.now", FakeClock(10_000 + 47 * 60))
    assert mfa.resumed_post(visit("/s/oakbrook/safeguarding/7/")) is None  # 31 minutes on
    assert isinstance(sent.session, SessionStore)
