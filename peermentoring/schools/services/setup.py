"""Set-up: trusts, schools, academic years and terms, the school day, feeder primaries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ForeignObjectRel

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.models import User
from peermentoring.schools.calendar import DEFAULT_WINDOWS, TermDates
from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    School,
    SchoolDayWindow,
    Term,
    Trust,
)
from peermentoring.schools.services.messages import (
    HALF_TERM_OUTSIDE,
    TERM_OUTSIDE_YEAR,
    TERMS_OUT_OF_ORDER,
    WINDOW_MOVED_AFFECTS,
    WINDOW_SWITCHED_OFF_AFFECTS,
    YEAR_OVERLAPS,
)
from peermentoring.schools.signals import school_created

SCHOOL_FIELDS = ("name", "urn")
TERM_FIELDS = ("starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on")
WINDOW_FIELDS = ("start_time", "end_time")
PRIMARY_FIELDS = ("name", "urn", "contact_email")


@transaction.atomic
def create_trust(*, name: str, slug: str, by: User | None) -> Trust:
    """Create a group of schools."""
    trust = Trust(name=name, slug=slug)
    trust.full_clean()
    trust.save()
    return trust


@transaction.atomic
def create_school(
    *, name: str, slug: str, urn: str = "", trust: Trust | None = None, by: User | None
) -> School:
    """Create a school with the usual free windows of the school day."""
    school = School(name=name, slug=slug, urn=urn, trust=trust)
    school.full_clean()
    school.save()
    for weekday in SchoolDayWindow.Weekday.values:
        for kind, (start, end) in DEFAULT_WINDOWS.items():
            SchoolDayWindow.objects.create(
                school=school, weekday=weekday, kind=kind, start_time=start, end_time=end
            )
    record(action="school.created", target=school, by=by, changes=snapshot(school, SCHOOL_FIELDS))
    school_created.send(sender=School, school=school, by=by)
    return school


@transaction.atomic
def update_school(*, school: School, name: str, urn: str, by: User) -> School:
    """Change a school's name and URN."""
    before = snapshot(school, SCHOOL_FIELDS)
    school.name, school.urn = name, urn
    school.full_clean()
    school.save(update_fields=list(SCHOOL_FIELDS))
    changes = diff(before, snapshot(school, SCHOOL_FIELDS))
    if changes:
        record(action="school.updated", target=school, by=by, changes=changes)
    return school


def _check_terms(starts_on: dt.date, ends_on: dt.date, terms: Sequence[TermDates]) -> None:
    names = [t.name for t in terms]
    if names != [Term.Name.AUTUMN, Term.Name.SPRING, Term.Name.SUMMER]:
        raise ValidationError(TERMS_OUT_OF_ORDER)
    for earlier, later in zip(terms, terms[1:], strict=False):
        if later.starts_on <= earlier.ends_on:
            raise ValidationError(TERMS_OUT_OF_ORDER)
    if terms[0].starts_on < starts_on or terms[-1].ends_on > ends_on:
        raise ValidationError(TERM_OUTSIDE_YEAR)
    for term in terms:
        start, end = term.half_term_starts_on, term.half_term_ends_on
        if (start or end) and not (start and end and term.starts_on < start <= end < term.ends_on):
            raise ValidationError(HALF_TERM_OUTSIDE.format(term=Term.Name(term.name).label))


