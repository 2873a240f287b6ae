"""Recruitment rounds: when one opens and closes, how many places it has."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.models import User
from peermentoring.recruitment.models import Application, RecruitmentRound
from peermentoring.schools.models import AcademicYear, School, Term

FEWER_PLACES_THAN_ACCEPTED = (
    "{accepted} places are already accepted; the round needs at least that many."
)
ROUND_OUTSIDE_YEAR = (
    "Applications must open and close within {year}: between {start:%-d %B %Y} and {end:%-d %B %Y}."
)
ROUND_FIELDS = (
    "title",
    "advert",
    "year_group",
    "opens_on",
    "closes_on",
    "places",
    "questions",
    "asks_tutor_reference",
    "reference_question",
    "criteria",
)


def default_round_dates(year: AcademicYear) -> tuple[dt.date, dt.date]:
    """Spring term: open on its first day, close on the last school day before half-term."""
    spring = year.terms.filter(name=Term.Name.SPRING).first()
    if spring is None:
        start = dt.date(year.starts_on.year + 1, 1, 6)
        return start, start + dt.timedelta(days=35)
    closes = spring.ends_on
    if spring.half_term_starts_on:
        closes = spring.half_term_starts_on - dt.timedelta(days=1)
    while closes.weekday() >= 5:  # the last school day, not a weekend
        closes -= dt.timedelta(days=1)
    return spring.starts_on, closes


def _check_round_dates(round: RecruitmentRound) -> None:
    """A round takes applications inside its own academic year."""
    year = round.academic_year
    for name in ("opens_on", "closes_on"):
        day = getattr(round, name)
        if not year.starts_on <= day <= year.ends_on:
            raise ValidationError(
                {
                    name: ROUND_OUTSIDE_YEAR.format(
                        year=year.name, start=year.starts_on, end=year.ends_on
                    )
                }
            )


@transaction.atomic
def open_round(
    *,
    school: School,
    academic_year: AcademicYear,
    by: User | None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    title: str | None = None,
    advert: str | None = None,
    year_group: int | None = None,
    places: int | None = None,
    questions: list[str] | None = None,
    asks_tutor_reference: bool | None = None,
    reference_question: str | None = None,
    criteria: list[str] | None = None,
) -> RecruitmentRound:
    """Open a recruitment round; dates default to the spring term of its academic year.

    Anything left out keeps the round's default (the model's): "Become a peer mentor",
    Year 9, 15 places, the usual questions and criteria, a tutor reference asked for.
    """
    default_open, default_close = default_round_dates(academic_year)
    round_ = RecruitmentRound(
        school=school,
        academic_year=academic_year,
        opens_on=opens_on or default_open,
        closes_on=closes_on or default_close,
    )
    if title is not None:
        round_.title = title
    if advert is not None:
        round_.advert = advert
    if year_group is not None:
        round_.year_group = year_group
    if places is not None:
        round_.places = places
    if questions is not None:
        round_.questions = questions
    if asks_tutor_reference is not None:
        round_.asks_tutor_reference = asks_tutor_reference
    if reference_question is not None:
        round_.reference_question = reference_question
    if criteria is not None:
        round_.criteria = criteria
    _check_round_dates(round_)
    round_.full_clean()
    round_.save()
    record(action="round.opened", target=round_, by=by, changes=snapshot(round_, ROUND_FIELDS))
    return round_


@transaction.atomic
def update_round(
    *,
    round: RecruitmentRound,
    by: User,
    title: str | None = None,
    advert: str | None = None,
    year_group: int | None = None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    places: int | None = None,
    questions: list[str] | None = None,
    asks_tutor_reference: bool | None = None,
    reference_question: str | None = None,
    criteria: list[str] | None = None,
) -> RecruitmentRound:
    """Change a round's dates, places, questions or criteria; what is left out stays as it is."""
    before = snapshot(round, ROUND_FIELDS)
    accepted = Application.objects.filter(round=round).accepted().count()
    if (round.places if places is None else places) < accepted:
        raise ValidationError({"places": FEWER_PLACES_THAN_ACCEPTED.format(accepted=accepted)})
    if title is not None:
        round.title = title
    if advert is not None:
        round.advert = advert
    if year_group is not None:
        round.year_group = year_group
    if opens_on is not None:
        round.opens_on = opens_on
    if closes_on is not None:
        round.closes_on = closes_on
    if places is not None:
        round.places = places
    if questions is not None:
        round.questions = questions
    if asks_tutor_reference is not None:
        round.asks_tutor_reference = asks_tutor_reference
    if reference_question is not None:
        round.reference_question = reference_question
    if criteria is not None:
        round.criteria = criteria
    _check_round_dates(round)
    round.full_clean()
    round.save()
    changes = diff(before, snapshot(round, ROUND_FIELDS))
    if changes:
        record(action="round.updated", target=round, by=by, changes=changes)
    return round
