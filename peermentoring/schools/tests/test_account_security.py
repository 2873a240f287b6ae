"""Accounts shared by schools, the lockout, passwords and secrets: attacked as the probe did.

Issue 7's findings 1, 2, 6, 9 and 11, each through the running views.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from peermentoring.core.models import AuditEntry, OutboundEmail, User
from peermentoring.core.roles import Role
from peermentoring.schools.models import Membership
from tests.support.factories import MembershipFactory, PupilFactory, SchoolFactory, UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def priya(school):
    """Oakbrook's safeguarding lead: her account was made by Oakbrook."""
    user = UserFactory(first_name="Priya", last_name="Shah", username="priya.shah@oakbrook.example")
    MembershipFactory(user=user, school=school, role=Role.SAFEGUARDING_LEAD)
    return user


def people_url(school, name, *args):
    return reverse(f"schools:{name}", args=[school.slug, *args])


def add_staff(client, school, email, role=Role.COORDINATOR):
    return client.post(
        people_url(school, "staff-account-create"),
        {"first_name": "Priya", "last_name": "Shah", "email": email, "role": role},
    )


# --- Finding 1: one school's admin takes over another school's account -----------------


def test_adding_another_schools_staff_member_invites_them_and_changes_nothing(
    client_for, school, other_school, other_school_admin, priya
):
    password_before = User.objects.get(pk=priya.pk).password

    add_staff(client_for(other_school_admin), other_school, "Priya.Shah@Oakbrook.example")

    invited = Membership.objects.get(user=priya, school=other_school)
    assert invited.accepted_at is None and not invited.owns_account
    assert not Membership.objects.active().filter(user=priya, school=other_school).exists()
    assert User.objects.get(pk=priya.pk).password == password_before
    assert OutboundEmail.objects.filter(school=other_school, to_address=priya.email).exists()


def test_an_invited_person_cannot_open_the_school_until_they_accept(
    client_for, client, school, other_school, other_school_admin, priya
):
    add_staff(client_for(other_school_admin), other_school, priya.email)
    invitation = Membership.objects.get(user=priya, school=other_school)
    client.logout()
    as_priya = client_for(priya)

    assert as_priya.get(reverse("schools:home", args=[other_school.slug])).status_code == 404
    home = as_priya.get(reverse("home"))
    assert "Elmstead School" in home.text and "Accept" in home.text

    as_priya.post(reverse("invitation-accept", args=[invitation.pk]))

    assert as_priya.get(reverse("schools:home", args=[other_school.slug])).status_code == 200
    assert AuditEntry.objects.filter(
        school=other_school, action="membership.invitation_accepted", actor=priya
    ).exists()


def test_nobody_else_can_accept_someone_elses_invitation(
    client_for, client, school, other_school, other_school_admin, priya
):
    add_staff(client_for(other_school_admin), other_school, priya.email)
    invitation = Membership.objects.get(user=priya, school=other_school)
    client.logout()

    response = client_for(other_school_admin).post(
        reverse("invitation-accept", args=[invitation.pk])
    )

    assert response.status_code == 404
    assert Membership.objects.get(pk=invitation.pk).accepted_at is None


def test_declining_an_invitation_removes_the_offered_role_only(
    client_for, client, school, other_school, other_school_admin, priya
):
    add_staff(client_for(other_school_admin), other_school, priya.email)
    invitation = Membership.objects.get(user=priya, school=other_school)
    client.logout()

    client_for(priya).post(reverse("invitation-decline", args=[invitation.pk]))

    assert not Membership.objects.filter(pk=invitation.pk).exists()
    assert Membership.objects.active().filter(user=priya, school=school).exists()