@transaction.atomic
def set_up_academic_year(
    *,
    school: School,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    terms: Sequence[TermDates],
    by: User | None,
) -> AcademicYear:
    """Create an academic year and its three terms, checked for order and overlaps."""
    _check_terms(starts_on, ends_on, terms)
    clash = (
        AcademicYear.objects.for_school(school)
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .first()
    )
    if clash is not None:
        raise ValidationError(YEAR_OVERLAPS.format(name=clash.name))
    year = AcademicYear(school=school, name=name, starts_on=starts_on, ends_on=ends_on)
    year.full_clean()
    year.save()
    for dates in terms:
        term = Term(
            academic_year=year,
            name=dates.name,
            starts_on=dates.starts_on,
            ends_on=dates.ends_on,
            half_term_starts_on=dates.half_term_starts_on,
            half_term_ends_on=dates.half_term_ends_on,
        )
        term.full_clean()
        term.save()
    record(
        action="academic_year.created",
        target=year,
        by=by,
        changes={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    return year


@transaction.atomic
def update_term(
    *,
    term: Term,
    starts_on: dt.date,
    ends_on: dt.date,
    half_term_starts_on: dt.date | None,
    half_term_ends_on: dt.date | None,
    by: User,
) -> Term:
    """Change a term's dates; its neighbours and the academic year still bound it."""
    before = snapshot(term, TERM_FIELDS)
    term.starts_on, term.ends_on = starts_on, ends_on
    term.half_term_starts_on, term.half_term_ends_on = half_term_starts_on, half_term_ends_on
    year = term.academic_year
    terms = [term if t.pk == term.pk else t for t in year.terms.order_by("starts_on")]
    terms.sort(key=lambda t: Term.Name.values.index(t.name))  # autumn, spring, summer
    _check_terms(
        year.starts_on,
        year.ends_on,
        [
            TermDates(t.name, t.starts_on, t.ends_on, t.half_term_starts_on, t.half_term_ends_on)
            for t in terms
        ],
    )
    term.full_clean()
    term.save(update_fields=list(TERM_FIELDS))
    changes = diff(before, snapshot(term, TERM_FIELDS))
    if changes:
        record(action="term.updated", target=term, by=by, changes=changes)
    return term


def window_choices(windows: Iterable[SchoolDayWindow]) -> dict[int, list[tuple[str, int]]]:
    """How many people chose each window as a free time: {window id: [("mentors", 5), ...]}.

    Later apps record choices in tables pointing at a window (a many-to-many's
    through table or a model of their own); each is found through the window's
    reverse relations, so this app need not know them. People are named by the
    table's other foreign key (mentor, referral), counted once each.
    """
    pks = [w.pk for w in windows]
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for relation in SchoolDayWindow._meta.get_fields(include_hidden=True):
        if not (
            isinstance(relation, ForeignObjectRel)
            and relation.auto_created
            and relation.one_to_many
            and isinstance(relation.related_model, type)
        ):
            continue
        model, to_window = relation.related_model, relation.field.name
        others = [
            f
            for f in model._meta.concrete_fields
            if f.many_to_one and f is not relation.field and f.related_model is not School
        ]
        who = others[0] if len(others) == 1 else None
        named = model._meta
        if who is not None and isinstance(who.related_model, type):
            named = who.related_model._meta
        counts = (
            model._default_manager.filter(**{f"{to_window}__in": pks})
            .values_list(to_window)
            .annotate(people=Count(who.attname if who else "pk", distinct=True))
        )
        for pk, people in counts:
            name = named.verbose_name if people == 1 else named.verbose_name_plural
            found[pk].append((str(name), people))
    return {pk: sorted(counts) for pk, counts in found.items()}


def _people(counts: list[tuple[str, int]]) -> str:
    """ "5 mentors' and 7 referrals'": who a change to a window touches."""
    parts = [f"{people} {name}'" + ("" if name.endswith("s") else "s") for name, people in counts]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def window_changes_to_confirm(
    *, school: School, chosen: dict[tuple[int, str], tuple[dt.time, dt.time] | None]
) -> list[str]:
    """What a new school week does to windows people chose, in words; empty when it touches none.

    Switching a chosen window off, or moving its times, changes when those people
    are free, so the school admin confirms it first.
    """
    current = {(w.weekday, w.kind): w for w in SchoolDayWindow.objects.for_school(school).active()}
    touched = {}
    for key, times in chosen.items():
        window = current.get(key)
        if window is not None and times != (window.start_time, window.end_time):
            touched[window.pk] = (window, times)
    counts = window_choices(w for w, _ in touched.values())
    lines = []
    for pk, (window, times) in touched.items():
        if pk not in counts:
            continue
        people = _people(counts[pk])
        if times is None:
            lines.append(WINDOW_SWITCHED_OFF_AFFECTS.format(window=window.label, people=people))
        else:
            span = f"{times[0]:%H:%M}–{times[1]:%H:%M}"
            lines.append(WINDOW_MOVED_AFFECTS.format(window=window.label, span=span, people=people))
    return lines


@transaction.atomic
def set_window(
    *,
    school: School,
    weekday: int,
    kind: str,
    start_time: dt.time,
    end_time: dt.time,
    by: User | None,
) -> SchoolDayWindow:
    """Set when pupils are free for one kind of window on one weekday, switching it on if off.

    A window switched off earlier comes back as the same row, so everyone's choice
    of it comes back too.
    """
    window = SchoolDayWindow.objects.for_school(school).filter(weekday=weekday, kind=kind).first()
    if window is None:
        window = SchoolDayWindow(school=school, weekday=weekday, kind=kind)
    before = snapshot(window, WINDOW_FIELDS) if window.pk else {}
    was_off = window.pk is not None and not window.is_active
    window.start_time, window.end_time, window.is_active = start_time, end_time, True
    window.full_clean()
    window.save()
    changes = diff(before, snapshot(window, WINDOW_FIELDS))
    if was_off:
        record(action="window.switched_on", target=window, by=by, changes=changes)
    elif changes:
        record(action="window.set", target=window, by=by, changes=changes)
    return window


@transaction.atomic
def set_windows(
    *,
    school: School,
    chosen: dict[tuple[int, str], tuple[dt.time, dt.time] | None],
    by: User,
) -> None:
    """Set the whole school week at once; an empty cell switches that window off (never deletes)."""
    existing = {(w.weekday, w.kind): w for w in SchoolDayWindow.objects.for_school(school)}
    for (weekday, kind), times in chosen.items():
        if times is None:
            window = existing.get((weekday, kind))
            if window is not None and window.is_active:
                switch_off_window(window=window, by=by)
            continue
        set_window(
            school=school, weekday=weekday, kind=kind, start_time=times[0], end_time=times[1], by=by
        )


@transaction.atomic
def switch_off_window(*, window: SchoolDayWindow, by: User) -> SchoolDayWindow:
    """Stop a window being free time (a day with no break, say), keeping it and everyone's choice."""
    if not window.is_active:
        return window
    window.is_active = False
    window.save(update_fields=["is_active"])
    changes = {"is_active": [True, False], **snapshot(window, WINDOW_FIELDS)}
    record(action="window.switched_off", target=window, by=by, changes=changes)
    return window


@transaction.atomic
def add_feeder_primary(
    *, school: School, name: str, urn: str = "", contact_email: str = "", by: User | None
) -> FeederPrimary:
    """Add a feeder primary school to a school's list."""
    primary = FeederPrimary(school=school, name=name, urn=urn, contact_email=contact_email)
    primary.full_clean()
    primary.save()
    record(
        action="feeder_primary.added",
        target=primary,
        by=by,
        changes=snapshot(primary, PRIMARY_FIELDS),
    )
    return primary


@transaction.atomic
def update_feeder_primary(
    *, primary: FeederPrimary, name: str, urn: str, contact_email: str, by: User
) -> FeederPrimary:
    """Change a feeder primary's details."""
    before = snapshot(primary, PRIMARY_FIELDS)
    primary.name, primary.urn, primary.contact_email = name, urn, contact_email
    primary.full_clean()
    primary.save(update_fields=list(PRIMARY_FIELDS))
    changes = diff(before, snapshot(primary, PRIMARY_FIELDS))
    if changes:
        record(action="feeder_primary.updated", target=primary, by=by, changes=changes)
    return primary
