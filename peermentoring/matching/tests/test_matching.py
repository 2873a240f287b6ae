"""Running, confirming and ending: hard exclusions, all-or-nothing confirmation, the lifecycle."""

from __future__ import annotations

import json
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError

from peermentoring.core.models import Notification
from peermentoring.matching import services
from peermentoring.matching.models import DoNotPair, MatchingSettings, MatchRun, Pairing
from peermentoring.matching.run import build_proposal
from peermentoring.matching.scoring import (
    ALL_EXCLUDED,
    NO_CAPACITY,
    NO_CONSENT,
    NOT_ON_ROLL,
    RULE_DO_NOT_PAIR,
    RULE_FORBIDDEN,
    RULE_RELATIVE,
)
from peermentoring.mentors.models import Mentor, able_to_mentor_ids
from peermentoring.referrals import services as referral_services
from peermentoring.referrals.models import Referral
from tests.support.builders import (
    accepted_referral,
    make_mentor,
    mentor_with_account,
)
from tests.support.factories import PupilFactory

pytestmark = pytest.mark.django_db


def paired(proposal) -> set[tuple[int, int]]:
    return {(p["referral"], p["mentor_id"]) for p in proposal["pairs"]}


def reasons_of(proposal) -> dict[int, str]:
    return {u["referral"]: u["reason"] for u in proposal["unmatched"]}


# --- Hard exclusions: the best-scoring pair is still refused --------------------------------


def test_a_relative_is_never_proposed_even_as_the_best_score(school):
    lily = accepted_referral(school, interests="football, chess", family_key="F-17")
    brother = make_mentor(school, interests="football, chess", family_key="F-17")
    stranger = make_mentor(school, interests="")

    proposal = build_proposal(school)

    assert paired(proposal) == {(lily.pk, stranger.pk)}
    assert (lily.pk, brother.pk) not in paired(proposal)


def test_a_pair_on_the_do_not_pair_list_is_never_proposed_whichever_way_round(school, coordinator):
    lily = accepted_referral(school, interests="football")
    rival = make_mentor(school, interests="football")
    # Listed with the mentor first: the rule works in both directions.
    services.add_do_not_pair(
        school=school, pupil=rival.pupil, other=lily.pupil, kind="conflict", note="", by=coordinator
    )

    proposal = build_proposal(school)

    assert proposal["pairs"] == []
    assert reasons_of(proposal)[lily.pk] == ALL_EXCLUDED.format(rules=f"{RULE_DO_NOT_PAIR} (1)")


def test_a_relative_is_named_as_the_rule_when_no_one_else_is_left(school):
    lily = accepted_referral(school, family_key="F-9")
    make_mentor(school, family_key="F-9")

    proposal = build_proposal(school)

    assert reasons_of(proposal)[lily.pk] == ALL_EXCLUDED.format(rules=f"{RULE_RELATIVE} (1)")


@pytest.mark.parametrize(
    "mentor_kwargs",
    [
        {"trained": False},
        {"status": Mentor.Status.PAUSED},
        {"status": Mentor.Status.STEPPED_DOWN},
    ],
    ids=["untrained", "paused", "stepped-down"],
)
def test_a_mentor_who_cannot_mentor_is_never_proposed(school, mentor_kwargs):
    lily = accepted_referral(school, interests="football, chess")
    best = make_mentor(school, interests="football, chess", **mentor_kwargs)
    ok = make_mentor(school)

    proposal = build_proposal(school)

    assert not best.can_mentor()
    assert paired(proposal) == {(lily.pk, ok.pk)}
    assert [m["mentor"] for m in proposal["mentors_left_out"]] == [str(best)]


def test_able_to_mentor_ids_agrees_with_the_mentors_own_rule(school):
    mentors = [
        make_mentor(school, **kwargs)
        for kwargs in [
            {},
            {"status": Mentor.Status.IN_TRAINING},
            {"status": Mentor.Status.IN_TRAINING, "trained": False},
            {"trained": False},
            {"status": Mentor.Status.PAUSED},
            {"status": Mentor.Status.STEPPED_DOWN},
        ]
    ]

    found = able_to_mentor_ids(mentors)

    assert found == {m.pk for m in mentors if m.can_mentor()}
    assert len(found) == 2


