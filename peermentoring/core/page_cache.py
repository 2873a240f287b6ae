"""Main pages rendered once and served from the cache until something in the school changes.

Each school has a *generation*: a random token in Django's cache (CACHES["default"]: the
database in production, Redis with REDIS_URL, this process's memory in development and
tests). Any write that could change a page gives the school a new token, and a global
token changes for writes that belong to no one school (a person's name). A page (its
layout too: the menu, the unread count) is cached under a key made of:

- the page's name and its full address (filters, page number, htmx or not);
- the signed-in person's id *and* their role in the school: nobody is ever served
  what was rendered for someone else, and a coordinator's content never lands under a
  safeguarding lead's key or the other way round;
- today's date (Europe/London): "waited 15 days", "opens on …" change at midnight;
- the generations of the school(s) shown and the global one;

and for `PAGE_CACHE_SECONDS` (60) at most, a backstop for anything that changes with
the clock alone or through a path that bypasses the ORM's signals.

Invalidation (`bump`):

- every `post_save`, `post_delete` and `m2m_changed` of any model (`connect_signals`,
  called at start-up): the row's school through its `school_id`, the school itself, a
  row one foreign key from a school-owned row, else every school (the global token).
  A few models never shown on a cached page are left out (`NEVER_SHOWN`): the read log
  (written by the pupil list on every view), sessions, sign-in attempts, task results;
- every request that is not GET or HEAD (`PageCacheMiddleware`), for the school in its
  URL, or every school when it has none;
- writes through `QuerySet.update()` / `bulk_create()` / `bulk_update()` send no
  signal: `mark_all_read` bumps itself; the others (the pupil import, a new matching
  run superseding the last, a mentor's free windows) save a row of the same school in
  the same transaction, which bumps it; the demo's loader back-dates rows it has just
  saved. A write that escapes all of these is served stale for PAGE_CACHE_SECONDS;
- each bump happens at once and again when the transaction commits
  (`transaction.on_commit`): a page rendered by another process between the two, from
  what was committed before, is stored under the old token and never served.

The access check's membership (`membership`, used by `school_role_required`) is cached
the same way, under the person and the school's address, and used only while the
school's and the global generations are those read before it was loaded: a membership
ended or a role changed through the ORM, or by any POST, takes effect on the next page.

A cached page keeps no CSRF token: it is rendered with a placeholder that is swapped for
this request's token on the way out; a page with a message waiting ("Referral saved.") is
rendered afresh and not stored (`render_cached`).

Development (DEBUG, no REDIS_URL) keeps the cache in the process's memory: right for
`runserver`, a single process; several processes would each keep their own generations.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import ForeignKey, Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from peermentoring.core.privacy import leaves_no_trace_here

PREFIX = "pagecache:1"
EVERY_SCHOOL = "all"
SCHOOL_MODEL = "schools.school"
# Models whose rows no cached page shows: writing them must not empty the cache (the
# read log is written on every view of the pupil and referral lists).
NEVER_SHOWN = frozenset(
    {
        "core.readentry",
        "sessions.session",
        "admin.logentry",
        "contenttypes.contenttype",
        "auth.permission",
        "migrations.migration",
    }
)
NEVER_SHOWN_APPS = frozenset({"axes", "django_tasks_database", "django_tasks_db"})
# Swapped for the request's own CSRF token once the page is rendered: a cached page
# holding a real token would fail in the same person's other browser.
CSRF_PLACEHOLDER = "PAGECACHEcsrfPLACEHOLDER"
# A page holding any of these is not stored: they belong to one response.
PER_RESPONSE = ("nonce=",)

_local = threading.local()


def seconds() -> int:
    """How long a cached page may be served (0: pages are never cached)."""
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 60))


def _generation_key(scope: str) -> str:
    # "~" sorts after "page": the database cache, when full, culls the keys that sort
    # first, so pages go before the generations (losing one only empties its school).
    return f"{PREFIX}:~gen:{scope}"


def _bumps() -> int:
    """Bumps made by this thread so far: a request's generations are read again after one."""
    return int(getattr(_local, "bumps", 0))


