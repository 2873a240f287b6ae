"""The scorer's proposal on random schools: hard rules always hold, whatever the weights say."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from peermentoring.matching.scoring import (
    MenteeFacts,
    MentorFacts,
    Problem,
    Weights,
    exclusion,
    factors,
    mentee_block,
    propose,
)

INTERESTS = ["football", "chess", "music"]


@st.composite
def schools(draw):
    n_mentees = draw(st.integers(0, 5))
    n_mentors = draw(st.integers(0, 4))
    family = st.sampled_from(["", "", "F1", "F2"])
    mentees = [
        MenteeFacts(
            key=100 + i,
            name=f"Mentee {i}",
            pupil_id=1000 + i,
            family_key=draw(family),
            interests=frozenset(draw(st.lists(st.sampled_from(INTERESTS), max_size=2))),
            consent=draw(st.sampled_from(["given", "given", "not_asked"])),
            is_on_roll=draw(st.sampled_from([True, True, False])),
            is_urgent=draw(st.booleans()),
        )
        for i in range(n_mentees)
    ]
    mentors = [
        MentorFacts(
            key=200 + j,
            name=f"Mentor {j}",
            pupil_id=2000 + j,
            family_key=draw(family),
            interests=frozenset(draw(st.lists(st.sampled_from(INTERESTS), max_size=2))),
            is_experienced=draw(st.booleans()),
            places=draw(st.integers(0, 2)),
        )
        for j in range(n_mentors)
    ]
    pairs = [(m.pupil_id, t.pupil_id) for m in mentees for t in mentors]
    do_not_pair = {frozenset(p) for p in pairs if draw(st.integers(0, 4)) == 0}
    forbidden = {(m.key, t.key) for m in mentees for t in mentors if draw(st.integers(0, 5)) == 0}
    weights = Weights(interests=draw(st.integers(0, 5)), experience=draw(st.integers(0, 5)))
    return Problem(mentees, mentors, weights, {}, do_not_pair, forbidden)


def best_size(problem: Problem) -> int:
    """The most pairs any allocation could make, by trying them all."""
    eligible = [m for m in problem.mentees if not mentee_block(m, problem.weights)]
    best = 0
    for choice in itertools.product([None, *problem.mentors], repeat=len(eligible)):
        used: dict[int, int] = {}
        ok = True
        for mentee, mentor in zip(eligible, choice, strict=True):
            if mentor is None:
                continue
            used[mentor.key] = used.get(mentor.key, 0) + 1
            if exclusion(mentee, mentor, problem) or used[mentor.key] > mentor.places:
                ok = False
                break
        if ok:
            best = max(best, sum(1 for c in choice if c is not None))
    return best


@settings(max_examples=200, deadline=None)
@given(schools())
def test_a_proposal_breaks_no_hard_rule_and_matches_as_many_as_possible(problem):
    proposal = propose(problem)

    taken: dict[int, int] = {}
    for pair in proposal.pairs:
        assert exclusion(pair.mentee, pair.mentor, problem) is None
        assert mentee_block(pair.mentee, problem.weights) is None
        taken[pair.mentor.key] = taken.get(pair.mentor.key, 0) + 1
    assert all(taken[m.key] <= m.places for m in problem.mentors if m.key in taken)
    matched = [p.mentee.key for p in proposal.pairs]
    assert len(matched) == len(set(matched))
    assert len(matched) + len(proposal.unmatched) == len(problem.mentees)
    assert len(matched) == best_size(problem)


def test_a_shared_surname_without_a_family_link_is_flagged_for_a_check_and_scores_nothing():
    weights = Weights(interests=0, primary=0, language=0, gender=0, windows=0, experience=0)
    osei = MenteeFacts(key=1, name="Ayla Osei", pupil_id=10, family_name="Osei")
    mentor = MentorFacts(key=2, name="Kofi OSEI", pupil_id=20, family_name="OSEI ")
    other_family = MentorFacts(
        key=3, name="Ama Osei", pupil_id=30, family_name="Osei", family_key="F9"
    )
    stranger = MentorFacts(key=4, name="Sam Lee", pupil_id=40, family_name="Lee")

    found = factors(osei, mentor, weights, {})

    assert found == [
        (0.0, "check they are not related: both are called Osei and no family link is recorded")
    ]
    assert factors(osei, stranger, weights, {}) == []
    both_known = MenteeFacts(
        key=5, name="Ayla Osei", pupil_id=11, family_name="Osei", family_key="F1"
    )
    assert factors(both_known, other_family, weights, {}) == []
