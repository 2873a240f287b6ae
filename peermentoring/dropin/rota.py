"""The duty rota solver: OR-Tools CP-SAT over plain dataclasses, no Django.

Dataclasses in (`Problem`), dataclasses out (`Answer`). The caller (services) turns the
school's rooms, openings, mentors, availability and pairings' usual meeting windows into
a `Problem`, and stores the `Answer`'s duties.

The rules
---------
Hard: a mentor is only put on duty at an opening whose (weekday, window) they are
available at, never at one where they usually meet a mentee, never where the pair is
`excluded`; at most one duty a day; never more than `max` at an opening. `locked` pairs
are always kept, even when they break one of these rules: the max and the one-a-day
rule then stretch just enough to hold them, and `Answer.warnings` says what each lock
breaks ("Ali is locked on Thursday 4 December lunch but usually meets a mentee then").

Soft, in this order, each one solved to its best before the next (lexicographic: the
same as an infinitely large weight on each over all those after it):

1. Staffing. As many duty places filled as possible, then as few openings short as
   possible (one opening left two short beats two openings left one short each: "as
   many openings as possible staffed to their minimum"). An opening still below its
   minimum is in `Answer.unstaffable` with the reason in plain words ("Thursday lunch:
   only 1 mentor available, 2 needed"; "Thursday 4 December lunch: 2 mentors available,
   but both are needed elsewhere that day" when the one-a-day rule is what stops it).
2. Even loads over the period: the sum of the squares of the mentors' duty counts.
   Why squares, not "most minus least": with the number of duties fixed, the sum of
   squares is smallest when the duties are shared as equally as each mentor's
   availability lets them be ("water filling"). A mentor free only on Mondays does
   every Monday they can and no more; the others share the rest, their counts at most
   one apart. So a mentor who could do little is never the "least loaded" that holds
   the others back, and nobody is loaded beyond those who could do more. It also says
   exactly when a rota is uneven, so the tests' checker can name it without the model:
   a duty that could pass to a mentor with two or more duties fewer, free for it, lowers
   the sum. The squares are linearised by their chords between integers (exact there),
   so the LP bound is the water-filling optimum and proofs are quick. More duties cost
   more squares, so openings are staffed to their minimum: `max` matters for locks.
3. and 4., weighted 2 to 1 in one objective: even loads within each ISO week ("at most
   one duty a week apart": the sum of the squares of each mentor's count in each week,
   so one duty in each of two weeks beats two in one), then mixing (an opening taking
   two or more where both experienced and new mentors could be on duty, without one of
   each, costs 1). A duty passing to a mentor with two fewer that week (and no fewer
   over the period) saves at least 4, more than the 1 mixing can lose.

How it runs: a quick greedy rota (scarcest openings first, each place to the free
mentor with the fewest duties, preferring the kind the opening lacks), improved by a
local search (give a duty to a free mentor, swap two mentors' duties) on rules 2-4,
is the start of each CP-SAT solve. Step 1 is skipped when the start staffs everything.
Two valid cuts tell CP-SAT the bounds its LP would find (the water-filling least sum of
squares for the duties needed; at least one square per duty) so that on a trust-sized
model the gap is honest even before the LP has been solved. The model is kept small:
an x variable only where a mentor is allowed, one count variable per mentor and week
so each chord has two terms. Everything is integer.

`Answer.status` is "optimal" only when every step is proven optimal; `gap` is the
largest relative gap of the steps; `objective` and `bound` are those of the last step
(rules 3-4, with 1-2 held at the best found). With `Problem.deterministic` (the default)
CP-SAT interleaves its workers in fixed batches, so one seed gives one rota whatever the
machine's load (a run stopped by the time limit is the exception); measured here it is
also much faster on 2 workers than letting them race.
"""

from __future__ import annotations

import datetime as dt
import heapq
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

Window = str  # "am_registration" | "break" | "lunch"

