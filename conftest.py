"""People with roles, in two schools, for every test; and the browser set-up."""

from __future__ import annotations

import os
import shutil

import pytest

from peermentoring.core.roles import Role
from tests.support.factories import MembershipFactory, SchoolFactory, UserFactory, pupil_member


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Every test: a fast hasher. Many tests make accounts; none tests the hashing itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def second_factor_proved(request):
    """A test client's `force_login` or `login` stands for a whole sign-in, second factor
    included: staff sessions made that way have proved one (core/mfa.py). Sign-ins
    through the real pages (the browser tests) are untouched. A test of the rule itself
    is marked `without_second_factor`."""
    from django.contrib.auth.signals import user_logged_in

    if request.node.get_closest_marker("without_second_factor"):
        yield
        return

    def proved(sender, request, user, **kwargs):
        # Only the test client's stand-in request has no method.
        if request is not None and request.method is None:
            from peermentoring.core.mfa import mark_verified

            request.user = user
            mark_verified(request, user)

    user_logged_in.connect(proved, dispatch_uid="tests-second-factor-proved")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-second-factor-proved")


@pytest.fixture
def school(db):
    return SchoolFactory(name="Oakbrook Academy", slug="oakbrook")


@pytest.fixture
def other_school(db):
    return SchoolFactory(name="Elmstead School", slug="elmstead")


def _staff(school, role, first_name):
    user = UserFactory(first_name=first_name)
    return MembershipFactory(user=user, school=school, role=role).user


@pytest.fixture
def coordinator(school):
    return _staff(school, Role.COORDINATOR, "Helen")


@pytest.fixture
def dsl(school):
    return _staff(school, Role.SAFEGUARDING_LEAD, "Priya")


@pytest.fixture
def school_admin(school):
    return _staff(school, Role.SCHOOL_ADMIN, "Gareth")


@pytest.fixture
def mentor(school):
    return pupil_member(
        school, Role.MENTOR, given_name="Kwame", year_group=10, form_group="10B"
    ).user


@pytest.fixture
def mentee(school):
    return pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7, form_group="7C").user


@pytest.fixture
def other_school_coordinator(other_school):
    return _staff(other_school, Role.COORDINATOR, "Owen")


@pytest.fixture
def other_school_admin(other_school):
    return _staff(other_school, Role.SCHOOL_ADMIN, "Olu")


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user, backend="peermentoring.core.auth.EmailOrUsernameBackend")
        return client

    return sign_in


# --- Browser tests (Playwright driving Debian's Chromium) ---------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use Debian's chromium: Playwright's own browser download is not available here."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        reason = "Chromium is not installed (apt-get install chromium); browser tests need it."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} Under CI a missing browser is a failure.")
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


class _OneRequestAtATime:
    """A WSGI app answering one request at a time, its whole response included."""

    def __init__(self, app):
        import threading

        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            response = self.app(environ, start_response)
            try:
                return list(response)
            finally:
                # What a WSGI server does with a response, done in the turn: closing it
                # sends request_finished here. The server can't: a list has no close, and
                # left open it was closed by the garbage collector in another thread.
                close = getattr(response, "close", None)
                if close is not None:
                    close()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's server for the browser tests, answering one request at a time.

    Its threads share the test's one in-memory SQLite connection, and two threads querying
    it at once can hang both for good: py-spy showed a report chart's query and another
    request's session lookup each stuck in SQLiteCursorWrapper.execute, the axe crawl
    waiting on them (CI). A page's images, styles and charts are asked for at once, so
    this happens; in production each thread has its own connection. Answering in turn
    costs the browser tests little: each request is short."""
    server = live_server.thread.httpd
    server.set_app(_OneRequestAtATime(server.get_app()))
    return live_server


@pytest.fixture
def browser_errors(page):
    """Console errors the page logged (a CSP violation shows up here)."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture(autouse=True)
def rate_limits_in_one_window(monkeypatch):
    """Rate-limit counts start empty and stay in one fixed window for the whole test.

    django-ratelimit's windows roll over at a per-key moment; a test straddling one
    would see its count reset and pass or fail by the clock.
    """
    import types

    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(
        "django_ratelimit.core.time", types.SimpleNamespace(time=lambda: 1_800_000_000.0)
    )
    yield
    cache.clear()
