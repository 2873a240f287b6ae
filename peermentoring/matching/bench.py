"""Matching figures for `make bench`: the solver, one school's whole run, and a trust batch.

Printed, never asserted. Run alone with `python -m peermentoring.matching.bench`
(it then sets up its own throw-away SQLite database), or from `peermentoring.bench`.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

from peermentoring.matching.engine import assign, greedy, total_score

if TYPE_CHECKING:
    from peermentoring.schools.models import School

P = ParamSpec("P")
R = TypeVar("R")

SOLVER_CASES = [(200, 60, 3), (2_000, 700, 2), (10_000, 3_500, 2)][
    : int(os.environ.get("BENCH_CASES", "3"))
]
SCHOOL_REFERRALS, SCHOOL_MENTORS = 200, 60
TRUST_SCHOOLS, TRUST_REFERRALS, TRUST_MENTORS = 500, 40, 15


def _best_of(
    repeats: int, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> tuple[float, R]:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        result = func(*args, **kwargs)
        best = min(best, time.perf_counter() - started)
    return best, result


def solver_figures() -> None:
    print(
        "\n== matching solver (dense uniform random scores, every pair allowed; best of 5, one run for the largest) =="
    )
    rng = np.random.default_rng(7)
    for n, m, cap in SOLVER_CASES:
        scores = rng.random((n, m)) * 20
        capacity = np.full(m, cap)
        repeats = 5 if n <= 2_000 else 1
        expanded = np.ascontiguousarray(np.repeat(scores, capacity, axis=1))

        t_plain, (rows, cols) = _best_of(repeats, linear_sum_assignment, expanded, maximize=True)
        optimum = math.fsum(expanded[rows, cols].tolist())
        del expanded
        gc.collect()
        t_assign, pairs = _best_of(repeats, assign, scores, capacity)
        ratio = total_score(scores, pairs) / optimum
        greedy_pairs = greedy(scores, capacity)
        shortfall = 1 - total_score(scores, greedy_pairs) / optimum
        print(
            f"assign {n:,}×{m:,} (cap {cap}, {n:,}×{m * cap:,} expanded): {t_assign * 1000:,.1f} ms; "
            f"plain linear_sum_assignment {t_plain * 1000:,.1f} ms; ratio {t_assign / t_plain:.2f}×; "
            f"score ratio {ratio!r}; pairs {len(pairs):,}; "
            f"greedy leaves {shortfall * 100:.2f} % of the score ({len(greedy_pairs):,} pairs)"
        )

    n, m, cap = 2_000, 700, 2
    scores = rng.random((n, m)) * 20
    for share in (0.1, 0.97):
        allowed = rng.random((n, m)) >= share
        allowed[:20] = False  # some mentees nobody may take
        t_assign, pairs = _best_of(3, assign, scores, np.full(m, cap), allowed)
        print(
            f"assign {n:,}×{m:,} (cap {cap}) with {share:.0%} of pairs forbidden and 20 rows fully "
            f"forbidden: {t_assign * 1000:,.1f} ms, {len(pairs):,} pairs"
        )


def _setup_django() -> None:
    if "django" in sys.modules and getattr(sys.modules["django"], "apps", None):
        from django.apps import apps

        if apps.ready:
            return
    folder = tempfile.mkdtemp(prefix="pm-match-bench-")
    os.environ.setdefault("SQLITE_PATH", os.path.join(folder, "bench.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peermentoring.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _make_school(slug: str, referrals: int, mentors: int, rng: random.Random) -> School:
    """A school with a current year, trained mentors and accepted referrals, made in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from peermentoring.mentors.models import Mentor, MentorFreeWindow
    from peermentoring.referrals.models import Referral
    from peermentoring.schools.models import AcademicYear, FeederPrimary, Pupil, School
    from peermentoring.schools.services import create_school
    from peermentoring.training.models import ModuleCompletion, TrainingModule

    interests = ["football", "drawing", "chess", "music", "gaming", "netball", "reading", "dance"]
    languages = ["", "", "", "Polish", "Urdu", "Punjabi"]
    today = timezone.localdate()
    start = today.year if today.month >= 8 else today.year - 1
    with transaction.atomic():
        school = create_school(name=f"Bench {slug}", slug=slug, by=None)
        if not School.objects.filter(pk=school.pk).exists():
            raise RuntimeError("school not created")
        year = AcademicYear.objects.create(
            school=school,
            name="this year",
            starts_on=dt.date(start, 8, 1),
            ends_on=dt.date(start + 1, 7, 31),
        )
        primaries = FeederPrimary.objects.bulk_create(
            [FeederPrimary(school=school, name=f"Primary {i}") for i in range(4)]
        )
        if not TrainingModule.objects.for_school(school).exists():
            TrainingModule.objects.create(
                school=school, order=5, title="Safeguarding", is_required=True
            )
        required = list(TrainingModule.objects.for_school(school).required())
        windows = list(school.windows.all())

        def pupil(year_group: int, n: int) -> Pupil:
            return Pupil(
                school=school,
                given_name=f"P{n}",
                family_name=f"Y{year_group}-{n}",
                year_group=year_group,
                form_group=f"{year_group}{'ABCDEF'[n % 6]}",
                house=rng.choice(["Brunel", "Curie", "Darwin", "Seacole"]),
                gender=rng.choice(["female", "male"]),
                feeder_primary=rng.choice(primaries),
                family_key=f"F{rng.randrange(100000)}",
            )

        mentor_pupils = Pupil.objects.bulk_create([pupil(10, n) for n in range(mentors)])
        mentor_rows = Mentor.objects.bulk_create(
            [
                Mentor(
                    school=school,
                    pupil=p,
                    academic_year=year,
                    status=Mentor.Status.TRAINED,
                    capacity=rng.choice([1, 1, 2, 3]),
                    is_experienced=rng.random() < 0.2,
                    interests=", ".join(rng.sample(interests, 2)),
                    languages=rng.choice(languages),
                )
                for p in mentor_pupils
            ]
        )
        ModuleCompletion.objects.bulk_create(
            [
                ModuleCompletion(mentor=m, module=module, status="present", completed_on=today)
                for m in mentor_rows
                for module in required
            ]
        )
        MentorFreeWindow.objects.bulk_create(
            [
                MentorFreeWindow(mentor=m, window=w)
                for m in mentor_rows
                for w in rng.sample(windows, 6)
            ]
        )
        mentee_pupils = Pupil.objects.bulk_create([pupil(7, n) for n in range(referrals)])
        rows = Referral.objects.bulk_create(
            [
                Referral(
                    school=school,
                    pupil=p,
                    source="primary",
                    status=Referral.Status.ACCEPTED,
                    consent=rng.choice(["given"] * 9 + ["not_asked"]),
                    priority=rng.choice(["routine", "routine", "soon", "urgent"]),
                    interests=", ".join(rng.sample(interests, 2)),
                    languages=rng.choice(languages),
                    gender_preference=rng.choice(["", "", "female", "male"]),
                )
                for p in mentee_pupils
            ]
        )
        through = Referral.free_windows.through
        through.objects.bulk_create(
            [
                through(referral_id=r.pk, schooldaywindow_id=w.pk)
                for r in rows
                for w in rng.sample(windows, 4)
            ]
        )
    return school


