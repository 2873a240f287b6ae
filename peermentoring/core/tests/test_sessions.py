"""Sessions that end: idle and 8-hour time-outs, password change, "Sign out everywhere",
the production cookies and the cache every process shares. Time comes from a fake clock."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client, override_settings

from peermentoring.core.models import AuditEntry
from peermentoring.core.roles import Role
from peermentoring.core.tests.test_settings_and_security import PRODUCTION, run_manage
from tests.support.factories import MembershipFactory
from tests.support.mfa import give_authenticator, totp_code

HOME = "/s/oakbrook/"
PUPILS = "/s/oakbrook/pupils/?q=smith"
PASSWORD = "correct horse battery"
MINUTE = 60


class FakeClock:
    def __init__(self) -> None:
        self.at = 1_800_000_000.0

    def __call__(self) -> float:
        return self.at

    def forward(self, seconds: float) -> None:
        self.at += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr("peermentoring.core.sessions.now", fake)
    return fake


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    return client


def assert_signed_out(response, message: str, next_url: str) -> Client:
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(next_url, safe='/')}"
    return response


# --- Idle time-outs -------------------------------------------------------------------


def test_staff_are_signed_out_after_20_minutes_without_using_the_site(clock, coordinator):
    client = signed_in(coordinator)
    clock.forward(19 * MINUTE)
    assert client.get(PUPILS).status_code == 200
    clock.forward(20 * MINUTE)

    response = client.get(PUPILS)

    assert_signed_out(response, "20 minutes", PUPILS)
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 20 minutes without using the site" in page
    # Signed out for real: the next page asks for sign-in too.
    assert client.get(HOME)["Location"].startswith("/accounts/login/")


def test_after_signing_in_again_they_are_back_where_they_were(clock, coordinator):
    client = signed_in(coordinator)
    clock.forward(21 * MINUTE)
    login_url = client.get(PUPILS)["Location"]
    page = client.get(login_url).content.decode()
    assert 'name="next" value="/s/oakbrook/pupils/?q=smith"' in page

    give_authenticator(coordinator)
    response = client.post(
        login_url, {"login": coordinator.email, "password": PASSWORD, "next": PUPILS}
    )
    # Staff enter their second factor's code next, then land where they were.
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post(response["Location"], {"code": totp_code()})

    assert response["Location"] == PUPILS
    assert client.get(PUPILS).status_code == 200


def test_a_next_address_on_another_site_is_not_followed(coordinator):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": coordinator.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_pupils_have_30_minutes(clock, mentor):
    client = signed_in(mentor)
    clock.forward(29 * MINUTE)
    assert client.get(HOME).status_code == 200
    clock.forward(30 * MINUTE)

    response = client.get(HOME)

    assert_signed_out(response, "30 minutes", HOME)
    assert "after 30 minutes" in client.get(response["Location"]).content.decode()


def test_a_pupil_who_is_staff_in_another_school_has_the_staff_time(clock, other_school, mentor):
    MembershipFactory(user=mentor, school=other_school, role=Role.COORDINATOR)
    client = signed_in(mentor)
    clock.forward(21 * MINUTE)
    assert_signed_out(client.get(HOME), "20 minutes", HOME)


def test_a_form_sent_after_the_time_out_returns_to_its_page(clock, coordinator):
    client = signed_in(coordinator)
    clock.forward(25 * MINUTE)
    response = client.post(
        "/s/oakbrook/messages/read-all/", {}, HTTP_REFERER="http://testserver/s/oakbrook/messages/"
    )
    assert response["Location"] == "/accounts/login/?next=" + quote(
        "http://testserver/s/oakbrook/messages/", safe="/"
    )


def test_a_part_of_a_page_asked_for_after_the_time_out_sends_the_whole_page(clock, coordinator):
    client = signed_in(coordinator)
    clock.forward(25 * MINUTE)
    response = client.get(
        PUPILS, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/s/oakbrook/pupils/"
    )
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


# --- The absolute limit -----------------------------------------------------------------


def test_everyone_is_signed_out_8_hours_after_signing_in(clock, coordinator):
    client = signed_in(coordinator)
    for _ in range(47):  # busy all day: a page every 10 minutes for 7 h 50 min
        clock.forward(10 * MINUTE)
        assert client.get(HOME).status_code == 200
    clock.forward(10 * MINUTE)

    response = client.get(HOME)

    assert_signed_out(response, "8 hours", HOME)
    assert "signed in for 8 hours" in client.get(response["Location"]).content.decode()


# --- The last-seen time is written at most once a minute ----------------------------------


def test_a_second_page_within_the_minute_does_not_save_the_session(clock, coordinator):
    client = signed_in(coordinator)
    clock.forward(30)
    first = client.get(HOME)
    assert not first.wsgi_request.session.modified
    clock.forward(29)
    assert not client.get(HOME).wsgi_request.session.modified
    clock.forward(2)  # a minute since the last write
    assert client.get(HOME).wsgi_request.session.modified
    clock.forward(59)
    assert not client.get(HOME).wsgi_request.session.modified


# --- Sessions ended elsewhere ---------------------------------------------------------------


def test_changing_the_password_ends_the_persons_other_sessions(clock, coordinator):
    here, laptop = signed_in(coordinator), signed_in(coordinator)
    response = here.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a whole new passphrase",
            "new_password2": "a whole new passphrase",
        },
    )
    assert response.status_code == 302
    assert here.get(HOME).status_code == 200
    assert laptop.get(HOME)["Location"].startswith("/accounts/login/")


def test_sign_out_everywhere_ends_every_session_of_that_person_only(clock, coordinator, dsl):
    here, laptop, colleague = signed_in(coordinator), signed_in(coordinator), signed_in(dsl)
    page = here.get("/s/oakbrook/account/").content.decode()
    assert "Sign out everywhere" in page and "20 minutes" in page

    response = here.post("/s/oakbrook/account/")

    assert response["Location"] == HOME
    assert here.get(HOME)["Location"].startswith("/accounts/login/")
    ended = laptop.get(PUPILS)
    assert_signed_out(ended, "everywhere", PUPILS)
    assert "Sign out everywhere" in laptop.get(ended["Location"]).content.decode()
    assert colleague.get(HOME).status_code == 200
    entry = AuditEntry.objects.get(action="account.signed_out_everywhere")
    assert entry.actor == coordinator
    # Signing in again afterwards works on any device.
    coordinator.refresh_from_db()
    assert signed_in(coordinator).get(HOME).status_code == 200


def test_sign_out_everywhere_needs_csrf(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    assert client.post("/s/oakbrook/account/").status_code == 403
    coordinator.refresh_from_db()
    assert coordinator.session_generation == 0


# --- Cookies and the shared cache in production ---------------------------------------------

SHOW = (
    "from django.conf import settings as s;"
    "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
    " s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CACHES['default']['BACKEND'])"
)


def test_production_cookies_are_host_prefixed_secure_and_lax():
    result = run_manage("shell", "--no-imports", "-c", SHOW, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "Lax",
        "django.core.cache.backends.db.DatabaseCache",
    ]


def test_the_plain_http_demo_keeps_the_usual_cookie_names():
    demo = {**PRODUCTION, "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false"}
    result = run_manage("shell", "--no-imports", "-c", SHOW, env=demo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == ["sessionid", "csrftoken", "False"]


def test_production_with_redis_counts_in_redis():
    result = run_manage(
        "shell", "--no-imports", "-c", SHOW, env={**PRODUCTION, "REDIS_URL": "redis://cache:6379"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "django.core.cache.backends.redis.RedisCache"


DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "peermentoring_cache",
    }
}


@pytest.mark.django_db
def test_rate_limits_count_in_the_database_cache_every_process_reads():
    with override_settings(CACHES=DATABASE_CACHE):
        client = Client()
        for _ in range(5):
            client.post("/accounts/password-reset/", {"email": "someone@example.org"})
        assert (
            client.post("/accounts/password-reset/", {"email": "someone@example.org"}).status_code
            == 429
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM peermentoring_cache")
            assert cursor.fetchone()[0] >= 1
