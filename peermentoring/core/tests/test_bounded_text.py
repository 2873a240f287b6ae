"""A free-text box refuses too much text with both lengths written as people write them."""

from __future__ import annotations

from django import forms

from peermentoring.core.forms import bounded_text


class _Note(forms.Form):
    note = bounded_text(3000, label="Note")


def test_too_long_text_is_refused_with_both_lengths_grouped_by_thousands():
    form = _Note(data={"note": "x" * 2_000_000})

    assert not form.is_valid()
    assert form.errors["note"] == [
        "Please keep this to at most 3,000 characters (it has 2,000,000)."
    ]


def test_text_at_the_limit_is_kept_and_the_box_says_its_limit():
    form = _Note(data={"note": "x" * 3000})

    assert form.is_valid()
    assert 'maxlength="3000"' in str(form["note"])
