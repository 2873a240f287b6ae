"""Settings from the environment, production refusals, and the headers on every page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-" + "z" * 20,
    "ALLOWED_HOSTS": "mentoring.example.sch.uk",
    "DATABASE_URL": "",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests lift Django's async guard for their own process only.
    skip = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in skip}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_the_development_secret_key():
    result = run_manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_setting_that_cannot_be_read_stops_the_app_with_its_name():
    result = run_manage("check", env={"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'perhaps'" in result.stderr


def test_the_deploy_check_passes_with_the_documented_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_every_page_sends_the_strict_security_headers(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_hold_no_inline_script_or_style(client_for, school_admin):
    client = client_for(school_admin)
    for url in ("/s/oakbrook/", "/s/oakbrook/pupils/", "/s/oakbrook/school-day/edit/"):
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        assert " on" + "click=" not in html and "onchange=" not in html, url
        for chunk in html.split("<script")[1:]:
            assert chunk.split(">", 1)[0].strip().startswith("src="), f"inline script on {url}"
        assert '"includeIndicatorStyles": false' in html


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="only meaningful on PostgreSQL")
def test_postgresql_connections_persist_between_requests():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] >= 60
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_five_wrong_passwords_lock_the_account_for_a_while(client, coordinator):
    for _ in range(5):
        client.post("/accounts/login/", {"login": coordinator.email, "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"login": coordinator.email, "password": "correct horse battery"}
    )
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
