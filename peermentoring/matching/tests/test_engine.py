"""The solver against a brute-force optimum on small problems, and its edge cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peermentoring.matching.engine import assign, greedy, total_score


def brute_force(scores, capacity, allowed) -> tuple[int, float]:
    """The best (size, total) by trying every choice of mentor (or none) for every mentee."""
    n = len(scores)
    m = len(capacity)
    best = (0, 0.0)
    for choice in itertools.product([None, *range(m)], repeat=n):
        used = [0] * m
        size, total, ok = 0, 0.0, True
        for i, j in enumerate(choice):
            if j is None:
                continue
            if not allowed[i][j]:
                ok = False
                break
            used[j] += 1
            size += 1
            total += scores[i][j]
        fits = ok and all(u <= c for u, c in zip(used, capacity, strict=True))
        if fits and (size > best[0] or (size == best[0] and total > best[1])):
            best = (size, total)
    return best


def check_valid(pairs, capacity, allowed) -> None:
    mentees = [i for i, _ in pairs]
    assert len(mentees) == len(set(mentees)), "a mentee was given two mentors"
    for j, cap in enumerate(capacity):
        assert sum(1 for _, k in pairs if k == j) <= cap, "a mentor was given too many mentees"
    for i, j in pairs:
        assert allowed[i][j], "a forbidden pair was made"


@st.composite
def problems(draw):
    n = draw(st.integers(0, 5))
    m = draw(st.integers(0, 4))
    # Small integers make ties common; halves keep sums exact.
    score = st.integers(-6, 6).map(lambda v: v / 2)
    scores = [[draw(score) for _ in range(m)] for _ in range(n)]
    capacity = [draw(st.integers(0, 3)) for _ in range(m)]
    density = draw(st.sampled_from([0.0, 0.3, 0.7, 1.0]))
    allowed = [[draw(st.booleans()) or density == 1.0 for _ in range(m)] for _ in range(n)]
    if density == 0.0 and n:
        allowed[0] = [False] * m  # an all-forbidden row
    return scores, capacity, allowed


@settings(max_examples=300, deadline=None)
@given(problems())
def test_assign_finds_the_largest_allocation_with_the_best_total(problem):
    scores, capacity, allowed = problem
    if len(scores) == 0 or len(capacity) == 0:
        scores_arg = np.zeros((len(scores), len(capacity)))
    else:
        scores_arg = scores
    pairs = assign(scores_arg, capacity, allowed if scores else None)

    if scores and capacity:
        check_valid(pairs, capacity, allowed)
        size, best = brute_force(scores, capacity, allowed)
        assert len(pairs) == size
        assert math.isclose(total_score(scores, pairs), best, abs_tol=1e-9)
    else:
        assert pairs == []


@settings(max_examples=150, deadline=None)
@given(problems())
def test_assign_with_everything_allowed_matches_the_brute_force_optimum(problem):
    scores, capacity, _ = problem
    if not scores or not capacity:
        return
    everything = [[True] * len(capacity) for _ in scores]
    pairs = assign(scores, capacity)

    size, best = brute_force(scores, capacity, everything)
    assert len(pairs) == size == min(len(scores), sum(capacity))
    assert math.isclose(total_score(scores, pairs), best, abs_tol=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(
            st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False), min_size=3, max_size=3
        ),
        min_size=1,
        max_size=5,
    ),
    st.lists(st.integers(0, 2), min_size=3, max_size=3),
)
def test_assign_handles_arbitrary_floats_as_well_as_numpy_arrays(scores, capacity):
    allowed = np.ones((len(scores), 3), dtype=bool)
    allowed[0, 0] = False
    pairs = assign(np.array(scores), np.array(capacity), allowed)

    check_valid(pairs, capacity, allowed.tolist())
    size, best = brute_force(scores, capacity, allowed.tolist())
    assert len(pairs) == size
    assert math.isclose(total_score(scores, pairs), best, rel_tol=1e-9, abs_tol=1e-6)


def test_a_lower_scoring_pair_is_taken_when_it_lets_one_more_mentee_be_matched():
    # Mentee 0 would score best with mentor 0, but mentee 1 can only have mentor 0.
    scores = [[10.0, 1.0], [0.0, 0.0]]
    allowed = [[True, True], [True, False]]

    assert assign(scores, [1, 1], allowed) == [(0, 1), (1, 0)]


def test_greedy_can_leave_a_mentee_out_that_assign_matches():
    scores = [[10.0, 1.0], [9.0, 0.0]]
    allowed = [[True, True], [True, False]]

    assert len(greedy(scores, [1, 1], allowed)) == 1
    assert len(assign(scores, [1, 1], allowed)) == 2


def test_a_mentor_with_capacity_three_takes_three_mentees():
    pairs = assign([[1.0]] * 4, [3])

    assert len(pairs) == 3
    assert {j for _, j in pairs} == {0}


def test_zero_capacity_everywhere_matches_no_one():
    assert assign([[1.0, 2.0], [3.0, 4.0]], [0, 0]) == []


def test_every_pair_forbidden_matches_no_one():
    assert assign([[1.0, 2.0]], [1, 1], [[False, False]]) == []


@pytest.mark.parametrize(
    ("scores", "capacity", "message"),
    [
        ([[1.0, float("nan")]], [1, 1], "finite"),
        ([[1.0, 2.0]], [1], "one entry per mentor"),
        ([[1.0, 2.0]], [1, -1], "0 or more"),
    ],
)
def test_assign_refuses_bad_input(scores, capacity, message):
    with pytest.raises(ValueError, match=message):
        assign(scores, capacity)


def test_when_not_every_mentee_or_place_can_be_filled_the_bonus_route_still_finds_the_best(
    monkeypatch,
):
    from peermentoring.matching import engine

    calls = []
    real = engine._largest_then_best
    monkeypatch.setattr(engine, "_largest_then_best", lambda *a: calls.append(1) or real(*a))
    # Mentees 0 and 1 may only have mentor 0; nobody may have mentor 1; mentee 2 anyone but 0.
    scores = [[1.0, 9.0, 0.0], [5.0, 9.0, 0.0], [9.0, 9.0, 2.0]]
    allowed = [[True, False, False], [True, False, False], [False, False, True]]

    pairs = assign(scores, [1, 1, 1], allowed)

    assert calls, "the -inf route should have been infeasible here"
    assert pairs == [(1, 0), (2, 2)]
