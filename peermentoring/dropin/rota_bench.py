"""Rota solver figures for `make bench`: a school's half-term and a trust's.

Printed, never asserted. Run alone with `python -m peermentoring.dropin.rota_bench`
(no database: the solver is pure), or from `peermentoring.bench`.

- school: 60 mentors (and a short-staffed one of 14), one room open at break and lunch every day (10 openings a week),
  a 6-week half-term (60 openings), 2 to 3 on duty;
- trust: 600 mentors in one shared pool, 10 rooms each open at break and lunch every
  day (100 openings a week, 10 schools' worth of openings), a 6-week half-term (600
  openings), 2 to 3 on duty. One pool rather than ten separate schools, because ten
  separate schools are ten school-sized problems the solver would split at once; one
  pool is the hard case.

Each mentor is free at about half the ten weekly windows, meets a mentee at one or two
(never on duty then), and is experienced two times in five; a few absences are marked
and a few duties locked, as a coordinator re-solving would have.
"""

from __future__ import annotations

import datetime as dt
import random
import sys

from peermentoring.dropin.rota import MentorIn, Opening, Problem, solve

WINDOWS = ("break", "lunch")
MONDAY = dt.date(2025, 11, 3)


def make_problem(
    *,
    mentors: int,
    rooms: int,
    weeks: int,
    seed: int,
    time_limit_s: float,
    workers: int = 2,
    free_share: float = 0.5,
) -> Problem:
    """A random but school-like problem: see the module docstring."""
    rng = random.Random(seed)
    openings = []
    for week in range(weeks):
        for weekday in range(5):
            day = MONDAY + dt.timedelta(weeks=week, days=weekday)
            for window in WINDOWS:
                for room in range(rooms):
                    name = f"Room {room + 1}"
                    label = f"{day:%A} {window}" + (f", {name}" if rooms > 1 else "")
                    openings.append(
                        Opening(f"{room}-{window}-{day}", day, window, name, 2, 3, label)
                    )
    slots = [(weekday, window) for weekday in range(5) for window in WINDOWS]
    people = []
    for number in range(mentors):
        free = frozenset(s for s in slots if rng.random() < free_share) or frozenset(
            [rng.choice(slots)]
        )
        meets = frozenset(rng.sample(slots, rng.choice([1, 2])))
        people.append(MentorIn(number + 1, f"Mentor {number + 1}", rng.random() < 0.4, free, meets))
    excluded = frozenset(
        (rng.choice(openings).id, rng.randint(1, mentors)) for _ in range(mentors // 5)
    )
    locked = set()
    for o in rng.sample(openings, max(1, len(openings) // 20)):
        slot = (o.day.weekday(), o.window)
        fits = [m.id for m in people if slot in m.available and slot not in m.meets]
        if fits:
            locked.add((o.id, rng.choice(fits)))
    return Problem(
        openings=tuple(openings),
        mentors=tuple(people),
        locked=frozenset(locked),
        excluded=excluded - locked,
        time_limit_s=time_limit_s,
        workers=workers,
        seed=seed,
    )


def run(label: str, problem: Problem) -> None:
    answer = solve(problem)
    loads = dict.fromkeys((m.id for m in problem.mentors), 0)
    for duty in answer.duties:
        loads[duty.mentor] += 1
    spread = f"{min(loads.values(), default=0)}-{max(loads.values(), default=0)}"
    print(
        f"{label}: {len(problem.mentors)} mentors, {len(problem.openings)} openings, "
        f"{answer.status} in {answer.seconds:.2f} s, gap {answer.gap:.2%}, "
        f"objective {answer.objective:,.0f} bound {answer.bound:,.0f}, "
        f"{len(answer.duties)} duties ({spread} each), {len(answer.unstaffable)} unstaffable"
    )
    for reason in list(answer.unstaffable.values())[:2]:
        print(f"    e.g. {reason}")
    sys.stdout.flush()


def main() -> None:
    print("\n== drop-in rota solver (CP-SAT, 2 workers, deterministic search) ==")
    for seed in (1, 2, 3):
        problem = make_problem(mentors=60, rooms=1, weeks=6, seed=seed, time_limit_s=60)
        run(f"school half-term, seed {seed}", problem)
    problem = make_problem(mentors=60, rooms=1, weeks=12, seed=1, time_limit_s=60)
    run("school term (12 weeks)", problem)
    problem = make_problem(mentors=60, rooms=1, weeks=6, seed=4, time_limit_s=60, free_share=0.2)
    run("school half-term, mentors free at 2 windows a week", problem)
    problem = make_problem(mentors=14, rooms=1, weeks=6, seed=5, time_limit_s=60, free_share=0.3)
    run("short-staffed school half-term (14 mentors)", problem)
    problem = make_problem(mentors=600, rooms=10, weeks=6, seed=1, time_limit_s=60)
    run("trust half-term (one pool, 10 rooms)", problem)


if __name__ == "__main__":
    main()
