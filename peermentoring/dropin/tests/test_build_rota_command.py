"""`manage.py build_rota`: one JSON object on stdout with --json, checked independently; a
dry run stores nothing; bad input is a clear CommandError.

The solver is the greedy stand-in (tests only) except in the test named
`..._with_the_real_solver`.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from peermentoring.dropin.models import Duty, Room, Rota
from peermentoring.dropin.rota_plan import duty_key
from peermentoring.dropin.tests.rota_support import (
    MONDAY,
    NEXT_FRIDAY,
    check_rota,
    in_term,
    trained_mentor,
    use_greedy,
    window,
)
from peermentoring.meetings.services import set_usual_windows
from tests.support.meetings import pairing_in

NAMES = ["Asha", "Ben", "Cara", "Dev", "Ella"]


@pytest.fixture
def term(school, monkeypatch):
    return in_term(school, monkeypatch)


def mentors(school):
    made = []
    for n, name in enumerate(NAMES):
        free = [(d, kind) for d in range(5) for kind in ("break", "lunch") if (d + n) % 4]
        made.append(trained_mentor(school, name, windows=free, experienced=n < 2))
    pairing = pairing_in(school)
    set_usual_windows(pairing=pairing, windows=[window(school, 1, "break")], by=None)
    return [*made, pairing.mentor]


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("build_rota", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


PERIOD = ["--school", "oakbrook", "--from", MONDAY.isoformat(), "--to", NEXT_FRIDAY.isoformat()]


def test_json_prints_one_object_that_passes_the_independent_check(term, monkeypatch):
    use_greedy(monkeypatch)
    everyone = mentors(term)

    out, _ = run(*PERIOD, "--json")

    data = json.loads(out)  # nothing but the one object
    check_rota(data)
    assert len(data["openings"]) == 20
    assert {m["id"] for m in data["mentors"]} == {m.pk for m in everyone}
    opening = data["openings"][0]
    assert {k: opening[k] for k in ("date", "window", "room", "min", "max", "label")} == {
        "date": "2025-11-24",
        "window": "break",
        "room": "Peer Mentoring room",
        "min": 2,
        "max": 3,
        "label": "Monday 24 November, break",
    }
    assert all("unstaffable" in o for o in data["openings"])
    asha = next(m for m in data["mentors"] if m["name"].startswith("Asha"))
    assert asha["experienced"] is True
    assert {"weekday": 0, "window": "lunch"} not in asha["available"]  # (0 + 0) % 4 == 0
    assert {"weekday": 1, "window": "lunch"} in asha["available"]
    paired = next(m for m in data["mentors"] if m["id"] == everyone[-1].pk)
    assert paired["meets"] == [{"weekday": 1, "window": "break"}]
    rota = Rota.objects.get()
    assert data["rota"] == rota.pk
    stored = {(duty_key(d), d.mentor_id) for d in Duty.objects.filter(rota=rota)}
    assert stored == {(d["opening"], d["mentor"]) for d in data["duties"]}


def test_the_independent_check_catches_a_mentor_twice_in_a_day_and_one_not_free(term, monkeypatch):
    use_greedy(monkeypatch)
    mentors(term)
    data = json.loads(run(*PERIOD, "--json", "--dry-run")[0])
    first = data["duties"][0]
    same_day = next(
        o["id"]
        for o in data["openings"]
        if o["date"] == first["opening"][-10:] and o["id"] != first["opening"]
    )

    twice = data | {"duties": [first, {"opening": same_day, "mentor": first["mentor"]}]}
    with pytest.raises(AssertionError, match="twice in a day"):
        check_rota(twice)
    asha = next(m for m in data["mentors"] if m["name"].startswith("Asha"))
    monday_lunch = next(
        o["id"] for o in data["openings"] if o["date"] == "2025-11-24" and o["window"] == "lunch"
    )
    not_free = data | {"duties": [{"opening": monday_lunch, "mentor": asha["id"]}]}
    with pytest.raises(AssertionError, match="not free"):
        check_rota(not_free)


def test_a_dry_run_stores_nothing_not_even_the_default_room(term, monkeypatch):
    use_greedy(monkeypatch)
    mentors(term)

    out, _ = run(*PERIOD, "--dry-run")

    assert "20 openings" in out and "Not stored (dry run)." in out
    assert not Rota.objects.exists() and not Duty.objects.exists()
    assert not Room.objects.exists()


def test_without_json_it_stores_a_draft_and_says_what_cannot_be_staffed(term, monkeypatch):
    use_greedy(monkeypatch)
    trained_mentor(term, "Asha")

    out, _ = run(*PERIOD)

    rota = Rota.objects.get()
    assert not rota.is_published
    assert f"Stored as rota {rota.pk}, a draft." in out
    assert "20 cannot be fully staffed:" in out
    assert "  Monday 24 November, break: only 1 mentor available" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--school", "nowhere", "--from", "2025-11-24", "--to", "2025-12-05"],
            "No school with the slug 'nowhere'.",
        ),
        (
            ["--school", "oakbrook", "--from", "24/11/2025", "--to", "2025-12-05"],
            "--from '24/11/2025' is not a date",
        ),
        (
            ["--school", "oakbrook", "--from", "2025-11-24", "--to", "9" * 40],
            "--to '99999999999999999999' is not a date",
        ),
        (
            ["--school", "oakbrook", "--from", "2025-12-05", "--to", "2025-11-24"],
            "The last day must be on or after the first day.",
        ),
        (
            ["--school", "oakbrook", "--from", "2025-10-27", "--to", "2025-10-31"],
            "There are no school days from Monday 27 October to Friday 31 October",
        ),
        (
            ["--school", "oakbrook", "--from", "2025-11-03", "--to", "2025-11-14"],
            "has passed: a rota is built for days to come",
        ),
    ],
)
def test_bad_input_is_a_clear_command_error(term, monkeypatch, args, words):
    use_greedy(monkeypatch)
    mentors(term)

    with pytest.raises(CommandError) as refused:
        run(*args, "--json")

    assert words in str(refused.value)
    assert not Rota.objects.exists()


def test_the_json_of_a_rota_built_with_the_real_solver_passes_the_independent_check(
    term,
):
    """REAL SOLVER: `rota.solve`, CP-SAT (no stand-in)."""
    everyone = mentors(term)

    out, _ = run(*PERIOD, "--json")

    data = json.loads(out)
    check_rota(data)
    assert data["status"] in ("optimal", "feasible")
    assert {m["id"] for m in data["mentors"]} == {m.pk for m in everyone}
    stored = {(duty_key(d), d.mentor_id) for d in Duty.objects.filter(rota=data["rota"])}
    assert stored == {(d["opening"], d["mentor"]) for d in data["duties"]}
