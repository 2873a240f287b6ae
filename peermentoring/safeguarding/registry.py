"""Which pupil records a pupil may name when they raise a concern.

A pupil never searches the school: they type a name. The apps above may say which
records a pupil already knows by their role (matching: a mentor's own mentees), so the
concern points straight at that pupil's record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_providers: dict[str, Callable[[Any], set[int]]] = {}


def register_namable_pupils(key: str, provider: Callable[[Any], set[int]]) -> None:
    """`provider(membership)` returns the ids of pupils that member may name."""
    _providers[key] = provider


def namable_pupils(membership: Any) -> set[int]:
    found: set[int] = set()
    for provider in _providers.values():
        found |= provider(membership)
    return found
