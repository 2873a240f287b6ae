"""The read log: who opened a pupil's record or a referral, for the school admin to review."""

from __future__ import annotations

from django.db import models

from peermentoring.core.http import AuthenticatedRequest, SchoolRef, school_pk
from peermentoring.core.models import ReadEntry


def record_read(
    *,
    request: AuthenticatedRequest,
    school: SchoolRef,
    kind: ReadEntry.Kind,
    target: models.Model | None = None,
) -> ReadEntry:
    """Write one read entry: a record (`target`) or, for a list page, one entry for the list."""
    return ReadEntry.objects.create(
        school_id=school_pk(school),
        reader=request.user,
        kind=kind,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        path=request.get_full_path()[:300],
    )
