"""Compatibility of a mentee and a mentor: named, weighted factors and the hard rules.

Pure Python on plain dataclasses (no Django), so the whole proposal can be
built and tested without the database. `run.py` turns rows into these facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from peermentoring.matching.engine import assign

NOT_ON_ROLL = "Not on roll yet: matched once the Year 7 list is imported."
NO_CONSENT = "Parental consent is {consent}; the school needs it before matching."
NO_MENTORS = "There is no trained mentor with a free place."
NO_CAPACITY = "No mentor left with capacity: the {count} who could mentor them are full."
ALL_EXCLUDED = "Every mentor is excluded by a rule: {rules}."
RULE_RELATIVE = "relative"
RULE_DO_NOT_PAIR = "do-not-pair list"
RULE_FORBIDDEN = "forbidden by you"
RULE_SELF = "the same pupil"
COMMON_LANGUAGE = {"english"}


def words(text: str) -> frozenset[str]:
    """Comma-, semicolon- or slash-separated items, lower case: "Football, chess" -> {football, chess}."""
    return frozenset(part.strip().lower() for part in re.split(r"[,;/\n]", text) if part.strip())


@dataclass(frozen=True)
class Weights:
    interests: int = 3
    primary: int = 2
    language: int = 2
    gender: int = 4
    windows: int = 3
    experience: int = 3
    form_house: int = 1
    form_house_rule: str = ""  # same_house / different_house / same_form / different_form
    requires_consent: bool = True


@dataclass(frozen=True)
class MenteeFacts:
    key: int  # the referral's pk
    name: str
    pupil_id: int | None
    family_key: str = ""
    family_name: str = ""
    interests: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    primary_id: int | None = None
    primary_name: str = ""
    gender_preference: str = ""
    windows: frozenset[int] | None = None  # None: free whenever the school is
    is_urgent: bool = False
    is_soon: bool = False
    is_higher_need: bool = False
    form_group: str = ""
    house: str = ""
    consent: str = "given"
    consent_label: str = "given"
    is_on_roll: bool = True


@dataclass(frozen=True)
class MentorFacts:
    key: int  # the mentor's pk
    name: str
    pupil_id: int
    family_key: str = ""
    family_name: str = ""
    interests: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    primary_id: int | None = None
    gender: str = ""
    windows: frozenset[int] | None = None
    is_experienced: bool = False
    form_group: str = ""
    house: str = ""
    places: int = 1


@dataclass
class Problem:
    mentees: list[MenteeFacts]
    mentors: list[MentorFacts]
    weights: Weights
    window_labels: dict[int, str] = field(default_factory=dict)
    do_not_pair: set[frozenset[int]] = field(default_factory=set)
    forbidden: set[tuple[int, int]] = field(default_factory=set)  # (referral, mentor)
    locked: set[tuple[int, int]] = field(default_factory=set)


SAME_SURNAME = "check they are not related: both are called {name} and no family link is recorded"


def mentee_block(mentee: MenteeFacts, weights: Weights) -> str | None:
    """Why this mentee cannot be matched at all, or None."""
    if not mentee.is_on_roll:
        return NOT_ON_ROLL
    if weights.requires_consent and mentee.consent != "given":
        return NO_CONSENT.format(consent=mentee.consent_label.lower())
    return None


def exclusion(mentee: MenteeFacts, mentor: MentorFacts, problem: Problem) -> str | None:
    """The hard rule that forbids this pair, or None. No weight can override these."""
    if mentee.pupil_id == mentor.pupil_id:
        return RULE_SELF
    if mentee.family_key and mentee.family_key == mentor.family_key:
        return RULE_RELATIVE
    if mentee.pupil_id is not None and (
        frozenset((mentee.pupil_id, mentor.pupil_id)) in problem.do_not_pair
    ):
        return RULE_DO_NOT_PAIR
    if (mentee.key, mentor.key) in problem.forbidden:
        return RULE_FORBIDDEN
    return None


def _shared_windows(mentee: MenteeFacts, mentor: MentorFacts, every: Iterable[int]) -> list[int]:
    a = mentee.windows if mentee.windows is not None else frozenset(every)
    b = mentor.windows if mentor.windows is not None else frozenset(every)
    return sorted(a & b)


def _form_house(mentee: MenteeFacts, mentor: MentorFacts, rule: str) -> str | None:
    if rule == "same_house" and mentee.house and mentee.house == mentor.house:
        return f"both in {mentor.house} house"
    if rule == "different_house" and mentee.house and mentor.house and mentee.house != mentor.house:
        return "different houses"
    if rule == "same_form" and mentee.form_group and mentee.form_group == mentor.form_group:
        return f"both in form {mentor.form_group}"
    if rule == "different_form" and mentee.form_group != mentor.form_group:
        return "different form groups"
    return None


def factors(
    mentee: MenteeFacts, mentor: MentorFacts, weights: Weights, window_labels: dict[int, str]
) -> list[tuple[float, str]]:
    """Each factor that applies to the pair: (weighted points, the reason in words)."""
    found: list[tuple[float, str]] = []
    shared = sorted(mentee.interests & mentor.interests)
    if shared and weights.interests:
        found.append(
            (weights.interests * min(len(shared), 2) / 2, "both like " + ", ".join(shared))
        )
    if weights.primary and mentee.primary_id and mentee.primary_id == mentor.primary_id:
        found.append((float(weights.primary), f"same primary ({mentee.primary_name})"))
    languages = sorted((mentee.languages & mentor.languages) - COMMON_LANGUAGE)
    if languages and weights.language:
        found.append(
            (float(weights.language), "both speak " + ", ".join(lang.title() for lang in languages))
        )
    if weights.gender and mentee.gender_preference and mentee.gender_preference == mentor.gender:
        found.append((float(weights.gender), f"a {mentor.gender} mentor, as asked"))
    if weights.windows:
        free = _shared_windows(mentee, mentor, window_labels)
        if free:
            named = ", ".join(window_labels.get(w, "") for w in free[:3])
            more = f" and {len(free) - 3} more" if len(free) > 3 else ""
            found.append((float(weights.windows), f"both free {named}{more}"))
    if weights.experience and mentor.is_experienced:
        if mentee.is_urgent or mentee.is_higher_need:
            need = "an urgent" if mentee.is_urgent else "a higher-need"
            found.append((float(weights.experience), f"experienced mentor for {need} referral"))
        elif mentee.is_soon:
            found.append((weights.experience / 2, "experienced mentor for a referral marked soon"))
    if weights.form_house and weights.form_house_rule:
        words_ = _form_house(mentee, mentor, weights.form_house_rule)
        if words_:
            found.append((float(weights.form_house), words_))
    hint = same_surname_hint(mentee, mentor)
    if hint:
        found.append((0.0, hint))  # no points: a prompt for the coordinator, not a factor
    return found


def same_surname_hint(mentee: MenteeFacts, mentor: MentorFacts) -> str | None:
    """Two pupils with one surname and no family link either way may still be relatives."""
    name = mentee.family_name.strip()
    if not name or name.casefold() != mentor.family_name.strip().casefold():
        return None
    if mentee.family_key and mentor.family_key:
        return None  # the school's system gives each a family, and they differ
    return SAME_SURNAME.format(name=name)


def score(
    mentee: MenteeFacts, mentor: MentorFacts, weights: Weights, labels: dict[int, str]
) -> float:
    """The pair's compatibility: the sum of its weighted factors."""
    return sum(points for points, _ in factors(mentee, mentor, weights, labels))


