"""The audit trail: every domain function calls `record()` inside its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from peermentoring.core.models import AuditEntry, User


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value, readable in the trail."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of some fields, to compare after a change."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value differs, as {field: [before, after]}."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def _school_of(target: models.Model) -> Any:
    """The school a change belongs to: the target itself when it is a school, else its owner's."""
    if getattr(target, "is_school_itself", False):
        return target
    for path in ("school", "academic_year"):
        owner = getattr(target, path, None)
        if owner is not None:
            return owner if path == "school" else owner.school
    return None


def record(
    *,
    action: str,
    target: models.Model,
    by: User | None,
    changes: dict[str, Any] | None = None,
    school: Any = None,
) -> AuditEntry:
    """Write one audit entry; must run inside the transaction that made the change."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("record() must be called inside the transaction of the change.")
    return AuditEntry.objects.create(
        school=school if school is not None else _school_of(target),
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        target_type=target._meta.label,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        changes={
            k: _plain(v) if not isinstance(v, list) else v for k, v in (changes or {}).items()
        },
    )
