"""What a mentor still lacks before they may mentor, as the later stages define it.

`Mentor.can_mentor()` is the one answer to "may this mentor mentor?". Being a
serving mentor is the mentors app's own rule; what else a mentor needs (training
today) belongs to the stage that owns it. That stage registers a check here in its
`AppConfig.ready()`, so this app never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peermentoring.mentors.models import Mentor


@dataclass(frozen=True)
class ReadinessCheck:
    name: str
    # What one mentor still lacks, in words ("module 5 “Ground rules”"); empty when ready.
    missing: Callable[[Mentor], list[str]]
    # Of these mentors (all of one school), the pks that lack nothing: the bulk form of `missing`.
    ready_ids: Callable[[Sequence[Mentor]], set[int]]
    # The sentence shown when something is missing: {mentor} and {missing}.
    message: str


_checks: dict[str, ReadinessCheck] = {}


def register_readiness(check: ReadinessCheck) -> None:
    """Add (or replace, by name) one thing every mentor needs before mentoring."""
    _checks[check.name] = check


def readiness_checks() -> list[ReadinessCheck]:
    return list(_checks.values())