def test_a_mentee_without_consent_is_not_matched_where_the_school_requires_it(school):
    lily = accepted_referral(school, consent=Referral.Consent.NOT_ASKED)
    make_mentor(school)

    proposal = build_proposal(school)

    assert proposal["pairs"] == []
    assert reasons_of(proposal)[lily.pk] == NO_CONSENT.format(consent="not yet asked")


def test_a_mentee_without_consent_is_matched_where_the_school_does_not_require_it(school):
    MatchingSettings.objects.create(school=school, requires_consent=False)
    lily = accepted_referral(school, consent=Referral.Consent.NOT_ASKED)
    mentor = make_mentor(school)

    assert paired(build_proposal(school)) == {(lily.pk, mentor.pk)}


def test_another_schools_mentor_is_never_proposed(school, other_school):
    lily = accepted_referral(school, interests="football")
    make_mentor(other_school, interests="football")

    proposal = build_proposal(school)

    assert proposal["pairs"] == []
    assert lily.pk in reasons_of(proposal)


def test_a_year_6_child_not_yet_on_roll_waits_with_that_reason(school):
    referral = Referral.objects.create(
        school=school,
        child_given_name="Noor",
        child_family_name="Haddad",
        source=Referral.Source.PRIMARY,
        status=Referral.Status.ACCEPTED,
        consent=Referral.Consent.GIVEN,
    )
    make_mentor(school)

    assert reasons_of(build_proposal(school))[referral.pk] == NOT_ON_ROLL


def test_when_places_run_out_the_unmatched_mentee_is_told_so(school):
    first = accepted_referral(school, priority=Referral.Priority.URGENT)
    second = accepted_referral(school)
    make_mentor(school)

    proposal = build_proposal(school)

    assert len(proposal["pairs"]) == 1
    unmatched = reasons_of(proposal)
    assert set(unmatched) <= {first.pk, second.pk}
    assert list(unmatched.values()) == [NO_CAPACITY.format(count=1)]


# --- Scores and reasons -----------------------------------------------------------------


def test_the_proposal_gives_each_pair_its_score_and_why_in_words(school):
    from tests.support.factories import FeederPrimaryFactory

    meadowside = FeederPrimaryFactory(school=school, name="Meadowside Primary")
    lily = accepted_referral(
        school,
        interests="Football, drawing",
        feeder_primary=meadowside,
        languages="Polish, English",
    )
    mentor = make_mentor(
        school, interests="football", feeder_primary=meadowside, languages="English, Polish"
    )

    (pair,) = build_proposal(school)["pairs"]

    assert (pair["referral"], pair["mentor_id"]) == (lily.pk, mentor.pk)
    assert "both like football" in pair["reasons"]
    assert "same primary (Meadowside Primary)" in pair["reasons"]
    assert "both speak Polish" in pair["reasons"]
    assert any(r.startswith("both free Monday AM registration") for r in pair["reasons"])
    # interests 3×½ + primary 2 + language 2 + windows 3
    assert pair["score"] == 8.5


def test_matching_prefers_everyone_matched_to_the_single_best_pair(school):
    # Lily scores best with Kwame, but Sam can only have Kwame: both get a mentor.
    lily = accepted_referral(school, interests="football")
    sam = accepted_referral(school, interests="football")
    kwame = make_mentor(school, interests="football")
    other = make_mentor(school)
    DoNotPair.objects.create(school=school, pupil=sam.pupil, other=other.pupil)

    assert paired(build_proposal(school)) == {(lily.pk, other.pk), (sam.pk, kwame.pk)}


def test_an_experienced_mentor_goes_to_the_urgent_referral(school):
    urgent = accepted_referral(school, priority=Referral.Priority.URGENT)
    routine = accepted_referral(school)
    experienced = make_mentor(school, is_experienced=True)
    new = make_mentor(school)

    assert paired(build_proposal(school)) == {(urgent.pk, experienced.pk), (routine.pk, new.pk)}


# --- Adjusting a proposal -----------------------------------------------------------------


