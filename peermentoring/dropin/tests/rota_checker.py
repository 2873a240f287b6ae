"""An independent check of a duty rota: given a `Problem` and an `Answer`, every broken rule.

Written from the rules of issue 14 and the order of the soft rules in rota.py's
docstring, never from the solver's model: it counts duties, days and weeks itself.

Hard rules (a solver's answer must never break them, whatever its status):
- "unknown opening", "unknown mentor", "duplicate duty": the duties name real things once;
- "not available", "meets a mentee", "marked away": only mentors free at the opening's
  weekday and window, not meeting a mentee then, not excluded from it;
- "two duties a day": at most one duty per mentor per date;
- "over max": never more than the opening's maximum;
- "lock dropped": every locked duty is in the rota. A locked duty may break the three
  rules above (and one-a-day, and the maximum) only when a warning names the mentor
  (for the maximum: a warning names the opening's date, "4 December");
- "short, not explained": an opening below its minimum is in `unstaffable`, and
  "explained, not short": nothing else is there; "reason": each reason names the
  opening's weekday, and a count it gives ("only 1 mentor") is the true count.

Soft rules, checked by moves that would make the rota better; at a proven optimum none
exists (the checker does not prove optimality, it names what is certainly improvable):
- "could be filled": an opening below its minimum while a mentor allowed there has no
  duty that day;
- "more than needed": an opening above its minimum (and its locks) with a duty that is
  not locked: dropping it makes loads no less even and breaks no minimum;
- "uneven": a duty (not locked) that a mentor with at least two duties fewer over the
  period could take (allowed there, no duty that day);
- "uneven week": the same within a week, between mentors one duty apart over the period;
- "not mixed": an opening of two or more, all experienced or all new, where a mentor of
  the other kind with a duty fewer over the period and in that week could take one of
  the duties (not locked).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from peermentoring.dropin.rota import Answer, MentorIn, Opening, Problem

HARD = frozenset(
    {
        "unknown opening",
        "unknown mentor",
        "duplicate duty",
        "not available",
        "meets a mentee",
        "marked away",
        "two duties a day",
        "over max",
        "lock dropped",
        "short, not explained",
        "explained, not short",
        "reason",
    }
)
SOFT = frozenset({"could be filled", "more than needed", "uneven", "uneven week", "not mixed"})
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Breach:
    rule: str
    detail: str

    @property
    def hard(self) -> bool:
        return self.rule in HARD


def hard(breaches: list[Breach]) -> list[Breach]:
    return [b for b in breaches if b.hard]


def _allowed(opening: Opening, mentor: MentorIn, problem: Problem) -> bool:
    when = (opening.day.weekday(), opening.window)
    return (
        when in mentor.available
        and when not in mentor.meets
        and (opening.id, mentor.id) not in problem.excluded
    )


def _warned(answer: Answer, words: str) -> bool:
    return any(words in warning for warning in answer.warnings)


def check(problem: Problem, answer: Answer) -> list[Breach]:
    """Every rule the answer breaks, hard and soft."""
    openings = {o.id: o for o in problem.openings}
    mentors = {m.id: m for m in problem.mentors}
    out: list[Breach] = []

    pairs = [(d.opening, d.mentor) for d in answer.duties]
    for pair, times in Counter(pairs).items():
        if times > 1:
            out.append(Breach("duplicate duty", f"{pair} {times} times"))
    rota = set()
    for opening_id, mentor_id in pairs:
        if opening_id not in openings:
            out.append(Breach("unknown opening", opening_id))
        elif mentor_id not in mentors:
            out.append(Breach("unknown mentor", str(mentor_id)))
        else:
            rota.add((opening_id, mentor_id))

    staff: dict[str, set[int]] = defaultdict(set)
    on_day: dict[tuple[int, object], list[str]] = defaultdict(list)
    load: Counter[int] = Counter()
    week_load: Counter[tuple[int, tuple[int, int]]] = Counter()
    for opening_id, mentor_id in sorted(rota):
        o = openings[opening_id]
        staff[opening_id].add(mentor_id)
        on_day[mentor_id, o.day].append(opening_id)
        load[mentor_id] += 1
        week_load[mentor_id, o.day.isocalendar()[:2]] += 1

    for opening_id, mentor_id in sorted(rota):
        o, m = openings[opening_id], mentors[mentor_id]
        when = (o.day.weekday(), o.window)
        excused = (opening_id, mentor_id) in problem.locked and _warned(answer, m.name)
        if excused:
            continue
        if when not in m.available:
            out.append(Breach("not available", f"{m.name} at {opening_id}"))
        if when in m.meets:
            out.append(Breach("meets a mentee", f"{m.name} at {opening_id}"))
        if (opening_id, mentor_id) in problem.excluded:
            out.append(Breach("marked away", f"{m.name} at {opening_id}"))

    for (mentor_id, day), held in sorted(on_day.items(), key=str):
        all_locked = all((i, mentor_id) in problem.locked for i in held)
        if len(held) > 1 and not (all_locked and _warned(answer, mentors[mentor_id].name)):
            out.append(Breach("two duties a day", f"{mentors[mentor_id].name} on {day}: {held}"))

    for pair in sorted(problem.locked):
        if pair not in rota:
            out.append(Breach("lock dropped", str(pair)))

    for o in problem.openings:
        count = len(staff[o.id])
        locks = sum(1 for (i, _) in problem.locked if i == o.id)
        date = f"{o.day.day} {o.day:%B}"
        if count > o.max and not (count <= locks and _warned(answer, date)):
            out.append(Breach("over max", f"{o.id}: {count} on duty, most {o.max}"))
        if count < o.min and o.id not in answer.unstaffable:
            out.append(Breach("short, not explained", f"{o.id}: {count} of {o.min}"))
    for opening_id, reason in answer.unstaffable.items():
        o = openings.get(opening_id)
        if o is None or len(staff[opening_id]) >= o.min:
            out.append(Breach("explained, not short", f"{opening_id}: {reason}"))
            continue
        out += _reason_breaches(problem, o, reason)

    out += _soft(problem, openings, mentors, staff, on_day, load, week_load)
    return out


def _reason_breaches(problem: Problem, o: Opening, reason: str) -> list[Breach]:
    if DAYS[o.day.weekday()] not in reason:
        return [Breach("reason", f"{o.id}: {reason!r} does not name the day")]
    when = (o.day.weekday(), o.window)
    free = [m for m in problem.mentors if when in m.available and when not in m.meets]
    here = [m for m in free if (o.id, m.id) not in problem.excluded]
    said = re.search(r"only (\d+) mentors? available", reason)
    counts = {len(free), len(here)}
    if said and int(said.group(1)) not in counts:
        return [Breach("reason", f"{o.id}: {reason!r}, but {sorted(counts)} are free")]
    if "no mentors available" in reason and 0 not in counts:
        return [Breach("reason", f"{o.id}: {reason!r}, but {sorted(counts)} are free")]
    return []


def _soft(
    problem: Problem,
    openings: dict[str, Opening],
    mentors: dict[int, MentorIn],
    staff: dict[str, set[int]],
    on_day: dict[tuple[int, object], list[str]],
    load: Counter[int],
    week_load: Counter[tuple[int, tuple[int, int]]],
) -> list[Breach]:
    out = []
    for o in problem.openings:
        count = len(staff[o.id])
        week = o.day.isocalendar()[:2]
        takers = [m for m in problem.mentors if _allowed(o, m, problem)]
        free = [m for m in takers if m.id not in staff[o.id] and not on_day[m.id, o.day]]
        if count < o.min and free:
            out.append(Breach("could be filled", f"{o.id}: {free[0].name} is free"))
        movable = [j for j in sorted(staff[o.id]) if (o.id, j) not in problem.locked]
        locks = count - len(movable)
        if count > max(o.min, locks) and movable:
            out.append(Breach("more than needed", f"{o.id}: {count} on duty, {o.min} needed"))
        for a in movable:
            for b in free:
                if load[a] >= load[b.id] + 2:
                    out.append(
                        Breach("uneven", f"{o.id}: {b.name} ({load[b.id]}) for {a} ({load[a]})")
                    )
                elif load[a] == load[b.id] + 1 and week_load[a, week] >= week_load[b.id, week] + 2:
                    out.append(Breach("uneven week", f"{o.id}: {b.name} for {a} in week {week}"))
        kinds = {mentors[j].experienced for j in staff[o.id]}
        if count >= 2 and len(kinds) == 1:
            for a in movable:
                for b in free:
                    if (
                        b.experienced not in kinds
                        and load[b.id] <= load[a] - 1
                        and week_load[b.id, week] <= week_load[a, week] - 1
                    ):
                        out.append(Breach("not mixed", f"{o.id}: {b.name} could take {a}'s duty"))
    return out
