"""The academic year holding a day, with its terms: read once a request.

The staff home page shows this year and its terms, and the to-do items of the school
admin and of recruitment need the year too. Each asks `school_year(membership, day)`,
which keeps the answer on the membership (it lives for one request, as the referral
counts do in `referrals/home.py`), so a page reads the year and its terms once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peermentoring.schools.models import AcademicYear, Term

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership


@dataclass(frozen=True)
class SchoolYear:
    year: AcademicYear | None  # None: no academic year holds the day
    terms: list[Term]  # the year's terms, in order
    # The term holding the day, half-term included; None in the holidays. Years never
    # overlap and a term lies inside its year (schools/services/setup.py), so it is
    # the one `calendar.term_on` finds.
    term: Term | None


def school_year(membership: Membership, day: dt.date) -> SchoolYear:
    """The academic year of the membership's school holding `day`, its terms, and its term."""
    memo: dict[dt.date, SchoolYear] | None = getattr(membership, "_school_years", None)
    if memo is None:
        memo = {}
        membership._school_years = memo  # type: ignore[attr-defined]
    if day not in memo:
        year = AcademicYear.objects.filter(
            school=membership.school_id, starts_on__lte=day, ends_on__gte=day
        ).first()
        terms = list(year.terms.all()) if year is not None else []
        term = next((t for t in terms if t.starts_on <= day <= t.ends_on), None)
        memo[day] = SchoolYear(year=year, terms=terms, term=term)
    return memo[day]