def test_forbidding_a_pair_re_runs_matching_around_it(school, coordinator):
    lily = accepted_referral(school, interests="football")
    kwame = make_mentor(school, interests="football")
    other = make_mentor(school)
    run = services.run_matching(school=school, by=coordinator)
    assert paired(run.proposal) == {(lily.pk, kwame.pk)}

    run = services.adjust_run(
        run=run, action="forbid", referral_pk=lily.pk, mentor_pk=kwame.pk, by=coordinator
    )

    assert paired(run.proposal) == {(lily.pk, other.pk)}
    assert run.forbidden == [[lily.pk, kwame.pk]]


def test_forbidding_the_only_mentor_says_so(school, coordinator):
    lily = accepted_referral(school)
    kwame = make_mentor(school)
    run = services.run_matching(school=school, by=coordinator)

    run = services.adjust_run(
        run=run, action="forbid", referral_pk=lily.pk, mentor_pk=kwame.pk, by=coordinator
    )

    assert reasons_of(run.proposal)[lily.pk] == ALL_EXCLUDED.format(rules=f"{RULE_FORBIDDEN} (1)")


def test_a_locked_pair_stays_even_when_a_better_allocation_exists(school, coordinator):
    lily = accepted_referral(school, interests="football")
    sam = accepted_referral(school)
    kwame = make_mentor(school, interests="football")
    other = make_mentor(school)
    run = services.run_matching(school=school, by=coordinator)

    run = services.adjust_run(
        run=run, action="lock", referral_pk=sam.pk, mentor_pk=kwame.pk, by=coordinator
    )

    assert paired(run.proposal) == {(sam.pk, kwame.pk), (lily.pk, other.pk)}
    assert [p["locked"] for p in run.proposal["pairs"] if p["referral"] == sam.pk] == [True]


def test_a_pair_excluded_by_a_rule_cannot_be_locked(school, coordinator):
    lily = accepted_referral(school, family_key="F-1")
    brother = make_mentor(school, family_key="F-1")
    run = services.run_matching(school=school, by=coordinator)

    with pytest.raises(ValidationError) as error:
        services.adjust_run(
            run=run, action="lock", referral_pk=lily.pk, mentor_pk=brother.pk, by=coordinator
        )

    assert error.value.messages == [services.LOCK_EXCLUDED]


# --- Confirming ---------------------------------------------------------------------------


def test_confirming_creates_active_pairings_and_tells_the_mentor_first_name_and_form_only(
    school, coordinator
):
    mentor, user = mentor_with_account(school)
    lily = accepted_referral(
        school,
        given_name="Lily",
        form_group="7C",
        needs="Struggles after her father's illness",
    )
    run = services.run_matching(school=school, by=coordinator)

    (pairing,) = services.confirm_run(run=run, by=coordinator)

    assert pairing.is_active and pairing.mentor == mentor and pairing.mentee == lily.pupil
    lily.refresh_from_db()
    assert lily.status == Referral.Status.MATCHED
    note = Notification.objects.get(recipient=user)
    assert note.title == services.MENTEE_NOTICE_TITLE
    assert note.body == services.MENTEE_NOTICE_BODY.format(first_name="Lily", form=" in form 7C")
    assert lily.pupil.family_name not in note.body
    assert "illness" not in note.body
    run.refresh_from_db()
    assert run.status == MatchRun.Status.CONFIRMED


def test_a_confirmed_proposal_cannot_be_confirmed_again(school, coordinator):
    accepted_referral(school)
    make_mentor(school)
    run = services.run_matching(school=school, by=coordinator)
    services.confirm_run(run=run, by=coordinator)

    with pytest.raises(ValidationError) as error:
        services.confirm_run(run=run, by=coordinator)

    assert error.value.messages == [services.ALREADY_CONFIRMED]


def test_an_error_half_way_through_confirming_commits_nothing(school, coordinator):
    for _ in range(3):
        accepted_referral(school)
        make_mentor(school)
    run = services.run_matching(school=school, by=coordinator)
    assert len(run.proposal["pairs"]) == 3
    real_record = services.runs.record
    calls = {"pairings": 0}

    def fail_on_the_second_pairing(**kwargs):
        if kwargs["action"] == "pairing.created":
            calls["pairings"] += 1
            if calls["pairings"] == 2:
                raise RuntimeError("the database went away")
        return real_record(**kwargs)

    with (
        mock.patch.object(services.runs, "record", side_effect=fail_on_the_second_pairing),
        pytest.raises(RuntimeError),
    ):
        services.confirm_run(run=run, by=coordinator)

    assert Pairing.objects.count() == 0
    assert Referral.objects.filter(status=Referral.Status.MATCHED).count() == 0
    assert Notification.objects.count() == 0
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PROPOSED