def generations(scopes: Iterable[str]) -> tuple[str, ...]:
    """The current token of each scope (a school's id, or EVERY_SCHOOL), in one cache read."""
    keys = [_generation_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # First use, or the token was evicted: any new token makes every page
        # stored under the old one unreachable. If another process adds one meanwhile,
        # theirs is read back; a token that cannot be stored at all is fresh each time,
        # so nothing is served from the cache.
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=None)
        found |= cache.get_many(missing)
    return tuple(str(found.get(key) or secrets.token_hex(8)) for key in keys)


class _Bump:
    """A bump waiting for its transaction to commit (one a scope a transaction)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    def __call__(self) -> None:
        _set_new_token(self.scope)


def _set_new_token(scope: str) -> None:
    cache.set(_generation_key(scope), secrets.token_hex(8), timeout=None)
    _local.bumps = _bumps() + 1


def bump(school_id: int | None) -> None:
    """Every cached page of the school (None: of every school) is stale from now on.

    At once, and again when the current transaction (if any) commits.
    """
    scope = EVERY_SCHOOL if school_id is None else str(school_id)
    _set_new_token(scope)
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        return  # autocommit: the write is committed already
    for entry in connection.run_on_commit:  # (savepoints, callback, robust)
        if isinstance(entry[1], _Bump) and entry[1].scope == scope:
            return
    transaction.on_commit(_Bump(scope))


# --- Invalidation on every write ------------------------------------------------------


def _school_of(instance: Model) -> int | None:
    """The school a row belongs to (None: unknown, so every school)."""
    meta = instance._meta
    if meta.label_lower == SCHOOL_MODEL:
        return int(instance.pk) if instance.pk is not None else None
    school_id = getattr(instance, "school_id", None)
    if school_id is not None:
        return int(school_id)
    # One hop: a row of a school-owned row (a pairing's meeting, a mentor's window).
    for field in meta.concrete_fields:
        if not isinstance(field, ForeignKey):
            continue
        related = field.related_model
        if related is None or isinstance(related, str):
            continue
        if not any(f.name == "school" for f in related._meta.concrete_fields):
            continue
        target = getattr(instance, field.attname, None)
        if target is None:
            continue
        if field.is_cached(instance):
            owner_school = getattr(field.get_cached_value(instance), "school_id", None)
            if owner_school is not None:
                return int(owner_school)
        found = related._base_manager.filter(pk=target).values_list("school_id", flat=True)
        for value in found:
            return int(value) if value is not None else None
    return None


def _never_shown(sender: type[Model]) -> bool:
    meta = sender._meta
    return meta.label_lower in NEVER_SHOWN or meta.app_label in NEVER_SHOWN_APPS


def _on_write(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if _never_shown(sender):
        return
    # A fixture's row (`raw`) may point at rows not loaded yet: every school, no lookup.
    bump(None if kwargs.get("raw") else _school_of(instance))


def _on_m2m(sender: type[Model], instance: Model, action: str, **kwargs: Any) -> None:
    if not action.startswith("post_") or _never_shown(type(instance)):
        return
    bump(_school_of(instance))


def connect_signals() -> None:
    """Bump on every write of any model (called once at start-up; calling again is harmless)."""
    post_save.connect(_on_write, dispatch_uid="page-cache-save")
    post_delete.connect(_on_write, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="page-cache-m2m")


class PageCacheMiddleware:
    """After any request that may have changed something (not GET or HEAD), the school in
    its URL (or, with none, every school) is bumped: writes through QuerySet.update()
    send no signal."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            school = getattr(request, "school", None)
            bump(school.pk if school is not None else None)
        return response


# --- A person's membership of the school in the URL -------------------------------------

# Which school a slug names, as last read in this process: only a hint for which
# generation to read first; a cached membership is used only if it is of that school.
_school_of_slug: dict[str, int] = {}


