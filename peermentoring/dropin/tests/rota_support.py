"""What the rota tests share: a school in the 2025 autumn term with its clock set, trained
mentors, a greedy stand-in for the solver, and an independent check of a rota's JSON.

The stand-in (`greedy_solve`) lives here, in the tests only: production code always calls
`rota.solve`, the CP-SAT solver. Tests that use it say so with `use_greedy(monkeypatch)`; the
tests named `..._with_the_real_solver` call the real one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from peermentoring.core.roles import Role
from peermentoring.dropin import rota
from peermentoring.dropin.models import DutyAvailability
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import School, SchoolDayWindow
from tests.support.builders import safeguarding_module
from tests.support.factories import (
    MentorFactory,
    ModuleCompletionFactory,
    PupilFactory,
    pupil_member,
)
from tests.support.meetings import TRAINED_ON, at, year_2025

# Wednesday 19 November 2025, 13:00 (tests/support/meetings.py): the autumn term's second half
# runs from Monday 3 November to Friday 19 December.
MONDAY = dt.date(2025, 11, 24)
FRIDAY = dt.date(2025, 11, 28)
NEXT_FRIDAY = dt.date(2025, 12, 5)
PASSWORD = "correct horse battery"


def in_term(school: School, monkeypatch: Any) -> School:
    """The school's 2025-26 year and terms, its clock at Wednesday 19 November 2025, 13:00."""
    year_2025(school)
    at(monkeypatch)
    return school


def trained_mentor(
    school: School,
    given_name: str,
    *,
    account: bool = False,
    windows: list[tuple[int, str]] | None = None,
    experienced: bool = False,
    family_name: str = "",
) -> Mentor:
    """A mentor trained on 10 September 2025, serving in 2025-26; free at `windows`
    ((weekday, kind) pairs, recorded) or, by default, at every window."""
    fields = {"given_name": given_name, "year_group": 10, "form_group": "10B"}
    if family_name:
        fields["family_name"] = family_name
    if account:
        membership = pupil_member(school, Role.MENTOR, **fields)
        pupil = membership.pupil
        membership.user.username = given_name.lower()
        membership.user.set_password(PASSWORD)
        membership.user.save()
    else:
        pupil = PupilFactory(school=school, **fields)
    mentor: Mentor = MentorFactory(
        school=school,
        pupil=pupil,
        academic_year=year_2025(school),
        status=Mentor.Status.TRAINED,
        is_experienced=experienced,
    )
    ModuleCompletionFactory(
        mentor=mentor, module=safeguarding_module(school), completed_on=TRAINED_ON
    )
    if windows is not None:
        DutyAvailability.objects.bulk_create(
            DutyAvailability(mentor=mentor, window=window(school, day, kind))
            for day, kind in windows
        )
    return mentor


def window(school: School, weekday: int, kind: str) -> SchoolDayWindow:
    return SchoolDayWindow.objects.get(school=school, weekday=weekday, kind=kind)


def greedy_solve(problem: rota.Problem) -> rota.Answer:
    """A stand-in for the CP-SAT solver (tests only): keeps the locked duties, then fills
    each opening in time order up to its minimum with the least-loaded mentors allowed
    there (free then, not meeting a mentee then, not excluded, on no other duty that day);
    an opening left short is unstaffable, with the reason in words."""
    mentors = {m.id: m for m in problem.mentors}
    days = {o.id: o.day for o in problem.openings}
    on: dict[str, list[int]] = defaultdict(list)
    busy: set[tuple[dt.date, int]] = set()
    load: Counter[int] = Counter()
    for opening_id, mentor_id in sorted(problem.locked):
        on[opening_id].append(mentor_id)
        busy.add((days[opening_id], mentor_id))
        load[mentor_id] += 1
    unstaffable = {}
    for opening in problem.openings:
        slot = (opening.day.weekday(), opening.window)
        allowed = [
            m.id
            for m in mentors.values()
            if slot in m.available
            and slot not in m.meets
            and (opening.id, m.id) not in problem.excluded
            and (opening.day, m.id) not in busy
        ]
        for mentor_id in sorted(allowed, key=lambda pk: (load[pk], pk)):
            if len(on[opening.id]) >= opening.min:
                break
            on[opening.id].append(mentor_id)
            busy.add((opening.day, mentor_id))
            load[mentor_id] += 1
        if len(on[opening.id]) < opening.min:
            n = len(on[opening.id])
            unstaffable[opening.id] = (
                f"{opening.label}: only {n} mentor{'s' if n != 1 else ''} available"
            )
    duties = [rota.Duty(opening=o, mentor=m) for o, ms in on.items() for m in ms]
    return rota.Answer(
        duties=duties,
        unstaffable=unstaffable,
        status="feasible" if unstaffable else "optimal",
    )


def use_greedy(monkeypatch: Any) -> None:
    """The greedy stand-in in place of the CP-SAT solver, for this test."""
    monkeypatch.setattr(rota, "solve", greedy_solve)


def check_rota(data: dict[str, Any]) -> None:
    """An independent check of `build_rota --json`'s output, from the JSON alone: every
    duty at a known opening by a known mentor, free then (unless placed by hand) and not
    meeting a mentee then; no mentor twice a day; no opening over its most; every opening at
    its fewest unless the answer says why not."""
    openings = {o["id"]: o for o in data["openings"]}
    mentors = {m["id"]: m for m in data["mentors"]}
    by_hand = {(d["opening"], d["mentor"]) for d in data.get("locked", [])}
    per_opening: Counter[str] = Counter()
    per_day: Counter[tuple[str, int]] = Counter()
    seen = set()
    for duty in data["duties"]:
        opening, mentor = openings[duty["opening"]], mentors[duty["mentor"]]
        pair = (duty["opening"], duty["mentor"])
        assert pair not in seen, f"{pair} twice"
        seen.add(pair)
        weekday = dt.date.fromisoformat(opening["date"]).weekday()
        slot = {"weekday": weekday, "window": opening["window"]}
        if pair not in by_hand:
            assert slot in mentor["available"], f"{mentor['name']} is not free at {opening}"
        assert slot not in mentor.get("meets", []), f"{mentor['name']} meets a mentee then"
        per_opening[duty["opening"]] += 1
        per_day[(opening["date"], duty["mentor"])] += 1
    assert max(per_day.values(), default=0) <= 1, "a mentor on duty twice in a day"
    for opening_id, opening in openings.items():
        assert per_opening[opening_id] <= opening["max"], f"{opening_id} over its most"
        if opening["unstaffable"] is None:
            assert per_opening[opening_id] >= opening["min"], f"{opening_id} short, no reason"
