"""The trust table's columns: every headline figure of the term report, headed and grouped."""

from __future__ import annotations

from peermentoring.evaluation.figures import HEADLINE_KEYS
from peermentoring.evaluation.outcomes_figures import BY_SCHOOL_KEYS
from peermentoring.evaluation.trust_figures import COLUMNS, OUTCOME_COLUMNS, columns, header

ALL_KEYS = [*HEADLINE_KEYS, *OUTCOME_COLUMNS]


def test_every_headline_figure_has_a_heading_of_its_own():
    assert set(COLUMNS) == set(HEADLINE_KEYS)
    assert [c.key for c in columns()] == ALL_KEYS
    assert len({c.full_label for c in columns()}) == len(ALL_KEYS)


def test_the_outcome_columns_are_the_outcome_figures_but_whether_they_are_few():
    assert set(OUTCOME_COLUMNS) == set(BY_SCHOOL_KEYS) - {"outcome_small"}
    assert header(columns())[-1] == ("Outcomes", len(OUTCOME_COLUMNS))


def test_each_group_heads_its_columns_once():
    groups = [group for group, _ in header(columns())]

    assert len(groups) == len(set(groups))
    assert sum(span for _, span in header(columns())) == len(ALL_KEYS)


def test_a_figure_without_a_heading_still_shows_under_its_own_name(monkeypatch):
    from peermentoring.evaluation import trust_figures

    monkeypatch.setattr(trust_figures, "HEADLINE_KEYS", (*HEADLINE_KEYS, "outcome_change"))

    added = next(c for c in columns() if c.key == "outcome_change")
    assert added.full_label == "Outcome change"