def test_a_proposal_that_went_stale_is_refused_whole(school, coordinator):
    lily = accepted_referral(school)
    sam = accepted_referral(school)
    make_mentor(school)
    make_mentor(school)
    run = services.run_matching(school=school, by=coordinator)
    # Meanwhile Sam's mentor is paused.
    sam_mentor = next(p["mentor_id"] for p in run.proposal["pairs"] if p["referral"] == sam.pk)
    Mentor.objects.filter(pk=sam_mentor).update(status=Mentor.Status.PAUSED)

    with pytest.raises(ValidationError):
        services.confirm_run(run=run, by=coordinator)

    assert not Pairing.objects.exists()
    lily.refresh_from_db()
    assert lily.status == Referral.Status.ACCEPTED


def test_confirming_never_exceeds_a_mentors_capacity(school, coordinator):
    lily = accepted_referral(school)
    sam = accepted_referral(school)
    mentor = make_mentor(school, capacity=1)
    run = MatchRun.objects.create(
        school=school,
        proposal={
            "pairs": [
                {"referral": r.pk, "mentor_id": mentor.pk, "score": 0, "reasons": []}
                for r in (lily, sam)
            ]
        },
    )

    with pytest.raises(ValidationError) as error:
        services.confirm_run(run=run, by=coordinator)

    assert error.value.messages == [services.MENTOR_FULL.format(mentor=mentor, capacity=1)]
    assert not Pairing.objects.exists()


def test_the_database_refuses_a_second_active_pairing_for_a_mentee(school):
    lily = accepted_referral(school)
    Pairing.objects.create(
        school=school, mentor=make_mentor(school), mentee=lily.pupil, referral=lily
    )

    with pytest.raises(IntegrityError):
        Pairing.objects.create(
            school=school, mentor=make_mentor(school), mentee=lily.pupil, referral=lily
        )


def test_a_mentor_with_capacity_two_takes_two_mentees(school, coordinator):
    accepted_referral(school)
    accepted_referral(school)
    mentor = make_mentor(school, capacity=2)
    run = services.run_matching(school=school, by=coordinator)

    made = services.confirm_run(run=run, by=coordinator)

    assert [p.mentor for p in made] == [mentor, mentor]


# --- Ending and rematching ----------------------------------------------------------------


def test_ending_a_pairing_requeues_a_mentee_who_still_needs_a_mentor(school, coordinator):
    lily = accepted_referral(school)
    first = make_mentor(school)
    services.confirm_run(run=services.run_matching(school=school, by=coordinator), by=coordinator)
    pairing = Pairing.objects.get()

    services.end_pairing(
        pairing=pairing,
        reason=Pairing.EndReason.MENTOR_STEPPED_DOWN,
        still_needs_mentor=True,
        by=coordinator,
    )
    Mentor.objects.filter(pk=first.pk).update(status=Mentor.Status.STEPPED_DOWN)
    second = make_mentor(school)
    services.confirm_run(run=services.run_matching(school=school, by=coordinator), by=coordinator)

    history = list(Pairing.objects.filter(mentee=lily.pupil).order_by("pk"))
    assert [(p.mentor, p.status) for p in history] == [
        (first, Pairing.Status.ENDED),
        (second, Pairing.Status.ACTIVE),
    ]
    assert history[0].end_reason == Pairing.EndReason.MENTOR_STEPPED_DOWN


def test_ending_a_pairing_when_the_mentee_no_longer_needs_one_closes_the_referral(
    school, coordinator
):
    lily = accepted_referral(school)
    make_mentor(school)
    services.confirm_run(run=services.run_matching(school=school, by=coordinator), by=coordinator)

    services.end_pairing(
        pairing=Pairing.objects.get(),
        reason=Pairing.EndReason.NO_LONGER_NEEDED,
        still_needs_mentor=False,
        by=coordinator,
    )

    lily.refresh_from_db()
    assert lily.status == Referral.Status.CLOSED
    assert build_proposal(school)["unmatched"] == []


