"""The one factory module covers every model, and each factory keeps its rows in one school."""

from __future__ import annotations

import inspect

import factory
import pytest
from django.apps import apps
from django.db import models

from peermentoring.schools.models import School
from tests.support import factories


def _factories() -> dict[type[models.Model], type[factory.django.DjangoModelFactory]]:
    found = {}
    for _, obj in inspect.getmembers(factories, inspect.isclass):
        if issubclass(obj, factory.django.DjangoModelFactory) and obj._meta.model:
            found[obj._meta.model] = obj
    return found


def _our_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("peermentoring.")]


def test_every_model_of_the_project_has_a_factory():
    missing = [m._meta.label for m in _our_models() if m not in _factories()]
    assert not missing, f"no factory in tests/support/factories.py for {missing}"


def _schools_reached(row: models.Model, seen: set[tuple[str, object]] | None = None) -> set[int]:
    """Every school a row points at, through any chain of foreign keys."""
    seen = seen if seen is not None else set()
    key = (row._meta.label, row.pk)
    if key in seen:
        return set()
    seen.add(key)
    if isinstance(row, School):
        return {row.pk}
    schools: set[int] = set()
    for field in row._meta.fields:
        if field.many_to_one or field.one_to_one:
            target = getattr(row, field.name, None)
            if isinstance(target, models.Model):
                schools |= _schools_reached(target, seen)
    return schools


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", _our_models(), ids=lambda m: m._meta.label if hasattr(m, "_meta") else str(m)
)
def test_each_factory_makes_a_valid_row_in_one_school(model):
    made = _factories()[model]()
    made.full_clean(validate_unique=False)
    assert len(_schools_reached(made)) <= 1, f"{model._meta.label} reaches two schools"


@pytest.mark.django_db
def test_a_pairing_made_for_one_school_keeps_mentor_mentee_and_referral_there():
    school = factories.SchoolFactory()
    pairing = factories.PairingFactory(school=school)
    assert {
        pairing.mentor.school_id,
        pairing.mentor.pupil.school_id,
        pairing.mentee.school_id,
        pairing.referral.school_id,
        pairing.mentor.academic_year.school_id,
    } == {school.pk}
    assert School.objects.count() == 1
