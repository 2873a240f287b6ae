"""What a mentor still lacks before they may mentor, as the later stages define it.

`Mentor.can_mentor()` is the one answer to "may this mentor mentor?". Being a
serving mentor is the mentors app's own rule; what else a mentor needs (training
today) belongs to the stage that owns it. That stage registers a check here in its
`AppConfig.ready()`, so this app never imports it.
"""

from __future__ import annotations

import datetime as dt
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
    # The day this mentor came to lack nothing (their last required module); None while
    # something is missing. A check without a date leaves the day to the others.
    ready_since: Callable[[Mentor], dt.date | None] | None = None


_checks: dict[str, ReadinessCheck] = {}


def register_readiness(check: ReadinessCheck) -> None:
    """Add (or replace, by name) one thing every mentor needs before mentoring."""
    _checks[check.name] = check


def readiness_checks() -> list[ReadinessCheck]:
    return list(_checks.values())


def ready_since(mentor: Mentor) -> dt.date | None:
    """The first day this mentor lacked nothing any stage requires; None while they do.

    Meetings ask it so none is logged for a day before the mentor was trained.
    """
    days = []
    for check in readiness_checks():
        if check.missing(mentor):
            return None
        if check.ready_since is not None:
            day = check.ready_since(mentor)
            if day is not None:
                days.append(day)
    return max(days) if days else mentor.created_at.date()
