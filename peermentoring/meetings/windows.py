"""When a pair usually meet: the windows they chose, or by default those both are free.

A mentor's free windows are ticked on their mentor record, a mentee's on their
referral; someone who ticked none is free at any window. Switched-off windows are no
time at all. The duty rota (issue 14) reads `usual_windows` to keep a mentor off duty
when they usually meet their mentee.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from peermentoring.matching.models import Pairing
from peermentoring.meetings.models import UsualWindow
from peermentoring.mentors.models import MentorFreeWindow
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import SchoolDayWindow


def both_free(
    pairings: Sequence[Pairing], every: Sequence[SchoolDayWindow]
) -> dict[int, list[SchoolDayWindow]]:
    """Pairing id -> the school's windows (on) that both of the pair are free at."""
    mentor_ids = {p.mentor_id for p in pairings}
    referral_ids = {p.referral_id for p in pairings}
    mentor_free: dict[int, set[int]] = defaultdict(set)
    for mentor_id, window_id in MentorFreeWindow.objects.filter(mentor__in=mentor_ids).values_list(
        "mentor_id", "window_id"
    ):
        mentor_free[mentor_id].add(window_id)
    mentee_free: dict[int, set[int]] = defaultdict(set)
    for referral_id, window_id in Referral.free_windows.through.objects.filter(
        referral__in=referral_ids
    ).values_list("referral_id", "schooldaywindow_id"):
        mentee_free[referral_id].add(window_id)
    on = [w for w in every if w.is_active]
    result: dict[int, list[SchoolDayWindow]] = {}
    for pairing in pairings:
        theirs = mentor_free.get(pairing.mentor_id)
        mine = mentee_free.get(pairing.referral_id)
        result[pairing.pk] = [
            w for w in on if (not theirs or w.pk in theirs) and (not mine or w.pk in mine)
        ]
    return result


def usual_windows(
    pairings: Sequence[Pairing], every: Sequence[SchoolDayWindow]
) -> dict[int, tuple[list[SchoolDayWindow], bool]]:
    """Pairing id -> (its usual windows, whether the pair or coordinator chose them).

    Four queries whatever the number of pairings; `every` is the school's windows.
    """
    by_id = {w.pk: w for w in every}
    chosen: dict[int, list[SchoolDayWindow]] = defaultdict(list)
    for pairing_id, window_id in UsualWindow.objects.filter(
        pairing__in=[p.pk for p in pairings]
    ).values_list("pairing_id", "window_id"):
        window = by_id.get(window_id)
        if window is not None and window.is_active:
            chosen[pairing_id].append(window)
    free = both_free([p for p in pairings if p.pk not in chosen], every)
    result: dict[int, tuple[list[SchoolDayWindow], bool]] = {}
    for pairing in pairings:
        if pairing.pk in chosen:
            windows = sorted(chosen[pairing.pk], key=lambda w: (w.weekday, w.start_time))
            result[pairing.pk] = (windows, True)
        else:
            result[pairing.pk] = (free.get(pairing.pk, []), False)
    return result
