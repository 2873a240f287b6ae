"""Helpers later capabilities use to prove their pages keep schools and roles apart."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Iterable
from typing import Any, NamedTuple

from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from peermentoring.core.roles import Role

# The access table: every page under /s/<school_slug>/, exactly who may use it, how
# to build the rows its URL points at and, for a page that takes a POST, what an
# allowed POST sends and the change it must make. `schools/tests/test_access.py`
# checks every entry against the running views; each app lists its pages in
# <app>/tests/access.py as `ACCESS = {"app:url-name": Access(roles, rows, methods, ...)}`.
RowBuilder = Callable[[Any, Any], dict[str, int]]  # (school, viewer) -> URL kwargs
Body = Callable[[Any, Any, dict[str, int]], dict[str, Any]]  # (school, viewer, URL kwargs)
Effect = Callable[[Any, dict[str, int]], None]  # (response, URL kwargs): asserts the change

GET = ("get",)
POST = ("post",)
GET_POST = ("get", "post")
EVERYONE = frozenset(Role)
STAFF = frozenset(
    {Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.DEPUTY_SAFEGUARDING_LEAD, Role.SCHOOL_ADMIN}
)
SETUP = frozenset({Role.COORDINATOR, Role.SCHOOL_ADMIN})
ADMIN = frozenset({Role.SCHOOL_ADMIN})
AUDIT = frozenset({Role.COORDINATOR, Role.SCHOOL_ADMIN})


class Access(NamedTuple):
    """One page of the table: the roles let in (every other role gets 403) and its rows.

    A page that takes a POST also says what a let-in POST does: `body` builds the
    form data (none: an empty POST), `effect` receives the response and the URL
    kwargs and asserts the change in the database, so a POST that redirects but
    changes nothing fails. `posted_by` narrows the roles whose POST must have that
    effect, for a page everyone may open but only some may act on (default: all).
    """

    roles: frozenset[str]
    rows: RowBuilder | None  # the URL's row kwargs, built in the given school
    methods: tuple[str, ...]  # the methods the view answers
    effect: Effect | None = None
    body: Body | None = None
    posted_by: frozenset[str] | None = None
    # A page that moved: a let-in GET is redirected to its new address in the same school.
    moved_to: str = ""


def school_of(response: Any) -> Any:
    """The school the decorator let the request into (for an effect to look in)."""
    return response.wsgi_request.school


def viewer_of(response: Any) -> Any:
    """The person who sent the request (for an effect to look at their own rows)."""
    return response.wsgi_request.user


def access_modules() -> list[Any]:
    """Every app's tests/access.py, core excepted (its pages are sign-in, not a school's)."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("peermentoring.") or config.label == "core":
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.tests.access"))
        except ModuleNotFoundError:
            continue
    return modules


def app_access_tables() -> dict[str, Access]:
    """The access tables of every app, merged: each URL name in exactly one of them."""
    table: dict[str, Access] = {}
    for module in access_modules():
        twice = set(table) & set(module.ACCESS)
        assert not twice, f"{module.__name__} lists {sorted(twice)} again"
        table.update(module.ACCESS)
    return table


def school_url_names(namespaces: Collection[str] | None = None) -> set[str]:
    """Every named URL under /s/<school_slug>/, as "namespace:name"."""
    names: set[str] = set()

    def walk(patterns: list, prefix: str, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
            elif (
                isinstance(entry, URLPattern)
                and entry.name
                and "<slug:school_slug>" in prefix + str(entry.pattern)
            ) and (namespaces is None or namespace in namespaces):
                names.add(f"{namespace}:{entry.name}")

    walk(get_resolver().url_patterns, "", None)
    return names


def assert_other_school_gets_404(
    client: Client, url: str, *, methods: Iterable[str] = ("get", "post")
) -> None:
    """A member of another school gets 404 for the URL, exactly as for a missing row."""
    for method in methods:
        response = getattr(client, method)(url)
        assert response.status_code == 404, (
            f"{method.upper()} {url} gave {response.status_code}, not 404"
        )


def assert_wrong_role_refused(
    client: Client, url: str, *, methods: Iterable[str] = ("get",)
) -> None:
    """A member of the school without the right role gets 403, never the 404 of another school."""
    for method in methods:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (
            f"{method.upper()} {url} gave {response.status_code}, not 403"
        )


def assert_anonymous_sent_to_login(client: Client, url: str) -> None:
    """Someone not signed in is sent to the sign-in page, never shown the page."""
    response = client.get(url)
    assert response.status_code == 302, f"GET {url} gave {response.status_code}, not a redirect"
    assert response["Location"].startswith("/accounts/login/"), response["Location"]


def app_public_pages() -> dict[str, str]:
    """Pages under /s/<school_slug>/ opened by a secret link without signing in (a corridor
    screen, a calendar feed): each app's `PUBLIC = {"app:url-name": "the test file of its
    rules"}`. They are not in the access table, whose rules they break on purpose (an
    anonymous visitor is let in), and are tested where each names."""
    pages: dict[str, str] = {}
    for module in access_modules():
        pages.update(getattr(module, "PUBLIC", {}))
    return pages


class ForeignPost(NamedTuple):
    """A POST to one of this school's URLs whose body names another school's rows.

    Each app's `tests/access.py` may hold `FOREIGN_POSTS = {"app:url-name": builder}`
    where `builder(school, other_school, viewer)` returns one of these; and
    `NO_ROW_FIELDS = {"app:url-name", ...}` for POST URLs whose body names no row.
    `schools/tests/test_access.py` posts `data` to the URL (rows from `url_kwargs`
    are in `school`), expects no server error, then calls `unchanged()`, which
    asserts that nothing of the other school was changed, linked or revealed.
    """

    url_kwargs: dict[str, int]
    data: dict[str, Any]
    unchanged: Callable[[Any], None]  # receives the response


def app_foreign_posts() -> tuple[dict[str, Callable[[Any, Any, Any], ForeignPost]], set[str]]:
    """Every app's FOREIGN_POSTS and NO_ROW_FIELDS."""
    builders: dict[str, Callable[[Any, Any, Any], ForeignPost]] = {}
    plain: set[str] = set()
    for module in access_modules():
        builders.update(getattr(module, "FOREIGN_POSTS", {}))
        plain |= set(getattr(module, "NO_ROW_FIELDS", set()))
    return builders, plain
