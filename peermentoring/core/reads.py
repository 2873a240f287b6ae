"""The read log: who opened a pupil's record or a referral, for the school admin to review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from peermentoring.core.models import ReadEntry

if TYPE_CHECKING:
    from peermentoring.schools.access import AuthenticatedRequest
    from peermentoring.schools.models import School


def record_read(
    *,
    request: AuthenticatedRequest,
    school: School,
    kind: ReadEntry.Kind,
    target: models.Model | None = None,
) -> ReadEntry:
    """Write one read entry: a record (`target`) or, for a list page, one entry for the list."""
    return ReadEntry.objects.create(
        school=school,
        reader=request.user,
        kind=kind,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        path=request.get_full_path()[:300],
    )