def test_a_pairing_cannot_be_ended_twice(school, coordinator):
    accepted_referral(school)
    make_mentor(school)
    services.confirm_run(run=services.run_matching(school=school, by=coordinator), by=coordinator)
    pairing = Pairing.objects.get()
    services.end_pairing(
        pairing=pairing, reason="completed", still_needs_mentor=False, by=coordinator
    )

    with pytest.raises(ValidationError) as error:
        services.end_pairing(
            pairing=pairing, reason="completed", still_needs_mentor=False, by=coordinator
        )

    assert error.value.messages == [services.PAIRING_ALREADY_ENDED]


def test_capacity_cannot_drop_below_the_mentees_a_mentor_has(school, coordinator):
    accepted_referral(school)
    accepted_referral(school)
    mentor = make_mentor(school, capacity=2)
    services.confirm_run(run=services.run_matching(school=school, by=coordinator), by=coordinator)

    with pytest.raises(ValidationError) as error:
        services.set_mentor_matching(mentor=mentor, capacity=1, windows=[], by=coordinator)

    assert error.value.messages == [services.CAPACITY_BELOW_MENTEES.format(mentor=mentor, count=2)]


# --- The command ----------------------------------------------------------------------------


def test_run_matching_dry_run_prints_json_and_stores_nothing(school):
    lily = accepted_referral(school, interests="chess")
    mentor = make_mentor(school, interests="chess")
    out = StringIO()

    call_command("run_matching", "--school", school.slug, "--dry-run", "--json", stdout=out)

    data = json.loads(out.getvalue())
    assert [(p["referral"], p["mentor_id"]) for p in data["pairs"]] == [(lily.pk, mentor.pk)]
    assert "both like chess" in data["pairs"][0]["reasons"]
    assert data["unmatched"] == []
    assert not MatchRun.objects.exists()
    assert not Pairing.objects.exists()


def test_run_matching_without_dry_run_stores_a_proposal_but_pairs_no_one(school):
    accepted_referral(school)
    make_mentor(school)
    out = StringIO()

    call_command("run_matching", "--school", school.slug, stdout=out)

    assert MatchRun.objects.get().status == MatchRun.Status.PROPOSED
    assert not Pairing.objects.exists()
    assert "1 pairs, 0 not matched; stored" in out.getvalue()


def test_run_matching_names_an_unknown_school():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No school with the slug 'nowhere'"):
        call_command("run_matching", "--school", "nowhere")


def test_a_pupil_cannot_be_referred_twice_while_a_referral_is_open(school, coordinator):
    pupil = PupilFactory(school=school)
    referral_services.refer_pupil(
        school=school, pupil=pupil, child=referral_services.ChildDetails(), by=coordinator
    )

    with pytest.raises(ValidationError) as error:
        referral_services.refer_pupil(
            school=school, pupil=pupil, child=referral_services.ChildDetails(), by=coordinator
        )

    assert error.value.messages == [referral_services.ALREADY_QUEUED.format(pupil=pupil)]


def test_a_proposal_replaced_by_a_newer_run_cannot_be_confirmed(school, coordinator, dsl):
    accepted_referral(school)
    make_mentor(school)
    older = services.run_matching(school=school, by=coordinator)
    services.run_matching(school=school, by=coordinator)

    with pytest.raises(ValidationError) as error:
        services.confirm_run(run=older, by=coordinator)

    assert error.value.messages == [services.RUN_SUPERSEDED]
    assert not Pairing.objects.exists()


def test_the_proposal_page_answers_htmx_with_only_the_proposal(client_for, school, coordinator):
    accepted_referral(school, given_name="Lily")
    make_mentor(school)
    run = services.run_matching(school=school, by=coordinator)
    url = f"/s/{school.slug}/matching/runs/{run.pk}/"

    partial = client_for(coordinator).get(url, headers={"HX-Request": "true"})
    whole = client_for(coordinator).get(url)

    assert partial.text.lstrip().startswith('<div id="proposal">')
    assert "<html" not in partial.text
    assert "<html" in whole.text and "Lily" in whole.text