def test_another_school_cannot_reset_the_password_of_an_account_it_shares(
    client_for, client, school, other_school, other_school_admin, priya
):
    # Even once she has accepted, the account stays Oakbrook's.
    shared = MembershipFactory(user=priya, school=other_school, role=Role.COORDINATOR)
    assert not shared.owns_account
    password_before = User.objects.get(pk=priya.pk).password
    as_elmstead = client_for(other_school_admin)

    as_elmstead.post(people_url(other_school, "password-reset", shared.pk))

    assert User.objects.get(pk=priya.pk).password == password_before
    assert not AuditEntry.objects.filter(action="password.reset").exists()
    detail = as_elmstead.get(people_url(other_school, "membership-detail", shared.pk))
    assert "Last signed in" not in detail.text
    assert "Reset password" not in detail.text


def test_the_owning_school_resets_a_shared_account_and_both_schools_see_it(
    client_for, school, other_school, school_admin, priya
):
    MembershipFactory(user=priya, school=other_school, role=Role.COORDINATOR)
    own = Membership.objects.get(user=priya, school=school)

    response = client_for(school_admin).post(people_url(school, "password-reset", own.pk))

    assert response.status_code == 302
    assert not User.objects.get(pk=priya.pk).has_usable_password()
    assert AuditEntry.objects.filter(school=school, action="password.reset").count() == 1
    assert AuditEntry.objects.filter(school=other_school, action="password.reset").count() == 1


def test_each_school_sharing_an_account_switches_off_only_its_own_access(
    client_for, client, school, other_school, school_admin, other_school_admin, priya
):
    shared = MembershipFactory(user=priya, school=other_school, role=Role.COORDINATOR)
    own = Membership.objects.get(user=priya, school=school)

    client_for(other_school_admin).post(
        people_url(other_school, "membership-toggle", shared.pk), {"to": "off"}
    )
    client.logout()
    client_for(school_admin).get(people_url(school, "membership-toggle", own.pk))

    assert not Membership.objects.get(pk=shared.pk).is_active
    assert Membership.objects.get(pk=own.pk).is_active  # a GET only asks to confirm
    assert User.objects.get(pk=priya.pk).is_active


def test_the_superuser_can_never_be_added_to_or_reached_from_a_school(
    client_for, client, school, other_school_admin, other_school
):
    root = User.objects.create_superuser("root", "root@peermentoring.example", "x" * 20)

    add_staff(client_for(other_school_admin), other_school, "ROOT@peermentoring.example")

    assert not Membership.objects.filter(user=root).exists()
    # Even a membership made outside the pages is not shown or reset there.
    membership = MembershipFactory(user=root, school=other_school, role=Role.COORDINATOR)
    as_admin = client_for(other_school_admin)
    assert "root@peermentoring.example" not in as_admin.get(people_url(other_school, "people")).text
    assert (
        as_admin.post(people_url(other_school, "password-reset", membership.pk)).status_code == 404
    )
    assert User.objects.get(pk=root.pk).check_password("x" * 20)


# --- Finding 6: a school hands out trust-wide roles --------------------------------------


def test_a_school_admin_cannot_make_a_trust_lead(client_for, school, school_admin):
    response = add_staff(client_for(school_admin), school, "tess@riverside.example", "trust_lead")

    assert response.status_code == 200
    assert not Membership.objects.filter(role=Role.TRUST_LEAD).exists()


def test_a_school_admin_cannot_turn_a_coordinator_into_a_trust_lead(
    client_for, school, school_admin, coordinator
):
    membership = Membership.objects.get(user=coordinator)

    client_for(school_admin).post(
        people_url(school, "membership-detail", membership.pk), {"role": "trust_lead"}
    )

    assert Membership.objects.get(pk=membership.pk).role == Role.COORDINATOR


# --- Finding 2: the lockout and guessable temporary passwords --------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "Helen.Hewitt@Oakbrook.example",
        "HELEN.HEWITT@OAKBROOK.EXAMPLE",
        " helen.hewitt@oakbrook.example ",
    ],
)
def test_changing_the_case_of_the_username_does_not_buy_more_tries(client, school, variant):
    user = UserFactory(
        first_name="Helen", last_name="Hewitt", username="helen.hewitt@oakbrook.example"
    )
    MembershipFactory(user=user, school=school, role=Role.COORDINATOR)
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})

    response = client.post("/accounts/login/", {"login": variant, "password": PASSWORD})

    assert response.status_code == 429


