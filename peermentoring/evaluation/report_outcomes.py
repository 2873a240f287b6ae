"""The outcomes (the mentees' check-ins) in the term report: the one place the page, its
chart, its CSV and Excel tables, the printable copy and `manage.py term_report` take them
from. The figures themselves are `outcomes_figures.outcome_summary`; `figures.report`
does not know about questionnaires, so the report's other figures and its outcomes are
put side by side here, in the view and command layer.

Small numbers: an average or percentage of fewer than five pupils is never shown
(`outcomes_figures.Change` leaves it out), and the before/after chart is drawn only for
the questions five or more pupils were compared on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peermentoring.evaluation import charts, report_tables
from peermentoring.evaluation.figures import Report, Span
from peermentoring.evaluation.outcomes_figures import OutcomeSummary, outcome_summary
from peermentoring.evaluation.report_tables import Table
from peermentoring.schools.models import School

if TYPE_CHECKING:
    from peermentoring.evaluation.evidence_pack import Area, Names, Period

NAME = "outcomes"  # the table's and the chart's name in their addresses
TITLE = "Outcomes: change from first to latest check-in"
CHART_WORDS = "the average answer (1 to 5) at the first and the latest check-in, question by question, plain bars then hatched bars"
OVERALL_LABEL = "All the 1-5 questions"


def summary(school: School, span: Span) -> OutcomeSummary:
    return outcome_summary(school, span.first, span.last)


def table(outcomes: OutcomeSummary) -> Table:
    """The outcomes as one of the report's tables (heading, a row a question, the overall)."""
    heading, *rows = outcomes.rows()
    return Table(NAME, TITLE, tuple(str(h) for h in heading), [tuple(row) for row in rows])


def counts_rows(outcomes: OutcomeSummary) -> list[tuple[Any, ...]]:
    """How many answered, compared and reflected: what sits above the table."""
    return [
        ("Mentees who answered a check-in", outcomes.pupils_answered),
        ("of whom had an earlier check-in to compare with", outcomes.pupils_compared),
        ("Peer mentors who wrote an end-of-year reflection", outcomes.mentors_reflected),
    ]


def chart_bars(outcomes: OutcomeSummary) -> tuple[list[str], list[float], list[float]]:
    """The questions (and the overall mean) with five or more pupils compared, and their
    first and latest averages: nothing when fewer than five pupils answered."""
    lines = [(q.text, q.change) for q in outcomes.questions]
    lines.append((OVERALL_LABEL, outcomes.overall))
    shown = [
        (text, change.first_average, change.latest_average)
        for text, change in lines
        if not change.small
        and change.first_average is not None
        and change.latest_average is not None
    ]
    return [t for t, _, _ in shown], [b for _, b, _ in shown], [a for _, _, a in shown]


def has_chart(outcomes: OutcomeSummary) -> bool:
    return bool(chart_bars(outcomes)[0])


def chart(outcomes: OutcomeSummary) -> bytes | None:
    """The before/after chart as SVG, or None when no question had five pupils compared."""
    questions, before, after = chart_bars(outcomes)
    if not questions:
        return None
    return charts.outcomes_chart(questions, before, after)


def all_rows(report: Report, outcomes: OutcomeSummary) -> list[tuple[Any, ...]]:
    """Every table of the report one under the other, the outcomes last (`table=all` CSV,
    `manage.py term_report --format csv`)."""
    out = table(outcomes)
    return [
        *report_tables.all_rows(report),
        (),
        (out.title,),
        *counts_rows(outcomes),
        out.heading,
        *out.rows,
    ]


def text_lines(outcomes: OutcomeSummary) -> list[str]:
    """The outcomes as `manage.py term_report` prints them in text."""
    lines = ["", "Outcomes"]
    lines += [f"{label}: {value}" for label, value in counts_rows(outcomes)]
    if outcomes.pupils_compared and outcomes.small:
        lines.append(outcomes.small_words)
    for text, change in [(q.text, q.change) for q in outcomes.questions] + [
        (OVERALL_LABEL, outcomes.overall)
    ]:
        if not change.pupils:
            continue
        averages = (
            f", average {change.first_average} -> {change.latest_average}"
            if change.first_average is not None and change.latest_average is not None
            else ""
        )
        lines.append(
            f"{text}: {change.pupils} compared, {change.better} better, {change.same} the same,"
            f" {change.worse} worse{averages}"
        )
    return lines


EVIDENCE_NOTE = (
    "Outcomes are counts and averages of the mentees' check-ins only: no pupil's answers "
    "are in this pack, named or not, even when named samples are chosen. An average or "
    "percentage of fewer than five pupils is left out."
)


def evidence_area(school: School, period: Period, names: Names) -> Area:
    """What the check-ins add to the evidence pack's "monitoring of progress and outcomes"
    (registered in register_outcomes.py). `names` is not used on purpose: the pack never
    holds a pupil's answers, whether or not the coordinator chose named samples."""
    from peermentoring.evaluation.evidence_pack import Area
    from peermentoring.evaluation.evidence_pack import Table as PackTable

    outcomes = outcome_summary(school, period.first, period.last)
    heading, *rows = outcomes.rows()
    area = Area(10, "monitoring", "", "")
    area.facts += [*counts_rows(outcomes)]
    overall = outcomes.overall
    area.facts += [
        ("Mentees answering better at their latest check-in than at their first", overall.better),
        ("Mentees answering the same at their latest check-in", overall.same),
        ("Mentees answering worse at their latest check-in", overall.worse),
    ]
    if overall.first_average is not None and overall.latest_average is not None:
        area.facts += [
            ("Average answer (1-5) at the first check-in", overall.first_average),
            ("Average answer (1-5) at the latest check-in", overall.latest_average),
        ]
    area.tables.append(
        PackTable(
            "outcomes.csv",
            TITLE,
            [str(h) for h in heading],
            [list(row) for row in rows] if outcomes.pupils_compared else [],
        )
    )
    area.notes.append(EVIDENCE_NOTE)
    if outcomes.pupils_compared and outcomes.small:
        area.notes.append(outcomes.small_words)
    return area
