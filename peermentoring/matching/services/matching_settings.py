"""What matching uses besides the queue: the school's weights, each mentor's places and free
times, and the do-not-pair list."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.models import User
from peermentoring.matching.models import DoNotPair, MatchingSettings, Pairing
from peermentoring.mentors.models import Mentor, MentorFreeWindow
from peermentoring.schools.models import Pupil, School, SchoolDayWindow

CAPACITY_BELOW_MENTEES = "{mentor} already has {count} mentees; capacity cannot be lower."
DO_NOT_PAIR_EXISTS = "These two are already on the do-not-pair list."
SETTINGS_FIELDS = (
    "interests_weight",
    "primary_weight",
    "language_weight",
    "gender_weight",
    "windows_weight",
    "experience_weight",
    "form_house_weight",
    "form_house_rule",
    "requires_consent",
)


@transaction.atomic
def save_matching_settings(
    *,
    school: School,
    interests_weight: int,
    primary_weight: int,
    language_weight: int,
    gender_weight: int,
    windows_weight: int,
    experience_weight: int,
    form_house_weight: int,
    form_house_rule: str,
    requires_consent: bool,
    by: User,
) -> MatchingSettings:
    """Set the weights (0–5) and rules matching uses."""
    current = MatchingSettings.objects.select_for_update().filter(school=school).first()
    current = current or MatchingSettings(school=school)
    before = snapshot(current, SETTINGS_FIELDS)
    current.interests_weight = interests_weight
    current.primary_weight = primary_weight
    current.language_weight = language_weight
    current.gender_weight = gender_weight
    current.windows_weight = windows_weight
    current.experience_weight = experience_weight
    current.form_house_weight = form_house_weight
    current.form_house_rule = form_house_rule
    current.requires_consent = requires_consent
    current.updated_at = timezone.now()
    current.full_clean()
    current.save()
    record(
        action="matching_settings.saved",
        target=current,
        by=by,
        changes=diff(before, snapshot(current, SETTINGS_FIELDS)),
    )
    return current


@transaction.atomic
def set_mentor_matching(
    *, mentor: Mentor, capacity: int, windows: Iterable[SchoolDayWindow], by: User
) -> Mentor:
    """Set how many mentees a mentor may take (1–3) and when they are free."""
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    active = Pairing.objects.active().filter(mentor=mentor).count()
    if capacity < active:
        raise ValidationError(
            {"capacity": CAPACITY_BELOW_MENTEES.format(mentor=mentor, count=active)}
        )
    before = snapshot(mentor, ["capacity"])
    mentor.capacity = capacity
    mentor.full_clean()
    mentor.save(update_fields=["capacity"])
    chosen = {w.pk for w in windows if w.school_id == mentor.school_id}
    MentorFreeWindow.objects.filter(mentor=mentor).exclude(window__in=chosen).delete()
    have = set(MentorFreeWindow.objects.filter(mentor=mentor).values_list("window_id", flat=True))
    MentorFreeWindow.objects.bulk_create(
        [MentorFreeWindow(mentor=mentor, window_id=w) for w in chosen - have]
    )
    changes = diff(before, snapshot(mentor, ["capacity"])) | {"free_windows": len(chosen)}
    record(action="mentor.matching_set", target=mentor, by=by, changes=changes)
    return mentor


@transaction.atomic
def add_do_not_pair(
    *, school: School, pupil: Pupil, other: Pupil, kind: str, note: str, by: User
) -> DoNotPair:
    """Never pair these two pupils, whichever is mentor and whichever mentee."""
    if DoNotPair.objects.filter(Q(pupil=pupil, other=other) | Q(pupil=other, other=pupil)).exists():
        raise ValidationError(DO_NOT_PAIR_EXISTS)
    entry = DoNotPair(school=school, pupil=pupil, other=other, kind=kind, note=note, created_by=by)
    entry.full_clean()
    entry.save()
    record(action="do_not_pair.added", target=entry, by=by, changes={"kind": kind})
    return entry


@transaction.atomic
def remove_do_not_pair(*, entry: DoNotPair, by: User) -> None:
    """Take a pair off the do-not-pair list."""
    record(action="do_not_pair.removed", target=entry, by=by, changes={"kind": entry.kind})
    entry.delete()
