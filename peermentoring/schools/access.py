"""One place for "who may see this page": the school in the URL and the person's role.

A view decorated with `school_role_required` receives the school from the URL
(`/s/<school_slug>/…`). A person with no active membership there gets 404, the
same answer as for a school that does not exist; a member with the wrong role
gets 403; an anonymous visitor is sent to log in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from peermentoring.core import page_cache
from peermentoring.core.http import AuthenticatedRequest
from peermentoring.schools.models import Membership, School

if TYPE_CHECKING:
    pass


class SchoolRequest(AuthenticatedRequest):
    school: School
    membership: Membership


ViewFunc = Callable[..., HttpResponse]


def membership_for(user: Any, school_slug: str) -> Membership:
    """The person's active membership of the school in the URL, or 404.

    A person holds one membership a school (a unique constraint), so it is read with
    `get()`: ordering it, as `first()` does, would cost every page for nothing.
    """
    membership = _membership_row(user, school_slug)
    membership.user = user  # the signed-in person, loaded already: `membership.user` costs no query
    return membership


def _membership_row(user: Any, school_slug: str) -> Membership:
    try:
        return (
            Membership.objects.active()
            .select_related("school", "school__trust", "pupil")
            .get(user=user, school__slug=school_slug)
        )
    except Membership.DoesNotExist:
        raise Http404("No such school") from None


def school_role_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Let in members of the URL's school who hold one of the roles."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(
            request: HttpRequest, school_slug: str, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            # Read from the cache while neither the school nor anyone's account has
            # changed (core/page_cache.py): the same generations as the cached pages.
            membership = page_cache.membership(
                request, school_slug, lambda: _membership_row(request.user, school_slug)
            )
            membership.user = request.user
            if roles and membership.role not in roles:
                raise PermissionDenied("Your role in this school does not include this page.")
            request.school = membership.school  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapper.school_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator
