"""The evidence pack for the Approved Provider Standard: the ten areas the standard asks
evidence for, each mapped to what the scheme recorded in a period.

`build_pack(school, period, include_names=...)` gathers it (evidence_areas.py holds one
gatherer per area); evidence_zip.py writes it as one zip of an index.html and CSV files.

Pupils are never named unless the coordinator chooses named samples: `Names` gives each
pupil a label ("Mentor A", "Mentee 3") that holds across the whole pack. Safeguarding
concerns appear as counts only, whatever is chosen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from peermentoring.schools.models import AcademicYear, Pupil, School, Term


@dataclass(frozen=True)
class Period:
    """The days the pack covers, both included, and how people name them."""

    first: dt.date
    last: dt.date
    label: str

    @classmethod
    def for_term(cls, term: Term) -> Period:
        return cls(term.starts_on, term.ends_on, str(term))

    @classmethod
    def for_year(cls, year: AcademicYear) -> Period:
        return cls(year.starts_on, year.ends_on, f"the year {year.name}")

    @classmethod
    def for_dates(cls, first: dt.date, last: dt.date) -> Period:
        return cls(first, last, f"{first:%-d %B %Y} to {last:%-d %B %Y}")


@dataclass
class Table:
    """A dated list or a sample: shown in the index and written as a CSV file."""

    filename: str  # "referrals.csv"
    title: str
    heading: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def csv_rows(self) -> list[list[Any]]:
        return [self.heading, *self.rows]

    def labelled_rows(self, limit: int) -> list[list[tuple[str, Any]]]:
        """The first `limit` rows, each cell with its column's heading (a phone's card label)."""
        return [list(zip(self.heading, row, strict=True)) for row in self.rows[:limit]]


@dataclass
class Area:
    """One of the standard's ten areas and the records that show it."""

    number: int
    key: str
    title: str
    asks: str  # what the standard looks for, in a sentence
    facts: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Pack:
    school: School
    period: Period
    include_names: bool
    made_at: dt.datetime
    areas: list[Area]
    policies: list[Any]  # PolicyInForce, for the appendix of texts

    def tables(self) -> list[Table]:
        return [table for area in self.areas for table in area.tables]


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: a spreadsheet's column names."""
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(65 + rest) + text
    return text


class Names:
    """How the pack writes a pupil: a label of their part by default, their name if chosen.

    Labels are given in order of first appearance and hold across the pack, so "Mentee 3"
    in the referrals is "Mentee 3" in the pairings.
    """

    def __init__(self, school: School, *, include_names: bool) -> None:
        self.include_names = include_names
        self._labels: dict[tuple[str, Hashable], str] = {}
        self._counts: dict[str, int] = {}
        self._names: dict[int, str] = {}
        if include_names:
            self._names = {
                pk: f"{preferred or given} {family}"
                for pk, given, preferred, family in Pupil.objects.for_school(school).values_list(
                    "pk", "given_name", "preferred_name", "family_name"
                )
            }

    def _label(self, part: str, key: Hashable, shown: Callable[[int], str]) -> str:
        if (part, key) not in self._labels:
            n = self._counts.get(part, 0)
            self._counts[part] = n + 1
            self._labels[(part, key)] = shown(n)
        return self._labels[(part, key)]

    def mentor(self, pupil_id: int) -> str:
        if self.include_names and pupil_id in self._names:
            return self._names[pupil_id]
        return self._label("mentor", pupil_id, lambda n: f"Mentor {_letters(n)}")

    def mentee(self, pupil_id: int | None, *, referral_id: int = 0, child: str = "") -> str:
        """A mentee (or a referred child not yet on roll: `child` is their name)."""
        if self.include_names:
            if pupil_id is not None and pupil_id in self._names:
                return self._names[pupil_id]
            if child.strip():
                return child.strip()
        key: Hashable = pupil_id if pupil_id is not None else ("referral", referral_id)
        return self._label("mentee", key, lambda n: f"Mentee {n + 1}")


# Other areas of the product add to an area of the pack through this (the outcomes'
# questionnaires add to "monitoring of progress and outcomes"): each source receives the
# school, the period and the pack's Names, and returns what it adds, or None.
Source = Callable[[School, Period, Names], "Area | None"]
_sources: dict[str, tuple[str, Source]] = {}


def register_evidence_source(*, key: str, area: str, source: Source) -> None:
    """Add facts, tables and notes to one area of every pack (the same key replaces it)."""
    _sources[key] = (area, source)


def build_pack(school: School, period: Period, *, include_names: bool = False) -> Pack:
    """Everything the pack shows for the school in the period."""
    from peermentoring.evaluation import evidence_areas, evidence_policies_in_force

    names = Names(school, include_names=include_names)
    policies = evidence_policies_in_force.policies_in_force(school, period)
    areas = evidence_areas.gather(school, period, names, policies)
    by_key = {area.key: area for area in areas}
    for key in sorted(_sources):
        area_key, source = _sources[key]
        added = source(school, period, names)
        if added is not None and area_key in by_key:
            by_key[area_key].facts.extend(added.facts)
            by_key[area_key].tables.extend(added.tables)
            by_key[area_key].notes.extend(added.notes)
    return Pack(
        school=school,
        period=period,
        include_names=include_names,
        made_at=timezone.now(),
        areas=areas,
        policies=policies,
    )
