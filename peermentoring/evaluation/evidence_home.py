"""A mentor's home to-do: "Read and acknowledge: <policy>" for each current version of a
policy for mentors they have not yet acknowledged.

One query whatever the number of policies, versions or acknowledgements: the mentor's
home page is counted (demo/tests/test_query_counts.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.evaluation.models import PolicyAcknowledgement, PolicyVersion


def unread_versions(membership: Any) -> Any:
    """The current versions of the school's policies for mentors this pupil has not acknowledged."""
    read = PolicyAcknowledgement.objects.filter(version=OuterRef("pk"), pupil=membership.pupil_id)
    return (
        PolicyVersion.objects.for_school(membership.school_id)
        .current()
        .filter(policy__is_for_mentors=True)
        .exclude(Exists(read))
        .order_by("policy__kind", "policy__title")
    )


def policies_to_read(membership: Any) -> list[TodoItem]:
    """One item per policy the mentor has still to read and acknowledge."""
    if membership.pupil_id is None:
        return []
    items = []
    for version in unread_versions(membership).values("policy_id", "policy__title", "number"):
        url = school_url(membership, "evaluation:policy-read", policy_pk=version["policy_id"])
        again = " (a new version)" if version["number"] > 1 else ""
        items.append(
            TodoItem(label=f"Read and acknowledge: {version['policy__title']}{again}", url=url)
        )
    return items
