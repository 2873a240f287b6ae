"""The risk words: whole words, any capitals, the usual ways of writing them."""

from __future__ import annotations

import pytest

from peermentoring.outreach.tellus_risk import RISK_WORDS, RISK_WORDS_MAX, as_field, risk_words_in


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I've been self-harming since Christmas", ["self-harm"]),
        ("she self harms in the toilets", ["self-harm"]),
        ("SELFHARM", ["self-harm"]),
        ("he said he feels suicidal", ["suicide"]),
        ("I want to kill myself", ["kill myself"]),
        ("thinking of killing my self", ["kill myself"]),
        ("I keep cutting myself", ["cut myself"]),
        ("I hurt myself after school", ["hurt myself"]),
        ("sometimes I just wanna die", ["want to die"]),
        ("he brought a knife to the park", ["knife"]),
        ("they carry Knives", ["knife"]),
        ("talking about guns and weapons", ["weapon", "gun"]),
        ("he got stabbed last week", ["stab"]),
        ("his dad is abusive", ["abuse"]),
        ("an older boy touched me on the bus", ["touched me"]),
        ("my stepdad hits me at home", ["hit me at home"]),
        ("I'm scared to go home", ["scared to go home"]),
        ("they keep asking for nudes", ["nude images"]),
        ("a man online is grooming her", ["grooming"]),
    ],
)
def test_risk_words_are_found_however_they_are_written(text, found):
    assert risk_words_in([text]) == found


@pytest.mark.parametrize(
    "text",
    [
        "It has begun again at lunch",  # gun inside a word
        "they stabilised the table",  # stab inside a word
        "my cousin Abuserra",  # not a whole word
        "a pocketknife-shaped rubber",  # knife inside a word
        "they call me names and take my bag",
        "she cut me out of the group chat",
    ],
)
def test_ordinary_words_are_not_flagged(text):
    assert risk_words_in([text]) == []


def test_the_where_box_counts_too():
    assert risk_words_in(["They push me.", "behind the gun club"]) == ["gun"]


def test_every_word_of_the_list_fits_the_reports_field():
    every = [label for label, _ in RISK_WORDS]

    assert risk_words_in(every) == every
    assert as_field(every) == ", ".join(every)
    assert len(as_field(every)) <= RISK_WORDS_MAX


def test_words_past_the_fields_length_are_cut_at_a_word():
    kept = as_field([f"word{n:03d}" for n in range(60)])

    assert len(kept) <= RISK_WORDS_MAX
    assert kept.startswith("word000, word001")
    assert kept.endswith("…") and ", …" not in kept
