"""The bullying board's item form: the fields an item has; the rules are the services'."""

from __future__ import annotations

from django import forms

from peermentoring.core.forms import bounded_text
from peermentoring.dropin.photos import MAX_BYTES
from peermentoring.outreach.board_services import TITLE_MAX, TITLE_NEEDED, ItemFields
from peermentoring.outreach.models import BoardItem


class BoardItemForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=BoardItem.Kind.choices,
        widget=forms.RadioSelect,
        initial=BoardItem.Kind.MESSAGE,
    )
    title = forms.CharField(
        max_length=TITLE_MAX,
        help_text=f"Short, to read across a corridor: up to {TITLE_MAX} characters.",
        error_messages={
            "required": TITLE_NEEDED,
            "max_length": f"Keep the title to {TITLE_MAX} characters.",
        },
    )
    body = bounded_text(
        600,
        label="Words",
        required=False,
        rows=4,
        help_text="For where to get help: who, where and when, e.g. 'Childline: 0800 1111, free, day or night'.",
    )
    picture = forms.FileField(
        label="Poster's picture",
        required=False,
        help_text=(
            f"For a poster: a JPEG or PNG of {MAX_BYTES // 2**20} MB or less. It is made smaller, "
            "turned the right way up and its location and camera details are removed. "
            "No photos of pupils."
        ),
        error_messages={"empty": "That file is empty. Choose the picture again."},
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    remove_picture = forms.BooleanField(label="Remove the picture", required=False)
    is_published = forms.BooleanField(
        label="On the board",
        required=False,
        help_text="Pupils, the printed board and the corridor screens show only items on the board.",
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def fields_for_item(self) -> ItemFields:
        data = self.cleaned_data
        return ItemFields(
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            is_published=data["is_published"],
        )
