"""Pupil import: a school file applied all or nothing, with its report."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.models import AuditEntry, User
from peermentoring.core.roles import PUPIL_ROLES
from peermentoring.schools.models import (
    FeederPrimary,
    Membership,
    Pupil,
    PupilImport,
    School,
)
from peermentoring.schools.pupil_files import (
    ParsedFile,
    Problem,
    PupilFileError,
    PupilRow,
    parse_pupil_file,
)
from peermentoring.schools.services.setup import add_feeder_primary
from peermentoring.schools.signals import pupils_imported

PUPIL_IMPORT_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "year_group",
    "form_group",
    "house",
    "gender",
    "date_of_birth",
    "upn",
    "admission_number",
    "source_id",
    "family_key",
    "email",
)
IDENTIFIER_CLASH = "{label} {value} already belongs to {pupil}, a different pupil at this school."
# The report lists the first problems by line; the rest are counted.
MAX_PROBLEMS_LISTED = 500
MORE_PROBLEMS = "…and {count:,} more problems not listed. Fix those above and check again."
MATCHED_TWICE = "This row and line {line} are both {pupil}; a pupil may be on one line only."


class _DryRun(Exception):
    """Raised to roll back a dry run after counting what it would do."""


def _match_existing(
    row: PupilRow,
    by_admission: dict[str, Pupil],
    by_upn: dict[str, Pupil],
    by_source: dict[str, Pupil],
) -> Pupil | None:
    if row.admission_number and row.admission_number.lower() in by_admission:
        return by_admission[row.admission_number.lower()]
    if row.upn and row.upn.lower() in by_upn:
        return by_upn[row.upn.lower()]
    if row.source_id and row.source_id.lower() in by_source:
        return by_source[row.source_id.lower()]
    return None


def _link_school_emails(school: School) -> int:
    """Give each pupil's account their school e-mail address from the file, so they can
    sign in with the school's Google or Microsoft. Only an account with no address yet, and
    never an address another account already has."""
    memberships = list(
        Membership.objects.filter(school=school, role__in=PUPIL_ROLES, user__email="")
        .exclude(pupil__email="")
        .exclude(pupil__isnull=True)
        .select_related("user", "pupil")
    )
    wanted = {m.pupil.email.lower() for m in memberships if m.pupil is not None}
    taken = set(
        User.objects.annotate(address=Lower("email"))
        .filter(address__in=wanted)
        .values_list("address", flat=True)
    )
    linked = 0
    for membership in memberships:
        address = membership.pupil.email.lower() if membership.pupil else ""
        if not address or address in taken:
            continue
        membership.user.email = address
        membership.user.save(update_fields=["email"])
        taken.add(address)
        linked += 1
    return linked


def _apply_rows(
    *, school: School, parsed: ParsedFile, by: User | None, report: PupilImport
) -> list[Problem]:
    """Create or update a pupil per row; return clashes that forbid the import."""
    pupils = list(Pupil.objects.for_school(school))
    by_admission = {p.admission_number.lower(): p for p in pupils if p.admission_number}
    by_upn = {p.upn.lower(): p for p in pupils if p.upn}
    by_source = {p.source_id.lower(): p for p in pupils if p.source_id}
    primaries = {p.name.lower(): p for p in FeederPrimary.objects.for_school(school)}
    problems: list[Problem] = []
    to_create: list[Pupil] = []
    updates: list[tuple[Pupil, dict[str, list[object]]]] = []
    matched: dict[int, tuple[int, str]] = {}  # pupil pk -> first line matching it, name held
    for row in parsed.rows:
        pupil = _match_existing(row, by_admission, by_upn, by_source)
        if pupil is not None:
            if pupil.pk in matched:
                line, name = matched[pupil.pk]
                problems.append(Problem(row.line, MATCHED_TWICE.format(line=line, pupil=name)))
            else:
                matched[pupil.pk] = (row.line, str(pupil))
        for label, value, index in (
            ("Admission number", row.admission_number, by_admission),
            ("UPN", row.upn, by_upn),
            ("sourcedId", row.source_id, by_source),
        ):
            owner = index.get(value.lower()) if value else None
            if owner is not None and owner is not pupil:
                problems.append(
                    Problem(
                        row.line, IDENTIFIER_CLASH.format(label=label, value=value, pupil=owner)
                    )
                )
        primary = None
        if row.feeder_primary:
            primary = primaries.get(row.feeder_primary.lower())
            if primary is None:
                primary = add_feeder_primary(school=school, name=row.feeder_primary, by=by)
                primaries[primary.name.lower()] = primary
        values = {name: getattr(row, name) for name in PUPIL_IMPORT_FIELDS}
        if pupil is None:
            to_create.append(Pupil(school=school, feeder_primary=primary, **values))
            continue
        before = snapshot(pupil, (*PUPIL_IMPORT_FIELDS, "feeder_primary", "is_on_roll"))
        for name, value in values.items():
            # An empty identifier in the file never wipes one the school already holds.
            if name in {"upn", "admission_number", "source_id"} and not value:
                continue
            # Nor does a column the file lacks wipe what the school holds.
            if name in parsed.absent:
                continue
            setattr(pupil, name, value)
        if primary is not None:
            pupil.feeder_primary = primary
        pupil.is_on_roll = True
        changes = diff(
            before, snapshot(pupil, (*PUPIL_IMPORT_FIELDS, "feeder_primary", "is_on_roll"))
        )
        if changes:
            updates.append((pupil, changes))
        else:
            report.unchanged += 1
    if problems:
        return problems
    Pupil.objects.bulk_create(to_create, batch_size=500)
    Pupil.objects.bulk_update(
        [p for p, _ in updates],
        [*PUPIL_IMPORT_FIELDS, "feeder_primary", "is_on_roll"],
        batch_size=500,
    )
    report.created, report.updated = len(to_create), len(updates)
    if "email" not in parsed.absent:
        _link_school_emails(school)
    entries = [
        AuditEntry(
            school=school,
            actor=by,
            action="pupil.imported",
            target_type=Pupil._meta.label,
            target_id=str(p.pk),
            target_label=str(p),
            changes={"year_group": p.year_group, "form_group": p.form_group},
        )
        for p in to_create
    ] + [
        AuditEntry(
            school=school,
            actor=by,
            action="pupil.updated_by_import",
            target_type=Pupil._meta.label,
            target_id=str(p.pk),
            target_label=str(p),
            changes=changes,
        )
        for p, changes in updates
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return []


def import_pupils(
    *,
    school: School,
    data: bytes,
    filename: str,
    by: User | None,
    dry_run: bool = False,
    extra_files: dict[str, bytes] | None = None,
) -> PupilImport:
    """Create and update pupils from a school file, all or nothing, and keep the report.

    A re-import updates the pupils it matches (by admission number, then UPN,
    then OneRoster sourcedId) and never duplicates them. If any row has a
    problem nothing changes and the report lists every problem by line.
    """
    report = PupilImport(school=school, by=by, filename=filename[:200], created_at=timezone.now())
    try:
        parsed = parse_pupil_file(
            data,
            filename=filename,
            max_bytes=settings.PUPIL_IMPORT_MAX_BYTES,
            max_unzipped_bytes=settings.PUPIL_IMPORT_MAX_UNZIPPED_BYTES,
            school_urn=school.urn,
            extra_files=extra_files,
            today=timezone.localdate(),
        )
    except PupilFileError as error:
        report.file_format = "unreadable"
        report.outcome = PupilImport.Outcome.REFUSED
        report.problems = [{"line": None, "message": str(error)}]
        report.save()
        return report
    report.file_format = parsed.file_format
    report.skipped = len(parsed.skipped)
    report.skipped_rows = [
        {"line": p.line, "message": p.message} for p in parsed.skipped[:MAX_PROBLEMS_LISTED]
    ]
    problems = list(parsed.problems)
    if not problems:
        try:
            with transaction.atomic():
                problems = _apply_rows(school=school, parsed=parsed, by=by, report=report)
                if problems or dry_run:
                    raise _DryRun
                report.outcome = PupilImport.Outcome.IMPORTED
                report.save()
                record(
                    action="pupils.imported",
                    target=report,
                    by=by,
                    school=school,
                    changes={"created": report.created, "updated": report.updated},
                )
                pupils_imported.send(sender=School, school=school, by=by)
                return report
        except _DryRun:
            pass
    report.pk = None
    report.outcome = PupilImport.Outcome.REFUSED if problems else PupilImport.Outcome.CHECKED
    if problems:
        report.created = report.updated = report.unchanged = 0
    listed = sorted(problems, key=lambda p: p.line)[:MAX_PROBLEMS_LISTED]
    report.problems = [{"line": p.line, "message": p.message} for p in listed]
    if len(problems) > MAX_PROBLEMS_LISTED:
        report.problems.append(
            {"line": None, "message": MORE_PROBLEMS.format(count=len(problems) - len(listed))}
        )
    report.save(force_insert=True)
    return report