WINDOW_WORDS = {"am_registration": "AM registration", "break": "break", "lunch": "lunch"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The weights of rules 3 and 4 in their shared objective (see the module docstring).
WEEK_WEIGHT = 2
MIX_WEIGHT = 1


@dataclass(frozen=True)
class Opening:
    """A room open at one window on one date, needing between `min` and `max` on duty."""

    id: str
    day: dt.date
    window: Window
    room: str
    min: int
    max: int
    # For reasons written to people: "Thursday lunch" (room added when several rooms).
    label: str = ""


@dataclass(frozen=True)
class MentorIn:
    """A trained mentor who may be put on duty."""

    id: int
    name: str
    experienced: bool
    # (weekday 0-4, window) pairs the mentor can do duties at.
    available: frozenset[tuple[int, Window]]
    # (weekday, window) pairs the mentor usually meets a mentee at: never on duty then.
    meets: frozenset[tuple[int, Window]] = frozenset()


@dataclass(frozen=True)
class Problem:
    openings: tuple[Opening, ...]
    mentors: tuple[MentorIn, ...]
    # (opening id, mentor id) the coordinator placed by hand: kept as they are.
    locked: frozenset[tuple[str, int]] = frozenset()
    # (opening id, mentor id) never allowed: an absence marked, a duty swapped away.
    excluded: frozenset[tuple[str, int]] = frozenset()
    time_limit_s: float = 20.0
    workers: int = 8
    seed: int = 0
    # One seed, one rota (CP-SAT's interleaved search); False lets the workers race.
    deterministic: bool = True


@dataclass(frozen=True)
class Duty:
    opening: str
    mentor: int


@dataclass
class Answer:
    duties: list[Duty]
    # Opening id -> why it cannot be staffed to its minimum ("Thursday lunch: only 1 mentor available").
    unstaffable: dict[str, str] = field(default_factory=dict)
    # "optimal" | "feasible" | "infeasible" (no rota at all) | "unknown". This solver always
    # has a rota (at worst its quick start), so it answers "optimal" or "feasible".
    status: str = "optimal"
    # Of the last step (even weeks and mixing, with staffing and loads held at their best).
    objective: float = 0.0
    bound: float = 0.0
    gap: float = 0.0  # relative gap between objective and bound; 0.0 at proven optimum
    seconds: float = 0.0
    # Duty places below the openings' minimums, summed.
    shortfall: int = 0
    # What the locked duties break, in plain words: they are kept all the same.
    warnings: list[str] = field(default_factory=list)


def when(opening: Opening, *, dated: bool = True) -> str:
    """An opening in words: "Thursday lunch", or with its date "Thursday 4 December lunch".
    A label that already has the date ("Thursday 4 December, lunch") is used as it is."""
    weekday = WEEKDAYS[opening.day.weekday()]
    label = opening.label or f"{weekday} {WINDOW_WORDS.get(opening.window, opening.window)}"
    date = f"{opening.day.day} {opening.day:%B}"
    if not dated or date in label:
        return label
    if label.startswith(weekday + " "):
        return f"{weekday} {date} {label[len(weekday) + 1 :]}"
    return f"{label} on {weekday} {date}"


def solve(problem: Problem) -> Answer:
    """The best rota for `problem`: see the module docstring for the rules and their order."""
    started = time.perf_counter()
    _check(problem)
    rota = _RotaModel(problem)
    limit = max(problem.time_limit_s, 0.01)

    def left(share: float) -> float:
        return max((limit - (time.perf_counter() - started)) * share, limit * 0.05)

    start = rota.improve(rota.greedy(), seconds=limit * 0.05)
    proven, gap = True, 0.0

    # 1. Staffing: skipped when the quick rota already reaches every minimum.
    if rota.staffing_of(start)[0]:
        step = rota.run(rota.staffing(), start, left(0.3))
        proven, gap = step.optimal, step.gap
        if step.chosen is not None and rota.staffing_of(step.chosen) < rota.staffing_of(start):
            start = rota.improve(step.chosen, seconds=limit * 0.05)
    rota.keep_staffing(start)

    # 2. Even loads over the period, filling as many places.
    evenness = rota.evenness()
    step = rota.run(evenness, start, left(0.5))
    proven, gap = proven and step.optimal, max(gap, step.gap)
    if step.chosen is not None and step.value < rota.evenness_of(start):
        start = rota.improve(step.chosen, seconds=limit * 0.05)
    rota.model.add(evenness <= rota.evenness_of(start))

    # 3 and 4. Even weeks, then mixing, with the loads as even as they are.
    step = rota.run(rota.weeks_and_mixing(), start, left(1.0))
    proven, gap = proven and step.optimal, max(gap, step.gap)
    objective, bound = step.value, step.bound
    if step.chosen is not None:
        start = step.chosen

    answer = rota.answer(start)
    answer.status = "optimal" if proven else "feasible"
    answer.objective, answer.bound, answer.gap = objective, bound, 0.0 if proven else gap
    answer.shortfall = rota.staffing_of(start)[0]
    answer.seconds = time.perf_counter() - started
    return answer


@dataclass(frozen=True)
class _Step:
    """What one CP-SAT solve found: the rota (None when none in time) and how good."""

    chosen: set[tuple[int, int]] | None
    optimal: bool
    value: float
    bound: float
    gap: float


def _gap(objective: float, bound: float) -> float:
    return abs(objective - bound) / max(1.0, abs(objective))


def _check(problem: Problem) -> None:
    """Refuse input no rota can mean: duplicate ids, minimums above maximums, locks on nothing."""
    opening_ids = [o.id for o in problem.openings]
    mentor_ids = [m.id for m in problem.mentors]
    if len(set(opening_ids)) != len(opening_ids):
        raise ValueError("Two openings have the same id.")
    if len(set(mentor_ids)) != len(mentor_ids):
        raise ValueError("Two mentors have the same id.")
    for o in problem.openings:
        if o.min < 0 or o.max < o.min:
            raise ValueError(f"{when(o)}: needs 0 <= min <= max, has {o.min} to {o.max}.")
    known_openings, known_mentors = set(opening_ids), set(mentor_ids)
    for opening_id, mentor_id in problem.locked:
        if opening_id not in known_openings or mentor_id not in known_mentors:
            raise ValueError(f"A locked duty ({opening_id}, {mentor_id}) is not in the problem.")


def _sum(items: Iterable[cp_model.LinearExprT]) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.sum(*items)


def _least_squares(most: list[int], total: int) -> int:
    """The least sum of squares of whole numbers adding up to `total`, each at most its
    `most`: fill the lowest first ("water filling")."""
    counts = [0] * len(most)
    heap = [(1, j) for j, top in enumerate(most) if top > 0]
    heapq.heapify(heap)
    squares = 0
    for _ in range(total):
        if not heap:
            break
        cost, j = heapq.heappop(heap)
        squares += cost
        counts[j] += 1
        if counts[j] < most[j]:
            heapq.heappush(heap, (2 * counts[j] + 1, j))
    return squares


def _week(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class _RotaModel:
    """The CP-SAT model of one `Problem`, and the `Answer` read back from a solver."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        openings, mentors = problem.openings, problem.mentors
        self.mentor_index = {m.id: j for j, m in enumerate(mentors)}
        locked_at: dict[int, set[int]] = defaultdict(set)
        opening_index = {o.id: i for i, o in enumerate(openings)}
        for opening_id, mentor_id in problem.locked:
            locked_at[opening_index[opening_id]].add(self.mentor_index[mentor_id])
        self.locked_at = locked_at

        # x[i, j]: mentor j on duty at opening i, made only where allowed (or locked).
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        for i, o in enumerate(openings):
            slot = (o.day.weekday(), o.window)
            for j, m in enumerate(mentors):
                allowed = (
                    slot in m.available
                    and slot not in m.meets
                    and (o.id, m.id) not in problem.excluded
                )
                if allowed or j in locked_at[i]:
                    var = self.model.new_bool_var(f"x_{i}_{j}")
                    self.x[i, j] = var
                    if j in locked_at[i]:
                        self.model.add(var == 1)
        at_opening: dict[int, list[int]] = defaultdict(list)
        of_mentor: dict[int, list[int]] = defaultdict(list)
        for i, j in self.x:
            at_opening[i].append(j)
            of_mentor[j].append(i)
        self.at_opening = at_opening
        self.week_of = [_week(o.day) for o in openings]

        # Between min and max at each opening: below min is the shortfall (rule 1).
        self.short: list[cp_model.IntVar] = []
        self.is_short: list[cp_model.IntVar] = []
        for i, o in enumerate(openings):
            on_duty = _sum(self.x[i, j] for j in at_opening[i])
            most = max(o.max, len(locked_at[i]))
            self.model.add(on_duty <= most)
            short = self.model.new_int_var(0, o.min, f"short_{i}")
            self.model.add(on_duty + short >= o.min)
            self.short.append(short)
            is_short = self.model.new_bool_var(f"is_short_{i}")
            self.model.add(short <= o.min * is_short)
            self.is_short.append(is_short)

        # One duty a day per mentor (more only when the locks already make more), and
        # the squares of each mentor's count over the period and in each week; `squares`
        # keeps each with its count variable and the x keys counted (for hints).
        self.squares: list[tuple[cp_model.IntVar, cp_model.IntVar, list[tuple[int, int]]]] = []
        self.total_squares: list[cp_model.IntVar] = []
        self.most: list[int] = []  # the most duties each mentor could do (total_squares' order)
        self.week_squares: list[cp_model.LinearExprT] = []
        for j, slots in of_mentor.items():
            by_day: dict[dt.date, list[int]] = defaultdict(list)
            for i in slots:
                by_day[openings[i].day].append(i)
            by_week: dict[tuple[int, int], list[int]] = defaultdict(list)
            most_in_week: dict[tuple[int, int], int] = defaultdict(int)
            for day, here in by_day.items():
                most = max(1, sum(1 for i in here if j in locked_at[i]))
                if len(here) > most:
                    self.model.add(_sum(self.x[i, j] for i in here) <= most)
                year, week = _week(day)
                by_week[year, week].extend(here)
                most_in_week[year, week] += min(len(here), most)
            most_overall = sum(most_in_week.values())
            keys = [(i, j) for i in slots]
            self.total_squares.append(self._square(keys, most_overall, f"{j}"))
            self.most.append(most_overall)
            for (year, week), here in by_week.items():
                keys = [(i, j) for i in here]
                if most_in_week[year, week] <= 1:  # 0 or 1: its square is itself
                    self.week_squares.append(_sum(self.x[key] for key in keys))
                else:
                    most = most_in_week[year, week]
                    self.week_squares.append(self._square(keys, most, f"{j}_{year}_{week}"))

        # Mixing: at least one experienced and one new mentor where both could be there.
        self.unmixed: list[
            tuple[cp_model.IntVar, list[tuple[int, int]], list[tuple[int, int]]]
        ] = []
        for i, o in enumerate(openings):
            if max(o.max, len(locked_at[i])) < 2:
                continue
            old = [(i, j) for j in at_opening[i] if mentors[j].experienced]
            new = [(i, j) for j in at_opening[i] if not mentors[j].experienced]
            if old and new:
                unmixed = self.model.new_bool_var(f"unmixed_{i}")
                self.model.add(_sum(self.x[k] for k in old) + unmixed >= 1)
                self.model.add(_sum(self.x[k] for k in new) + unmixed >= 1)
                self.unmixed.append((unmixed, old, new))

        self.model.minimize(_sum(self.short))

    def _square(self, keys: list[tuple[int, int]], most: int, name: str) -> cp_model.IntVar:
        """A variable at least the square of the number of duties among `keys`, by the
        chords of the square between the integers 0..most."""
        count = self.model.new_int_var(0, most, f"n_{name}")
        self.model.add(count == _sum(self.x[key] for key in keys))  # the lines: two terms
        square = self.model.new_int_var(0, most * most, f"sq_{name}")
        self.squares.append((count, square, keys))
        for k in range(most):
            # The chord from (k, k^2) to (k + 1, (k + 1)^2): exact at both ends.
            self.model.add(square >= (2 * k + 1) * count - k * (k + 1))
        return square

    def staffing(self) -> cp_model.LinearExpr:
        """Rule 1: the duty places left empty below the openings' minimums, then the
        openings left below their minimum (so one short opening beats two)."""
        return (len(self.short) + 1) * _sum(self.short) + _sum(self.is_short)

    def keep_staffing(self, chosen: set[tuple[int, int]]) -> None:
        """From now on, fill as many places and openings as `chosen` does."""
        places, openings = self.staffing_of(chosen)
        self.model.add(_sum(self.short) <= places)
        self.model.add(_sum(self.is_short) <= openings)
        # So at least this many duties: two valid cuts tell CP-SAT what its LP would, which
        # on a trust-sized model it may not have solved before the time runs out.
        duties = sum(o.min for o in self.problem.openings) - places
        self.model.add(self.evenness() >= _least_squares(self.most, duties))
        self.model.add(self.weeks_and_mixing() >= WEEK_WEIGHT * duties)

    def evenness(self) -> cp_model.LinearExpr:
        """Rule 2: the sum of the squares of the mentors' duty counts over the period."""
        return _sum(self.total_squares)

    def weeks_and_mixing(self) -> cp_model.LinearExpr:
        """Rules 3 and 4: the squares of the weekly counts, and the openings not mixed."""
        return WEEK_WEIGHT * _sum(self.week_squares) + MIX_WEIGHT * _sum(
            v for v, _, _ in self.unmixed
        )

    def evenness_of(self, chosen: set[tuple[int, int]]) -> int:
        load: dict[int, int] = defaultdict(int)
        for _, j in chosen:
            load[j] += 1
        return sum(count * count for count in load.values())

    def run(
        self, objective: cp_model.LinearExpr, start: set[tuple[int, int]], seconds: float
    ) -> _Step:
        """Minimise `objective` from the rota `start` for at most `seconds`."""
        self.model.minimize(objective)
        self.hint(start)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = max(1, self.problem.workers)
        solver.parameters.random_seed = self.problem.seed
        if self.problem.deterministic and self.problem.workers > 1:
            solver.parameters.interleave_search = True
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Step(None, False, 0.0, 0.0, 1.0)
        value, bound = solver.objective_value, solver.best_objective_bound
        return _Step(
            chosen={key for key, var in self.x.items() if solver.boolean_value(var)},
            optimal=status == cp_model.OPTIMAL,
            value=value,
            bound=bound,
            gap=0.0 if status == cp_model.OPTIMAL else _gap(value, bound),
        )

    def greedy(self) -> set[tuple[int, int]]:
        """A quick rota to start from: the scarcest openings first, each place given to the
        free mentor with the fewest duties (in the period, then the week), preferring the
        kind (experienced or new) the opening lacks."""
        openings, mentors = self.problem.openings, self.problem.mentors
        chosen = {(i, j) for i, held in self.locked_at.items() for j in held}
        load: dict[int, int] = defaultdict(int)
        week_load: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
        busy: set[tuple[int, dt.date]] = set()
        for i, j in chosen:
            load[j] += 1
            week_load[j, self.week_of[i]] += 1
            busy.add((j, openings[i].day))

        def scarcity(i: int) -> tuple[int, int]:
            return (len(self.at_opening[i]) - openings[i].min, i)

        for i in sorted(range(len(openings)), key=scarcity):
            day, week = openings[i].day, self.week_of[i]
            here = {j for j in self.locked_at[i]}
            while len(here) < openings[i].min:
                kinds = {mentors[j].experienced for j in here}
                free = [j for j in self.at_opening[i] if j not in here and (j, day) not in busy]
                if not free:
                    break
                j = min(
                    free,
                    key=lambda j: (
                        load[j],
                        week_load[j, week],
                        mentors[j].experienced in kinds,
                        j,
                    ),
                )
                here.add(j)
                chosen.add((i, j))
                load[j] += 1
                week_load[j, week] += 1
                busy.add((j, day))
        return chosen

    def improve(self, chosen: set[tuple[int, int]], seconds: float) -> set[tuple[int, int]]:
        """Local search from `chosen` on the fairness objective (rules 2-4): give a duty to a
        free mentor, or swap two mentors' duties, while that lowers it. CP-SAT starts from
        the result, so its search begins near the optimum its LP bound already proves."""
        stop = time.perf_counter() + seconds
        openings, mentors = self.problem.openings, self.problem.mentors
        allowed = set(self.x)
        locked = {(i, j) for i, held in self.locked_at.items() for j in held}
        mixable = {old[0][0] for _, old, _ in self.unmixed}
        members: dict[int, set[int]] = defaultdict(set)
        load: dict[int, int] = defaultdict(int)
        week_load: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
        days: dict[tuple[int, dt.date], int] = defaultdict(int)
        duties_of: dict[int, set[int]] = defaultdict(set)

        def place(i: int, j: int, step: int) -> None:
            if step > 0:
                members[i].add(j)
                duties_of[j].add(i)
            else:
                members[i].discard(j)
                duties_of[j].discard(i)
            load[j] += step
            week_load[j, self.week_of[i]] += step
            days[j, openings[i].day] += step

        for i, j in chosen:
            place(i, j, 1)

        def unmixed(i: int, people: set[int]) -> int:
            return int(i in mixable and len({mentors[j].experienced for j in people}) < 2)

        def change(count: int, step: int) -> int:
            return (count + step) ** 2 - count**2

        def give(i: int, a: int, b: int) -> tuple[int, int]:
            """The objectives' change (rule 2, rules 3-4) when b takes a's duty at i."""
            week = self.week_of[i]
            return (
                change(load[a], -1) + change(load[b], 1),
                WEEK_WEIGHT * (change(week_load[a, week], -1) + change(week_load[b, week], 1))
                + MIX_WEIGHT * (unmixed(i, members[i] - {a} | {b}) - unmixed(i, members[i])),
            )

        def swap(i: int, a: int, k: int, b: int) -> tuple[int, int]:
            """The change when a (at i) and b (at k) swap duties; loads stay as they are."""
            wi, wk = self.week_of[i], self.week_of[k]
            weekly = 0
            if wi != wk:
                weekly = (
                    change(week_load[a, wi], -1)
                    + change(week_load[a, wk], 1)
                    + change(week_load[b, wk], -1)
                    + change(week_load[b, wi], 1)
                )
            mixing = (
                unmixed(i, members[i] - {a} | {b})
                - unmixed(i, members[i])
                + unmixed(k, members[k] - {b} | {a})
                - unmixed(k, members[k])
            )
            return 0, WEEK_WEIGHT * weekly + MIX_WEIGHT * mixing

        better = True
        while better and time.perf_counter() < stop:
            better = False
            for i, a in sorted((o, m) for o in members for m in members[o]):
                if time.perf_counter() > stop:
                    break
                if (i, a) in locked or a not in members[i]:
                    continue
                day = openings[i].day
                best, move = (0, 0), None
                for b in self.at_opening[i]:
                    if b in members[i]:
                        continue
                    if not days[b, day]:
                        gain = give(i, a, b)
                        if gain < best:
                            best, move = gain, (b, -1)
                    for k in duties_of[b]:
                        if k == i or (k, b) in locked or (k, a) not in allowed:
                            continue
                        if a in members[k]:
                            continue
                        if openings[k].day != day and (days[a, openings[k].day] or days[b, day]):
                            continue
                        gain = swap(i, a, k, b)
                        if gain < best:
                            best, move = gain, (b, k)
                if move is not None:
                    b, k = move
                    place(i, a, -1)
                    place(i, b, 1)
                    if k >= 0:
                        place(k, b, -1)
                        place(k, a, 1)
                    better = True
        return {(i, j) for i in members for j in members[i]}

    def staffing_of(self, chosen: set[tuple[int, int]]) -> tuple[int, int]:
        """The places left empty below the minimums, and the openings short, in `chosen`."""
        count: dict[int, int] = defaultdict(int)
        for i, _ in chosen:
            count[i] += 1
        short = [max(0, o.min - count[i]) for i, o in enumerate(self.problem.openings)]
        return sum(short), sum(1 for places in short if places)

    def hint(self, chosen: set[tuple[int, int]]) -> None:
        """Start the search from `chosen`, every variable's value given."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]  # untyped in ortools
        for key, var in self.x.items():
            self.model.add_hint(var, key in chosen)
        count: dict[int, int] = defaultdict(int)
        for i, _ in chosen:
            count[i] += 1
        for i, short in enumerate(self.short):
            places = max(0, self.problem.openings[i].min - count[i])
            self.model.add_hint(short, places)
            self.model.add_hint(self.is_short[i], places > 0)
        for counted, square, keys in self.squares:
            done = sum(1 for key in keys if key in chosen)
            self.model.add_hint(counted, done)
            self.model.add_hint(square, done * done)
        for unmixed, old, new in self.unmixed:
            mixed = any(k in chosen for k in old) and any(k in chosen for k in new)
            self.model.add_hint(unmixed, not mixed)

    def answer(self, chosen: set[tuple[int, int]]) -> Answer:
        """The rota `chosen` as duties, with the reasons and the locks' warnings."""
        openings, mentors = self.problem.openings, self.problem.mentors
        duties = [Duty(openings[i].id, mentors[j].id) for i, j in sorted(chosen)]
        answer = Answer(duties=duties, warnings=self._lock_warnings())
        answer.unstaffable = self._reasons(duties)
        return answer

    def _reasons(self, duties: list[Duty]) -> dict[str, str]:
        """Why each opening below its minimum is there, in words a coordinator reads."""
        problem = self.problem
        on_duty: dict[str, set[int]] = defaultdict(set)
        busy: dict[dt.date, set[int]] = defaultdict(set)
        day_of = {o.id: o.day for o in problem.openings}
        for duty in duties:
            on_duty[duty.opening].add(duty.mentor)
            busy[day_of[duty.opening]].add(duty.mentor)
        reasons = {}
        for o in problem.openings:
            staffed = len(on_duty[o.id])
            if staffed >= o.min:
                continue
            slot = (o.day.weekday(), o.window)
            free = [m.id for m in problem.mentors if slot in m.available and slot not in m.meets]
            here = [m for m in free if (o.id, m) not in problem.excluded]
            needed = f"{o.min} needed"
            if len(free) < o.min:
                count = "no mentors" if not free else f"only {_plural(len(free), 'mentor')}"
                reasons[o.id] = f"{when(o, dated=False)}: {count} available, {needed}"
            elif len(here) < o.min:
                count = "no mentors" if not here else f"only {_plural(len(here), 'mentor')}"
                away = len(free) - len(here)
                reasons[o.id] = (
                    f"{when(o)}: {count} available, {needed} "
                    f"({_plural(away, 'mentor')} marked away)"
                )
            else:
                elsewhere = [m for m in here if m in busy[o.day] and m not in on_duty[o.id]]
                if len(elsewhere) == len(here) - staffed:
                    if staffed:
                        verb = "is" if len(elsewhere) == 1 else "are"
                        which = f"{len(elsewhere)} of them {verb}"
                    else:
                        which = {1: "they are", 2: "both are"}.get(
                            len(here), f"all {len(here)} are"
                        )
                    reasons[o.id] = (
                        f"{when(o)}: {_plural(len(here), 'mentor')} available, "
                        f"but {which} needed elsewhere that day"
                    )
                else:  # only when the time ran out before the rota was finished
                    reasons[o.id] = (
                        f"{when(o)}: {_plural(len(here), 'mentor')} available, but the "
                        "rota was not finished in the time allowed"
                    )
        return reasons

    def _lock_warnings(self) -> list[str]:
        """What each locked duty breaks; the lock is kept all the same."""
        problem = self.problem
        openings = {o.id: o for o in problem.openings}
        mentors = {m.id: m for m in problem.mentors}
        warnings = []
        per_day: dict[tuple[int, dt.date], list[Opening]] = defaultdict(list)
        per_opening: dict[str, int] = defaultdict(int)
        for opening_id, mentor_id in sorted(problem.locked):
            o, m = openings[opening_id], mentors[mentor_id]
            slot = (o.day.weekday(), o.window)
            per_day[mentor_id, o.day].append(o)
            per_opening[opening_id] += 1
            if slot in m.meets:
                warnings.append(f"{m.name} is locked on {when(o)} but usually meets a mentee then.")
            elif slot not in m.available:
                warnings.append(f"{m.name} is locked on {when(o)} but is not available then.")
            if (opening_id, mentor_id) in problem.excluded:
                warnings.append(f"{m.name} is locked on {when(o)} but is marked away then.")
        for (mentor_id, day), held in sorted(per_day.items()):
            if len(held) > 1:
                names = " and ".join(when(o, dated=False) for o in held)
                warnings.append(
                    f"{mentors[mentor_id].name} is locked on {len(held)} duties on "
                    f"{WEEKDAYS[day.weekday()]} {day.day} {day:%B}: {names}."
                )
        for opening_id, count in sorted(per_opening.items()):
            o = openings[opening_id]
            if count > o.max:
                warnings.append(
                    f"{when(o)} has {count} locked duties, more than its most ({o.max})."
                )
        return warnings
