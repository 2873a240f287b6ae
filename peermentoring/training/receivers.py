"""Training's answers to what the foundation announces."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from peermentoring.schools.signals import school_created
from peermentoring.training.services import create_default_programme


@receiver(school_created, dispatch_uid="training.default_programme")
def give_a_new_school_the_default_programme(sender: Any, *, school: Any, by: Any, **_: Any) -> None:
    create_default_programme(school=school, by=by)
