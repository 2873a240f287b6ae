"""The coordinator's side-by-side view of panel scores, with disagreements picked out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from peermentoring.recruitment.models import Application, RecruitmentRound

# Two panel members this far apart on one criterion (say 1 and 3) should talk it over.
DISAGREEMENT = 2


@dataclass
class CriterionRow:
    criterion: str
    marks: list[int | None]
    disagree: bool


@dataclass
class ScoreRow:
    application: Application
    scorers: list[str]
    criteria: list[CriterionRow] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)
    average: float | None = None

    @property
    def has_disagreement(self) -> bool:
        return any(row.disagree for row in self.criteria)


def score_table(round_: RecruitmentRound, applications: Iterable[Application]) -> list[ScoreRow]:
    """One row per interviewed applicant: each criterion across the panel, best average first."""
    rows = []
    for application in applications:
        scores = list(application.interview.scores.all())
        row = ScoreRow(application=application, scorers=[s.scorer.display_name for s in scores])
        for criterion in round_.criteria:
            marks = [s.scores.get(criterion) for s in scores]
            given = [m for m in marks if m is not None]
            row.criteria.append(
                CriterionRow(
                    criterion=criterion,
                    marks=marks,
                    disagree=len(given) > 1 and max(given) - min(given) >= DISAGREEMENT,
                )
            )
        row.comments = [(s.scorer.display_name, s.comment) for s in scores if s.comment]
        if scores:
            row.average = round_to(sum(s.total for s in scores) / len(scores))
        rows.append(row)
    rows.sort(
        key=lambda r: (
            r.application.rank is None,
            r.application.rank or 0,
            -(r.average or 0),
        )
    )
    return rows


def round_to(value: float) -> float:
    return round(value, 1)