def database_figures() -> None:
    _setup_django()
    from django.db import connection

    from peermentoring.matching.run import build_proposal
    from peermentoring.matching.services import run_matching

    rng = random.Random(11)
    print(f"\n== run matching from the database ({connection.vendor}) ==")
    school = _make_school("match-bench", SCHOOL_REFERRALS, SCHOOL_MENTORS, rng)
    build_proposal(school)  # warm up imports and caches
    t_build, proposal = _best_of(5, build_proposal, school)
    t_run, run = _best_of(3, run_matching, school=school, by=None)
    print(
        f"one school, {SCHOOL_REFERRALS} accepted referrals × {SCHOOL_MENTORS} trained mentors: "
        f"load, score, solve and describe {t_build * 1000:.0f} ms "
        f"({len(proposal['pairs'])} pairs, {len(proposal['unmatched'])} unmatched); "
        f"with the proposal stored {t_run * 1000:.0f} ms"
    )

    started = time.perf_counter()
    schools = [
        _make_school(f"trust-{i}", TRUST_REFERRALS, TRUST_MENTORS, rng)
        for i in range(TRUST_SCHOOLS)
    ]
    setup = time.perf_counter() - started
    started = time.perf_counter()
    pairs = 0
    for each in schools:
        pairs += len(run_matching(school=each, by=None).proposal["pairs"])
    elapsed = time.perf_counter() - started
    print(
        f"trust batch: {TRUST_SCHOOLS} schools one after another ({TRUST_REFERRALS} referrals × "
        f"{TRUST_MENTORS} mentors each, proposals stored): {elapsed:.1f} s "
        f"({elapsed / TRUST_SCHOOLS * 1000:.0f} ms a school, {pairs:,} pairs); "
        f"making their data took {setup:.1f} s (not counted)"
    )


def main() -> None:
    solver_figures()
    database_figures()


if __name__ == "__main__":
    main()
