"""The matching solver: pure NumPy/SciPy, no Django.

`assign()` pairs mentees with mentors so that, first, as many mentees as possible
are matched and, second, among all allocations of that size the total score is
largest. Mentor capacity is expanded into columns (a mentor who may take three
mentees is three identical columns) and SciPy's `linear_sum_assignment` solves
the resulting rectangular assignment problem exactly.

Three routes, cheapest first:
- every pair allowed: any full assignment is maximum-size, so the scores are
  solved as they are (the result is exactly SciPy's optimum);
- some pairs forbidden: mentees with no allowed mentor are set aside and the
  forbidden cells become -inf, which SciPy never chooses; this is exact and works
  whenever every remaining mentee (or every place) can still be filled;
- otherwise (SciPy reports the -inf problem infeasible) each allowed cell gets a
  bonus larger than any possible difference in total score, so a bigger
  allocation always beats a better-scoring smaller one; forbidden cells are worth
  0, the same as "not matched", and are dropped from the result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

ArrayLike = Sequence[Sequence[Any]] | np.ndarray


def _as_matrix(scores: ArrayLike, capacity: Sequence[int] | np.ndarray) -> np.ndarray:
    matrix = np.asarray(scores, dtype=np.float64)
    if matrix.size == 0:
        return matrix.reshape(len(scores) if hasattr(scores, "__len__") else 0, len(capacity))
    if matrix.ndim != 2:
        raise ValueError("scores must be a two-dimensional array (mentees × mentors).")
    if not np.isfinite(matrix).all():
        raise ValueError("scores must be finite.")
    return matrix


def assign(
    scores: ArrayLike,
    capacity: Sequence[int] | np.ndarray,
    allowed: ArrayLike | None = None,
) -> list[tuple[int, int]]:
    """scores[i][j]: how well mentee i suits mentor j (finite floats, higher is better);
    capacity[j]: how many mentees mentor j may take (0 or more);
    allowed[i][j]: False where the pair must never be made (None: all allowed).
    Returns (mentee, mentor) index pairs, each mentee at most once, each mentor at most
    capacity[j] times, no disallowed pair; the number of pairs is the largest possible,
    and among allocations of that size the sum of scores is the largest."""
    caps = np.asarray(capacity, dtype=np.int64).reshape(-1)
    if (caps < 0).any():
        raise ValueError("capacity must be 0 or more.")
    matrix = _as_matrix(scores, caps)
    n_mentees, n_mentors = matrix.shape
    if n_mentors != caps.shape[0]:
        raise ValueError("capacity needs one entry per mentor (column of scores).")
    mask = None
    if allowed is not None:
        mask = np.asarray(allowed, dtype=bool).reshape(n_mentees, n_mentors)
        if mask.all():
            mask = None
    if n_mentees == 0 or caps.sum() == 0:
        return []

    # Expand capacity into columns, once, as float64 in C order (SciPy copies otherwise).
    column_mentor = np.repeat(np.arange(n_mentors), caps)
    expanded = np.ascontiguousarray(np.take(matrix, column_mentor, axis=1), dtype=np.float64)
    if mask is None:
        rows, cols = linear_sum_assignment(expanded, maximize=True)
        return _pairs(rows, column_mentor[cols])

    expanded_mask = np.ascontiguousarray(np.take(mask, column_mentor, axis=1))
    # Only mentees with some allowed mentor can be matched; the others stay out.
    live_rows = np.flatnonzero(expanded_mask.any(axis=1))
    if live_rows.size == 0:
        return []
    if live_rows.size < n_mentees:
        expanded, expanded_mask = expanded[live_rows], expanded_mask[live_rows]
    try:
        # Usually every remaining mentee (or every place) can be filled: forbidden cells
        # are then simply never chosen and the scores are solved exactly as they are.
        forbidding = np.where(expanded_mask, expanded, -np.inf)
        rows, cols = linear_sum_assignment(forbidding, maximize=True)
    except ValueError as error:
        if "infeasible" not in str(error):
            raise
        rows, cols = _largest_then_best(expanded, expanded_mask)
    keep = expanded_mask[rows, cols]
    return _pairs(live_rows[rows[keep]], column_mentor[cols[keep]])


def _largest_then_best(expanded: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Most pairs first, then the best total: a bonus per allowed pair outweighs any score gap."""
    size = min(mask.shape)  # no allocation has more pairs than this
    low = expanded[mask].min()
    spread = expanded[mask].max() - low
    # Bigger than the whole score range of any allocation: one more pair always wins.
    bonus = spread * size + 1.0
    values = np.zeros_like(expanded)
    np.add(expanded - low, bonus, out=values, where=mask)
    rows, cols = linear_sum_assignment(values, maximize=True)
    return rows, cols


def _pairs(rows: np.ndarray, mentors: np.ndarray) -> list[tuple[int, int]]:
    return sorted(zip(rows.tolist(), mentors.tolist(), strict=True))


def total_score(scores: ArrayLike, pairs: Sequence[tuple[int, int]]) -> float:
    """The sum of the scores of the chosen pairs, correctly rounded whatever their order."""
    matrix = np.asarray(scores, dtype=np.float64)
    return math.fsum(float(matrix[i, j]) for i, j in pairs)


def greedy(
    scores: ArrayLike,
    capacity: Sequence[int] | np.ndarray,
    allowed: ArrayLike | None = None,
) -> list[tuple[int, int]]:
    """Best pair first: the heuristic `assign` replaces, kept to measure what it loses."""
    matrix = np.asarray(scores, dtype=np.float64)
    left = np.asarray(capacity, dtype=np.int64).copy()
    mask = None if allowed is None else np.asarray(allowed, dtype=bool)
    order = np.argsort(-matrix, axis=None, kind="stable")
    taken = np.zeros(matrix.shape[0], dtype=bool)
    pairs = []
    n_mentors = matrix.shape[1]
    for flat in order.tolist():
        i, j = divmod(flat, n_mentors)
        if taken[i] or left[j] == 0 or (mask is not None and not mask[i, j]):
            continue
        taken[i] = True
        left[j] -= 1
        pairs.append((i, j))
    return sorted(pairs)