def test_a_pupils_username_in_capitals_is_locked_out_with_the_rest(client, school):
    pupil = PupilFactory(school=school, given_name="Lily")
    user = UserFactory(username="lily.cho", email="", first_name="Lily", last_name="Cho")
    MembershipFactory(user=user, school=school, role=Role.MENTEE, pupil=pupil)
    for variant in ["lily.cho", "Lily.Cho", "LILY.CHO", "lily.CHO", "Lily.cho"]:
        client.post("/accounts/login/", {"login": variant, "password": "wrong"})

    response = client.post("/accounts/login/", {"login": "lily.cho", "password": PASSWORD})

    assert response.status_code == 429


def test_a_pupils_temporary_password_carries_at_least_50_bits(client_for, school, school_admin):
    from peermentoring.schools.services import password_words, temporary_password_bits

    pupil = PupilFactory(school=school, given_name="Ffion", family_name="Evans")
    response = client_for(school_admin).post(
        people_url(school, "pupil-account-create", pupil.pk),
        {"role": Role.PUPIL, "username": "ffion.evans"},
    )

    password = response.context["password"]
    words = password.split("-")
    assert len(password_words()) >= 2000
    assert all(word in password_words() for word in words[:-1])
    assert temporary_password_bits() >= 50
    assert len(password) >= 12
    assert User.objects.get(username="ffion.evans").check_password(password)


# --- Passwords: at least 12 characters, not common, not the person's name ---------------


@pytest.mark.parametrize(
    "new_password",
    ["priyashah1", "Priya-Shah-2026!", "short-pw-1", "password1234", "123456789012"],
)
def test_weak_or_name_based_passwords_are_refused(client_for, priya, new_password):
    client = client_for(priya)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 200
    assert User.objects.get(pk=priya.pk).check_password(PASSWORD)


def test_a_long_passphrase_is_accepted(client_for, priya):
    client = client_for(priya)
    new = "kettle-orchard-lantern"

    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert User.objects.get(pk=priya.pk).check_password(new)


# --- Finding 9: password-reset requests ------------------------------------------------


