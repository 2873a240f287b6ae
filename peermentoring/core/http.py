"""Types for requests and rows core handles without knowing the apps that own them."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.db import models
from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from peermentoring.core.models import User

# A school row, or its primary key. Core files every message, e-mail, audit entry and
# read under a school but imports no app, so it knows a school only as a model row.
SchoolRef: TypeAlias = "models.Model | int"


class AuthenticatedRequest(HttpRequest):
    """A request from someone signed in (every view behind the sign-in)."""

    user: User
    htmx: HtmxDetails


def school_pk(school: SchoolRef) -> int:
    """The primary key of a school given as a row or as its key."""
    return school if isinstance(school, int) else int(school.pk)
