"""The evidence pack's aims and policies: the version of each in force at the end of the
period, how many of the period's mentors acknowledged it, and the dated list of their
acknowledgements (mentors written through the pack's `Names`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from peermentoring.evaluation.evidence_pack import Names, Period, Table
from peermentoring.evaluation.models import Policy, PolicyAcknowledgement, PolicyVersion
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import School


def day(value: dt.datetime | dt.date | None) -> str:
    """A date as the pack writes it (ISO, the school's day for a moment), or "" for none."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def mentors_in(school: School, period: Period) -> Any:
    """The mentor records of the academic years the period touches."""
    return Mentor.objects.for_school(school).filter(
        academic_year__starts_on__lte=period.last, academic_year__ends_on__gte=period.first
    )


@dataclass(frozen=True)
class PolicyInForce:
    version_id: int
    title: str
    kind: str
    is_aims: bool
    is_for_mentors: bool
    number: int
    published_on: str
    published_by: str
    text: str
    acknowledged: int  # mentors of the period who acknowledged this version by its end


def policies_in_force(school: School, period: Period) -> list[PolicyInForce]:
    """Each policy's version in force at the end of the period, with its acknowledgements."""
    mentor_pupils = mentors_in(school, period).values("pupil_id")
    versions = (
        PolicyVersion.objects.for_school(school)
        .in_force_on(period.last)
        .select_related("policy", "published_by")
        .annotate(
            acks=Count(
                "acknowledgements",
                filter=Q(
                    acknowledgements__at__date__lte=period.last,
                    acknowledgements__pupil__in=mentor_pupils,
                ),
            )
        )
        .order_by("policy__kind", "policy__title")
    )
    return [
        PolicyInForce(
            version_id=v.pk,
            title=v.policy.title,
            kind=v.policy.get_kind_display(),
            is_aims=v.policy.kind == Policy.Kind.AIMS,
            is_for_mentors=v.policy.is_for_mentors,
            number=v.number,
            published_on=day(v.published_at),
            published_by=v.published_by.display_name if v.published_by else "",
            text=v.text,
            acknowledged=getattr(v, "acks", 0),
        )
        for v in versions
    ]


def policy_table(policies: list[PolicyInForce], mentors: int) -> Table:
    return Table(
        "policies.csv",
        "Aims and policies in force at the end of the period",
        [
            "Title",
            "Kind",
            "Version",
            "Published on",
            "Published by",
            "Mentors asked to acknowledge",
            "Mentors who acknowledged",
            "Mentors in the period",
        ],
        [
            [
                p.title,
                p.kind,
                p.number,
                p.published_on,
                p.published_by,
                "Yes" if p.is_for_mentors else "No",
                p.acknowledged if p.is_for_mentors else "",
                mentors,
            ]
            for p in policies
        ],
    )


HOW = {False: "On their account", True: "On paper"}


def acknowledgements(
    school: School, period: Period, policies: list[PolicyInForce], names: Names
) -> Table:
    """Each acknowledgement of a version in force, by the period's mentors, by its end: how
    (on their account or a signed paper copy) and, on paper, which member of staff recorded
    it. On their account nobody else is named: `by` is then the mentor, a pupil."""
    titles = {p.version_id: (p.title, p.number) for p in policies}
    table = Table(
        "acknowledgements.csv",
        "Mentors' 'I have read and understood this', for the versions in force",
        ["Policy", "Version", "Mentor", "Read and understood on", "How", "Recorded by"],
    )
    for ack in (
        PolicyAcknowledgement.objects.for_school(school)
        .filter(
            version__in=list(titles),
            at__date__lte=period.last,
            pupil__in=mentors_in(school, period).values("pupil_id"),
        )
        .select_related("by")
        .order_by("at", "pk")
    ):
        title, number = titles[ack.version_id]
        by = ack.by.display_name if ack.is_paper and ack.by is not None else ""
        table.rows.append(
            [title, number, names.mentor(ack.pupil_id), day(ack.at), HOW[ack.is_paper], by]
        )
    return table