def test_password_reset_emails_go_through_the_outbox(
    client, school, priya, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": priya.email})

    assert response.status_code == 302
    queued = OutboundEmail.objects.get(to_address=priya.email)
    assert queued.school == school
    assert queued.status == OutboundEmail.Status.SENT  # the immediate task backend sent it
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body
    # The working link went out in the e-mail; the copy kept here no longer holds it.
    assert "/accounts/reset/" not in queued.body


def test_a_new_staff_members_set_up_link_is_not_kept_once_sent(
    client_for, school, school_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_staff(client_for(school_admin), school, "new.teacher@oakbrook.example")

    sent = OutboundEmail.objects.get(to_address="new.teacher@oakbrook.example")
    assert sent.status == OutboundEmail.Status.SENT
    assert "/accounts/reset/" in mail.outbox[0].body
    assert "/accounts/reset/" not in sent.body


def test_password_reset_requests_are_throttled_whatever_the_case(client, settings, priya):
    # Each request from a different address: only the count per e-mail asked about trips.
    settings.PASSWORD_RESET_RATE = "5/h"
    variants = [priya.email, priya.email.upper(), priya.email.title(), priya.email, priya.email]
    for n, variant in enumerate(variants):
        response = client.post(
            reverse("password_reset"), {"email": variant}, REMOTE_ADDR=f"198.51.100.{n}"
        )
        assert response.status_code == 302

    response = client.post(
        reverse("password_reset"), {"email": priya.email.upper()}, REMOTE_ADDR="203.0.113.7"
    )

    assert response.status_code == 429
    assert OutboundEmail.objects.count() == 5


def test_behind_the_schools_proxy_each_visitor_has_their_own_allowance(
    client, settings, school, priya
):
    # Every request reaches the app from the proxy's address; the visitor's is forwarded.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PER_ADDRESS_RATE = "3/h"
    for _ in range(3):
        client.post(
            reverse("password_reset"),
            {"email": "nobody@example.org"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.20",
        )

    blocked = client.post(
        reverse("password_reset"),
        {"email": "nobody@example.org"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    spoofed = client.post(
        reverse("password_reset"),
        {"email": priya.email},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20",
    )
    someone_else = client.post(
        reverse("password_reset"),
        {"email": priya.email},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.21",
    )

    assert blocked.status_code == 429
    assert spoofed.status_code == 429  # a header the visitor wrote themselves is skipped
    assert someone_else.status_code == 302


# --- Finding 11: caching and secrets in the session ------------------------------------


@pytest.mark.parametrize(
    "path", ["/s/oakbrook/pupils/", "/s/oakbrook/", "/s/oakbrook/people/", "/"]
)
def test_signed_in_pages_are_never_stored(client_for, school_admin, path):
    response = client_for(school_admin).get(path, follow=True)

    assert "no-store" in response["Cache-Control"]


def test_a_temporary_password_is_never_in_the_session_store(client_for, school, school_admin):
    pupil = PupilFactory(school=school, given_name="Ffion", family_name="Evans")
    client = client_for(school_admin)

    response = client.post(
        people_url(school, "pupil-account-create", pupil.pk),
        {"role": Role.PUPIL, "username": "ffion.evans"},
    )
    password = response.context["password"]

    assert password in response.text
    for session in Session.objects.all():
        assert password not in str(session.get_decoded())
    # And it is not shown again.
    membership = Membership.objects.get(user__username="ffion.evans")
    assert password not in client.get(people_url(school, "membership-detail", membership.pk)).text


# --- Confirmation before destructive actions ---------------------------------------------


def test_reset_password_asks_first(client_for, school, school_admin, priya):
    own = Membership.objects.get(user=priya, school=school)

    page = client_for(school_admin).get(people_url(school, "password-reset", own.pk))

    assert page.status_code == 200
    assert "stops working" in page.text
    assert User.objects.get(pk=priya.pk).has_usable_password()


# --- The read log ------------------------------------------------------------------------


def test_reading_a_pupils_record_and_the_list_is_logged_once_each(
    client_for, school, coordinator, school_admin
):
    from peermentoring.core.models import ReadEntry

    pupils = [PupilFactory(school=school, given_name=name) for name in ("Ada", "Bea", "Cy")]
    client = client_for(coordinator)

    client.get(reverse("schools:pupil-list", args=[school.slug]))
    client.get(reverse("schools:pupil-detail", args=[school.slug, pupils[0].pk]))

    assert ReadEntry.objects.filter(kind=ReadEntry.Kind.PUPIL_LIST, reader=coordinator).count() == 1
    entry = ReadEntry.objects.get(kind=ReadEntry.Kind.PUPIL)
    assert entry.reader == coordinator and entry.target_id == str(pupils[0].pk)
    client.logout()
    log = client_for(school_admin).get(reverse("schools:read-list", args=[school.slug]))
    assert str(pupils[0]) in log.text


def test_switching_off_twice_never_switches_access_back_on(
    client_for, school, school_admin, coordinator
):
    # A double-click, or a second admin on a stale confirmation page.
    membership = Membership.objects.get(user=coordinator, school=school)
    client = client_for(school_admin)
    url = people_url(school, "membership-toggle", membership.pk)
    assert 'name="to" value="off"' in client.get(url).text

    client.post(url, {"to": "off"})
    client.post(url, {"to": "off"})

    assert Membership.objects.get(pk=membership.pk).is_active is False
    assert AuditEntry.objects.filter(action="membership.activated").count() == 0


def test_a_trust_leads_account_is_managed_by_no_school(
    client_for, school, other_school, school_admin
):
    from peermentoring.schools.services import add_trust_lead
    from tests.support.factories import TrustFactory

    trust = TrustFactory()
    for each in (school, other_school):
        each.trust = trust
        each.save(update_fields=["trust"])
    lead = add_trust_lead(
        trust=trust,
        email="anne.marsh@riverside.example",
        first_name="Anne",
        last_name="Marsh",
        by=None,
    )[0]
    password_before = User.objects.get(pk=lead.user_id).password
    client = client_for(school_admin)

    detail = client.get(people_url(school, "membership-detail", lead.pk)).text
    client.post(people_url(school, "password-reset", lead.pk))

    assert "Last signed in" not in detail
    assert User.objects.get(pk=lead.user_id).password == password_before
    assert not AuditEntry.objects.filter(action="password.reset").exists()


@pytest.mark.parametrize(
    ("first", "last", "password"),
    [
        ("Anna", "Smith-Jones", "smith-rocks-2026"),
        ("Mary Jane", "Watson", "mary-loves-cats"),
        ("Zoë", "Brontë", "zoe-rules-2026!"),
        ("Siobhán", "O'Neill", "oneill-forever-1"),
    ],
)
def test_each_part_of_a_name_counts_accents_and_all(client_for, school, first, last, password):
    user = UserFactory(first_name=first, last_name=last, username="zb2026", email="")
    MembershipFactory(user=user, school=school, role=Role.MENTOR, pupil=PupilFactory(school=school))

    client_for(user).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_someone_whose_school_just_reset_them_can_ask_for_a_link_themselves(
    client, school, priya, django_capture_on_commit_callbacks
):
    priya.set_unusable_password()
    priya.save(update_fields=["password"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": priya.email.upper()})

    assert OutboundEmail.objects.filter(to_address=priya.email).count() == 1


# --- The review after the fixes ------------------------------------------------------------


def test_making_a_coordinator_trust_lead_ends_their_schools_hold_on_the_account(
    client_for, school, school_admin, coordinator
):
    from peermentoring.schools.services import add_trust_lead
    from tests.support.factories import TrustFactory

    school.trust = TrustFactory()
    school.save(update_fields=["trust"])
    own = Membership.objects.get(user=coordinator, school=school)
    password_before = User.objects.get(pk=coordinator.pk).password

    add_trust_lead(
        trust=school.trust, email=coordinator.email, first_name="", last_name="", by=None
    )
    client_for(school_admin).post(people_url(school, "password-reset", own.pk))

    assert User.objects.get(pk=coordinator.pk).password == password_before
    assert AuditEntry.objects.filter(school=school, action="membership.ownership_ended").exists()


def test_a_school_that_switched_someone_off_no_longer_resets_their_password(
    client_for, school, school_admin, priya
):
    own = Membership.objects.get(user=priya, school=school)
    own.is_active = False
    own.save(update_fields=["is_active"])
    password_before = User.objects.get(pk=priya.pk).password

    client_for(school_admin).post(people_url(school, "password-reset", own.pk))

    assert User.objects.get(pk=priya.pk).password == password_before


def test_a_reset_is_not_announced_to_a_school_whose_invitation_waits(
    client_for, school, other_school, school_admin, priya
):
    MembershipFactory(user=priya, school=other_school, role=Role.COORDINATOR, accepted_at=None)
    own = Membership.objects.get(user=priya, school=school)

    client_for(school_admin).post(people_url(school, "password-reset", own.pk))

    assert AuditEntry.objects.filter(school=school, action="password.reset").count() == 1
    assert not AuditEntry.objects.filter(school=other_school).exists()


def test_an_account_switched_off_everywhere_gets_no_reset_link(
    client, school, priya, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=priya).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": priya.email})

    assert not OutboundEmail.objects.exists()


def test_the_invitation_answers_take_only_a_post_from_someone_signed_in(client, school, priya):
    invitation = MembershipFactory(
        user=priya, school=SchoolFactory(), role=Role.COORDINATOR, accepted_at=None
    )
    url = reverse("invitation-accept", args=[invitation.pk])

    anonymous = client.post(url)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(priya, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    assert client.get(url).status_code == 405
    assert Membership.objects.get(pk=invitation.pk).accepted_at is None
