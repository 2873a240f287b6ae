"""When each mentor can be on duty in the room.

A mentor's recorded `DutyAvailability` rows win. Without them it defaults, in order, to
the kinds of window their application said they were free (break, lunch, AM
registration; on every weekday), then to the windows ticked on their mentor record for
meeting a mentee, then to every window the room is open.

Two people saving one mentor's times at once (the coordinator's grid, the mentor's own
page) cannot overwrite each other: each form carries a fingerprint of the times recorded
when it was shown (`recorded_digests`), checked again under a lock of the mentor's row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.dropin.models import DutyAvailability, rows_digest
from peermentoring.dropin.visit_services import ChangedMeanwhile
from peermentoring.mentors.models import Mentor, MentorFreeWindow
from peermentoring.recruitment.models import Application
from peermentoring.schools.models import SchoolDayWindow


def availability_for(
    mentors: Sequence[Mentor], windows: Sequence[SchoolDayWindow]
) -> dict[int, tuple[set[int], bool]]:
    """Mentor id -> (the window ids they can do duties at, whether they were recorded).

    `windows` are the school's windows; the answer names only switched-on ones. Three
    queries whatever the number of mentors.
    """
    on = [w for w in windows if w.is_active]
    ids = [m.pk for m in mentors]
    recorded: dict[int, set[int]] = defaultdict(set)
    for mentor_id, window_id in DutyAvailability.objects.filter(mentor__in=ids).values_list(
        "mentor_id", "window_id"
    ):
        recorded[mentor_id].add(window_id)
    kinds: dict[int, set[str]] = {}
    by_pupil = {m.pupil_id: m for m in mentors}
    for pupil_id, answer in (
        Application.objects.filter(pupil__in=list(by_pupil))
        .order_by("pk")
        .values_list("pupil_id", "availability")
    ):
        if isinstance(answer, list) and answer:
            kinds[by_pupil[pupil_id].pk] = {str(k) for k in answer}
    free: dict[int, set[int]] = defaultdict(set)
    for mentor_id, window_id in MentorFreeWindow.objects.filter(mentor__in=ids).values_list(
        "mentor_id", "window_id"
    ):
        free[mentor_id].add(window_id)
    result: dict[int, tuple[set[int], bool]] = {}
    every = {w.pk for w in on}
    for mentor in mentors:
        if mentor.pk in recorded:
            result[mentor.pk] = (recorded[mentor.pk] & every, True)
        elif mentor.pk in kinds:
            result[mentor.pk] = ({w.pk for w in on if w.kind in kinds[mentor.pk]}, False)
        elif free.get(mentor.pk):
            result[mentor.pk] = (free[mentor.pk] & every, False)
        else:
            result[mentor.pk] = (set(every), False)
    return result


def recorded_digests(mentors: Sequence[Mentor]) -> dict[int, str]:
    """Mentor id -> the fingerprint of their recorded times (`seen` on their form); one query."""
    recorded: dict[int, list[tuple[int]]] = {m.pk: [] for m in mentors}
    for mentor_id, window_id in DutyAvailability.objects.filter(
        mentor__in=list(recorded)
    ).values_list("mentor_id", "window_id"):
        recorded[mentor_id].append((window_id,))
    return {pk: rows_digest(rows) for pk, rows in recorded.items()}


TIMES_CHANGED = (
    "Someone else changed {name}'s times while you were editing, so nothing was saved. "
    "Here they are now: check them and save again."
)
NONE_TICKED = (
    "Tick at least one time. If a mentor cannot do any duties at the moment, "
    "tell the coordinator, who can pause them."
)


@transaction.atomic
def set_availability(
    *,
    mentor: Mentor,
    windows: Iterable[SchoolDayWindow],
    by: User | None,
    seen: str | None = None,
) -> list[SchoolDayWindow]:
    """Record the windows a mentor can do duties at (their school's windows only).

    `seen` is the form's fingerprint of the times recorded (`recorded_digests`): if they
    changed since, nothing is saved (a form sent without it is not checked)."""
    # The mentor's row holds back a second save of their times until this one is done.
    list(Mentor.objects.filter(pk=mentor.pk).select_for_update(no_key=True))
    if seen is not None and seen != recorded_digests([mentor])[mentor.pk]:
        raise ChangedMeanwhile(TIMES_CHANGED.format(name=mentor.pupil.full_name))
    chosen = list(windows)
    if any(w.school_id != mentor.school_id for w in chosen):
        raise ValidationError("Choose from your school's break, lunch and registration times.")
    if not chosen:
        # None recorded means "as the application said", so saving none would quietly
        # put the mentor back on at those times.
        raise ValidationError(NONE_TICKED)
    DutyAvailability.objects.filter(mentor=mentor).delete()
    DutyAvailability.objects.bulk_create(
        [DutyAvailability(mentor=mentor, window=w) for w in chosen]
    )
    record(
        action="dropin.availability_set",
        target=mentor,
        by=by,
        school=mentor.school,
        changes={"windows": sorted(w.pk for w in chosen)},
    )
    return chosen
