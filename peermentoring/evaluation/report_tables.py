"""The report's tables, as rows of cells: what the page shows beside each chart, what the
CSV and Excel downloads hold, and what `manage.py term_report --format csv` prints.

Every number comes from `figures.report`; this module only names the columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peermentoring.evaluation.figures import Report

# The headline figures in the words a school uses, in the order the summary lists them.
HEADLINE_LABELS: dict[str, str] = {
    "meetings_held": "One-to-one meetings that happened",
    "meetings_itemised": "of which logged one by one",
    "meetings_bulk_reported": "of which reported as a weekly count",
    "meetings_did_not_happen": "Meetings that did not happen",
    "dropin_visits": "Drop-in visitors",
    "mentees_supported": "Mentees who met their mentor",
    "mentors_meeting": "Mentors who met their mentee",
    "pairings_active": "Pairings running in the period",
    "pairings_started": "Pairings started",
    "pairings_ended": "Pairings ended",
    "referrals_received": "Referrals received",
    "mentees_waiting": "Mentees waiting for a mentor (today)",
    "applications": "Applications to become a mentor",
    "interviews": "Interviews",
    "offers": "Places offered",
    "supervision_sessions": "Supervision sessions",
    "supervision_present": "Mentors present at supervision",
    "supervision_absent": "Mentors absent from supervision",
    "actions_opened": "Supervision actions opened",
    "actions_closed": "Supervision actions closed",
    "concerns_raised": "Safeguarding concerns raised",
    "concerns_acknowledged_within_hour": "Concerns acknowledged within an hour",
    "concerns_not_acknowledged": "Concerns not yet acknowledged",
    "tellus_reports": "“Tell us” bullying reports",
    "primary_visits": "Visits to primary schools",
    "events": "Events",
}


@dataclass(frozen=True)
class Table:
    name: str  # in the download's address: ?table=weeks
    title: str
    heading: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    @property
    def labelled_rows(self) -> list[list[tuple[str, Any]]]:
        """Each cell with its column's heading: a phone shows each row as a card."""
        return [list(zip(self.heading, row, strict=False)) for row in self.rows]


def _week(day: dt.date) -> str:
    return f"{day:%-d %b %Y}"


def _summary(r: Report) -> Table:
    return Table(
        "summary",
        "The period in figures",
        ("Figure", "Number"),
        [(label, r.headline[key]) for key, label in HEADLINE_LABELS.items()],
    )


def _weeks(r: Report) -> Table:
    return Table(
        "weeks",
        "Meetings and drop-in visitors by school week",
        (
            "Week beginning",
            "Logged one by one",
            "Reported as a count",
            "Meetings",
            "Drop-in visitors",
        ),
        [(_week(w["week"]), w["itemised"], w["bulk"], w["held"], w["dropin"]) for w in r.by_week],
    )


def _windows(r: Report) -> Table:
    return Table(
        "windows",
        "Meetings by time of day",
        ("When", "Meetings"),
        [(w["label"], w["held"]) for w in r.by_window],
    )


def _mentors(r: Report) -> Table:
    return Table(
        "mentors",
        "Meetings by mentor",
        ("Mentor", "Logged one by one", "Reported as a count", "Meetings"),
        [(m["mentor"], m["itemised"], m["bulk"], m["held"]) for m in r.by_mentor],
    )


def _missed(r: Report) -> Table:
    return Table(
        "missed",
        "Meetings that did not happen, and why",
        ("Why", "Meetings"),
        [(m["label"], m["count"]) for m in r.did_not_happen],
    )


def _ended(r: Report) -> Table:
    return Table(
        "ended",
        "Pairings ended, and why",
        ("Reason", "Pairings"),
        [(e["label"], e["count"]) for e in r.pairings_ended],
    )


