"""Helpers later capabilities use to prove their pages keep schools and roles apart."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from peermentoring.core.roles import Role

# The access table: every page under /s/<school_slug>/, who may use it and how to
# build the rows its URL points at. `schools/tests/test_access.py` checks every
# entry against the running views; each app lists its pages in <app>/tests/access.py
# as `ACCESS = {"app:url-name": Access(roles, row_builder, methods)}`.
RowBuilder = Callable[[Any, Any], dict[str, int]]  # (school, viewer) -> URL kwargs

GET = ("get",)
POST = ("post",)
GET_POST = ("get", "post")
EVERYONE = frozenset(Role)
STAFF = frozenset({Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.SCHOOL_ADMIN})
SETUP = frozenset({Role.COORDINATOR, Role.SCHOOL_ADMIN})
ADMIN = frozenset({Role.SCHOOL_ADMIN})
AUDIT = frozenset({Role.COORDINATOR, Role.SCHOOL_ADMIN})


class Access(NamedTuple):
    roles: frozenset[str]
    rows: RowBuilder | None  # the URL's row kwargs, built in the given school
    methods: tuple[str, ...]  # the methods the view answers


def app_access_tables() -> dict[str, Access]:
    """The access tables of every app other than core and schools."""
    table: dict[str, Access] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("peermentoring.") or config.label in {"core", "schools"}:
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.access")
        except ModuleNotFoundError:
            continue
        table.update(module.ACCESS)
    return table


def school_url_names(namespaces: Iterable[str] | None = None) -> set[str]:
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
    """A member of the school without the right role gets 403 (or 404 where existence is private)."""
    for method in methods:
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), (
            f"{method.upper()} {url} gave {response.status_code}"
        )


def assert_anonymous_sent_to_login(client: Client, url: str) -> None:
    """Someone not signed in is sent to the sign-in page, never shown the page."""
    response = client.get(url)
    assert response.status_code == 302, f"GET {url} gave {response.status_code}, not a redirect"
    assert response["Location"].startswith("/accounts/login/"), response["Location"]


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
    """Every app's FOREIGN_POSTS and NO_ROW_FIELDS (core and schools excluded)."""
    builders: dict[str, Callable[[Any, Any, Any], ForeignPost]] = {}
    plain: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("peermentoring.") or config.label in {"core", "schools"}:
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.access")
        except ModuleNotFoundError:
            continue
        builders.update(getattr(module, "FOREIGN_POSTS", {}))
        plain |= set(getattr(module, "NO_ROW_FIELDS", set()))
    return builders, plain