def membership(request: HttpRequest, slug: str, load: Callable[[], Any]) -> Any:
    """The signed-in person's membership of the school `slug` names: from the cache when
    neither the school nor anyone's account has changed since it was read (the same
    generations as the pages'), else `load()` (which raises Http404 for a non-member).

    The generations are read before `load()`, so a membership stored with them was read
    after them: a write after the read bumps them and the entry is never used again.
    A first visit to a slug in this process stores nothing (its school is not yet known),
    nor does a request that must leave no trace of who sent it (`privacy.leaves_no_trace`):
    the entry's key holds the person's id, and its expiry the time of the request.
    """
    user = getattr(request, "user", None)
    school_pk = _school_of_slug.get(slug)
    if seconds() <= 0 or user is None or school_pk is None or leaves_no_trace_here(request):
        found = load()
        _school_of_slug[slug] = found.school_id
        return found
    key = f"{PREFIX}:member:{user.pk}:{slug}"
    scopes = [EVERY_SCHOOL, str(school_pk)]
    generation_keys = [_generation_key(scope) for scope in scopes]
    read = cache.get_many([*generation_keys, key])
    tokens = tuple(str(read[k]) if k in read else "" for k in generation_keys)
    known = all(tokens)
    if known:
        request._page_cache_generations = (_bumps(), scopes, tokens)  # type: ignore[attr-defined]
    entry = read.get(key)
    if known and entry is not None:
        stored_tokens, stored = entry
        if stored_tokens == tokens and stored.school_id == school_pk and stored.user_id == user.pk:
            return stored
    found = load()
    _school_of_slug[slug] = found.school_id
    if known and found.school_id == school_pk and found.user_id == user.pk:
        cache.set(key, (tokens, found), seconds())
    return found


# --- Reading and storing pages ----------------------------------------------------


def page_key(request: HttpRequest, name: str, *, role: str, schools: Iterable[int]) -> str | None:
    """The key of this page for this person in this role today (None: not cached)."""
    user = getattr(request, "user", None)
    if seconds() <= 0 or user is None or not user.is_authenticated:
        return None
    scopes = [EVERY_SCHOOL, *(str(pk) for pk in sorted(set(schools)))]
    memo = getattr(request, "_page_cache_generations", None)
    if memo is not None and memo[0] == _bumps() and memo[1] == scopes:
        tokens = memo[2]
    else:
        tokens = generations(scopes)
        request._page_cache_generations = (_bumps(), scopes, tokens)  # type: ignore[attr-defined]
    parts = [
        name,
        request.get_full_path(),
        "htmx" if request.headers.get("HX-Request") else "page",
        f"user={user.pk}",
        f"role={role}",
        f"day={timezone.localdate().isoformat()}",
        *(f"{scope}={token}" for scope, token in zip(scopes, tokens, strict=True)),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"{PREFIX}:page:{digest}"


def _has_messages(request: HttpRequest) -> bool:
    """Whether a message waits to be shown (such a page is rendered afresh, not stored)."""
    return len(get_messages(request)) > 0


def render_cached(
    request: HttpRequest,
    template_name: str,
    compute: Callable[[], Mapping[str, Any]],
    *,
    name: str,
    role: str,
    schools: Iterable[int],
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The page, from the cache when this person has seen it in this role today since the
    schools last changed; otherwise rendered from `context` and `compute()` (called only
    then) and stored.

    The whole page is stored, its layout included (the menu, the unread count), except
    its CSRF token, which is put in on the way out, and except while a message waits to
    be shown ("Referral saved."): that page is rendered afresh and not stored.
    """
    key = None if _has_messages(request) else page_key(request, name, role=role, schools=schools)
    html = cache.get(key) if key is not None else None
    if html is None:
        full = {**(context or {}), **compute(), "csrf_token": CSRF_PLACEHOLDER}
        html = render_to_string(template_name, full, request)
        if key is not None and not any(marker in html for marker in PER_RESPONSE):
            cache.set(key, html, seconds())
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return HttpResponse(html)