@dataclass
class ProposedPair:
    mentee: MenteeFacts
    mentor: MentorFacts
    score: float
    reasons: list[str]
    is_locked: bool = False


@dataclass
class Proposal:
    pairs: list[ProposedPair]
    unmatched: list[tuple[MenteeFacts, str]]
    spare: list[tuple[MentorFacts, int]]
    dropped_locks: list[tuple[int, int]]

    @property
    def total_score(self) -> float:
        return sum(p.score for p in self.pairs)


def propose(problem: Problem) -> Proposal:
    """Lock what the coordinator locked, then let the solver pair everyone else optimally."""
    weights, labels = problem.weights, problem.window_labels
    by_mentee = {m.key: m for m in problem.mentees}
    by_mentor = {m.key: m for m in problem.mentors}
    places = {m.key: m.places for m in problem.mentors}
    pairs: list[ProposedPair] = []
    unmatched: list[tuple[MenteeFacts, str]] = []
    dropped: list[tuple[int, int]] = []
    done: set[int] = set()
    for referral_key, mentor_key in sorted(problem.locked):
        mentee, mentor = by_mentee.get(referral_key), by_mentor.get(mentor_key)
        if (
            mentee is None
            or mentor is None
            or referral_key in done
            or places[mentor_key] < 1
            or mentee_block(mentee, weights)
            or exclusion(mentee, mentor, problem)
        ):
            dropped.append((referral_key, mentor_key))
            continue
        found = factors(mentee, mentor, weights, labels)
        pairs.append(
            ProposedPair(mentee, mentor, sum(p for p, _ in found), [r for _, r in found], True)
        )
        places[mentor_key] -= 1
        done.add(referral_key)

    rows: list[MenteeFacts] = []
    for mentee in problem.mentees:
        if mentee.key in done:
            continue
        block = mentee_block(mentee, weights)
        if block:
            unmatched.append((mentee, block))
        else:
            rows.append(mentee)
    mentors = problem.mentors
    scores = np.zeros((len(rows), len(mentors)), dtype=np.float64)
    allowed = np.ones((len(rows), len(mentors)), dtype=bool)
    rules: list[dict[str, int]] = []
    for i, mentee in enumerate(rows):
        broken: dict[str, int] = {}
        for j, mentor in enumerate(mentors):
            rule = exclusion(mentee, mentor, problem)
            if rule:
                allowed[i, j] = False
                broken[rule] = broken.get(rule, 0) + 1
            else:
                scores[i, j] = score(mentee, mentor, weights, labels)
        rules.append(broken)
    capacity = [places[m.key] for m in mentors]
    chosen = assign(scores, capacity, allowed) if rows and mentors else []
    matched_rows = set()
    for i, j in chosen:
        mentee, mentor = rows[i], mentors[j]
        found = factors(mentee, mentor, weights, labels)
        pairs.append(ProposedPair(mentee, mentor, float(scores[i, j]), [r for _, r in found]))
        places[mentor.key] -= 1
        matched_rows.add(i)
    for i, mentee in enumerate(rows):
        if i in matched_rows:
            continue
        allowed_count = int(allowed[i].sum())
        if not mentors or sum(m.places for m in mentors) == 0:
            reason = NO_MENTORS
        elif allowed_count == 0:
            rules_text = ", ".join(f"{rule} ({count})" for rule, count in sorted(rules[i].items()))
            reason = ALL_EXCLUDED.format(rules=rules_text)
        else:
            reason = NO_CAPACITY.format(count=allowed_count)
        unmatched.append((mentee, reason))
    spare = [(m, places[m.key]) for m in mentors if places[m.key] > 0]
    pairs.sort(key=lambda p: (p.mentor.name, p.mentee.name))
    return Proposal(pairs, unmatched, spare, dropped)
