"""Background work: escalate a concern still waiting for the lead at its deadline."""

from __future__ import annotations

from django_tasks import task

from peermentoring.safeguarding import services


@task()
def escalate_concern(concern_id: int) -> str:
    return services.escalate(concern_id)