def _training(r: Report) -> Table:
    return Table(
        "training",
        "Training completed, module by module",
        ("Module", "Required", "Mentors who completed it", "Mentors"),
        [
            (t["module"], "Yes" if t["required"] else "No", t["completed"], t["mentors"])
            for t in r.training
        ],
    )


def _supervision(r: Report) -> Table:
    return Table(
        "supervision",
        "Supervision attendance",
        ("Attendance", "Mentor places"),
        [(s["label"], s["count"]) for s in r.supervision],
    )


def _concerns(r: Report) -> Table:
    return Table(
        "concerns",
        "Safeguarding concerns: how fast they were acknowledged",
        ("Acknowledged", "Concerns"),
        [(c["label"], c["count"]) for c in r.concerns_speed]
        + [(f"Raised as: {c['label']}", c["count"]) for c in r.concerns_urgency],
    )


def _tellus(r: Report) -> Table:
    return Table(
        "tellus",
        "“Tell us” bullying reports by kind",
        ("What kind", "Reports"),
        [(t["label"], t["count"]) for t in r.tellus],
    )


def _events(r: Report) -> Table:
    return Table(
        "events",
        "Events",
        ("Kind", "Events", "People reached"),
        [(e["label"], e["count"], e["reach"]) for e in r.events],
    )


BUILDERS: dict[str, Callable[[Report], Table]] = {
    "summary": _summary,
    "weeks": _weeks,
    "windows": _windows,
    "mentors": _mentors,
    "missed": _missed,
    "ended": _ended,
    "training": _training,
    "supervision": _supervision,
    "concerns": _concerns,
    "tellus": _tellus,
    "events": _events,
}
ALL = "all"


def tables(report: Report) -> dict[str, Table]:
    return {name: build(report) for name, build in BUILDERS.items()}


def table_rows(table: Table) -> list[tuple[Any, ...]]:
    """Heading then rows: what `core.spreadsheets.table_response` writes."""
    return [table.heading, *table.rows]


def all_rows(report: Report) -> list[tuple[Any, ...]]:
    """Every table one under the other, each under its title, for one CSV of the report."""
    rows: list[tuple[Any, ...]] = [
        (report.school_name, report.span.label),
        (report.sentence,),
    ]
    for table in tables(report).values():
        rows += [(), (table.title,), table.heading, *table.rows]
    return rows


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    figures: tuple[str, ...]
    tables: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "meetings",
        "Meetings",
        (
            "meetings_held",
            "meetings_itemised",
            "meetings_bulk_reported",
            "meetings_did_not_happen",
            "dropin_visits",
        ),
        ("weeks", "windows", "missed", "mentors"),
    ),
    Section(
        "pupils",
        "Pupils supported and pairings",
        (
            "mentees_supported",
            "mentors_meeting",
            "pairings_active",
            "pairings_started",
            "pairings_ended",
            "referrals_received",
            "mentees_waiting",
        ),
        ("ended",),
    ),
    Section(
        "recruitment",
        "Recruitment and training",
        ("applications", "interviews", "offers"),
        ("training",),
    ),
    Section(
        "supervision",
        "Supervision",
        (
            "supervision_sessions",
            "supervision_present",
            "supervision_absent",
            "actions_opened",
            "actions_closed",
        ),
        ("supervision",),
    ),
    Section(
        "safeguarding",
        "Safeguarding (numbers only)",
        ("concerns_raised", "concerns_acknowledged_within_hour", "concerns_not_acknowledged"),
        ("concerns",),
    ),
    Section(
        "outreach",
        "Outreach and events",
        ("tellus_reports", "primary_visits", "events"),
        ("tellus", "events"),
    ),
)
# Tables drawn as charts too: (chart's name in its address, what it shows) for each.
CHARTS: dict[str, tuple[tuple[str, str], ...]] = {
    "weeks": (
        ("weeks", "meetings per school week, bars"),
        ("dropin", "drop-in visitors per school week, a line"),
    ),
    "windows": (("windows", "meetings by time of day, bars"),),
}
