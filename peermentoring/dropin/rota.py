"""The duty rota solver: OR-Tools CP-SAT over plain dataclasses, no Django.

Dataclasses in (`Problem`), dataclasses out (`Answer`). The caller (services) turns the
school's rooms, openings, mentors, availability and pairings' usual meeting windows into
a `Problem`, and stores the `Answer`'s duties.

INTERFACE ONLY: the solver body is written by its owner (see `solve`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

Window = str  # "am_registration" | "break" | "lunch"


@dataclass(frozen=True)
class Opening:
    """A room open at one window on one date, needing between `min` and `max` on duty."""

    id: str
    day: dt.date
    window: Window
    room: str
    min: int
    max: int
    # For reasons written to people: "Thursday lunch" (room added when several rooms).
    label: str = ""


@dataclass(frozen=True)
class MentorIn:
    """A trained mentor who may be put on duty."""

    id: int
    name: str
    experienced: bool
    # (weekday 0-4, window) pairs the mentor can do duties at.
    available: frozenset[tuple[int, Window]]
    # (weekday, window) pairs the mentor usually meets a mentee at: never on duty then.
    meets: frozenset[tuple[int, Window]] = frozenset()


@dataclass(frozen=True)
class Problem:
    openings: tuple[Opening, ...]
    mentors: tuple[MentorIn, ...]
    # (opening id, mentor id) the coordinator placed by hand: kept as they are.
    locked: frozenset[tuple[str, int]] = frozenset()
    # (opening id, mentor id) never allowed: an absence marked, a duty swapped away.
    excluded: frozenset[tuple[str, int]] = frozenset()
    time_limit_s: float = 20.0
    workers: int = 8
    seed: int = 0


@dataclass(frozen=True)
class Duty:
    opening: str
    mentor: int


@dataclass
class Answer:
    duties: list[Duty]
    # Opening id -> why it cannot be staffed to its minimum ("Thursday lunch: only 1 mentor available").
    unstaffable: dict[str, str] = field(default_factory=dict)
    status: str = "optimal"  # "optimal" | "feasible" | "infeasible" (no rota at all) | "unknown"
    objective: float = 0.0
    bound: float = 0.0
    gap: float = 0.0  # relative gap between objective and bound; 0.0 at proven optimum
    seconds: float = 0.0


def solve(problem: Problem) -> Answer:
    raise NotImplementedError
