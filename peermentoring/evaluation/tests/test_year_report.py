"""The frozen annual report read back as rows, whatever shape its figures were kept in."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peermentoring.evaluation.year_report import FigureRow, figure_rows, sections

FROZEN = {
    "meetings_held": 827,
    "span": {"first": "2025-09-01", "last": "2026-08-31"},
    "pairings_ended": [
        {"reason": "completed", "label": "Completed at the end of the year", "count": 17},
        {"reason": "other", "label": "Other", "count": 0},
    ],
    "by_mentor": [{"mentor_id": 30, "mentor": "Maryam Wilson", "itemised": 74, "held": 75}],
    "training": [{"module": "5. Ground rules", "required": True, "completed": 15}],
    "share": 0.25,
    "nothing": None,
}


def test_each_figure_is_one_row_under_its_section():
    rows = figure_rows(FROZEN)

    assert FigureRow("Headline", "Meetings held", "827") in rows
    assert FigureRow("Span", "First", "2025-09-01") in rows
    assert FigureRow("Pairings ended", "Completed at the end of the year", "17") in rows
    assert FigureRow("By mentor", "Maryam Wilson › Itemised", "74") in rows
    assert FigureRow("Training", "5. Ground rules › Required", "yes") in rows
    assert FigureRow("Headline", "Share", "0.25") in rows
    assert FigureRow("Headline", "Nothing", "—") in rows
    assert not any("Mentor id" in r.figure for r in rows)


def test_sections_keep_their_first_order_and_every_row():
    rows = figure_rows(FROZEN)

    grouped = sections(rows)

    assert [name for name, _ in grouped][:2] == ["Headline", "Span"]
    assert sum(len(r) for _, r in grouped) == len(rows)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # 2 shared cores
@given(st.dictionaries(st.text(max_size=6), JSON, max_size=6))
def test_any_json_the_figures_were_kept_in_reads_back_as_rows_of_text(figures):
    for row in figure_rows(figures):
        assert isinstance(row.section, str) and isinstance(row.figure, str)
        assert isinstance(row.value, str)
