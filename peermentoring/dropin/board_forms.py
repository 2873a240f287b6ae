"""The notice board's forms: a mentor's photo, a screen's name."""

from __future__ import annotations

from django import forms

from peermentoring.dropin.board_services import LABEL_MAX
from peermentoring.dropin.photos import MAX_BYTES


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo",
        help_text=(
            f"A JPEG or PNG of {MAX_BYTES // 2**20} MB or less, head and shoulders. It is made "
            "smaller, turned the right way up and its location and camera details are removed."
        ),
        error_messages={"required": "Choose a photo to upload.", "empty": "That file is empty."},
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class ScreenLinkForm(forms.Form):
    label = forms.CharField(
        label="Where is the screen?",
        max_length=LABEL_MAX,
        help_text="For example 'Year 7 corridor'. A new link for a screen already listed stops "
        "its old link working.",
        error_messages={
            "required": "Say where the screen is, for example 'Year 7 corridor'.",
            "max_length": f"Keep the screen's name to {LABEL_MAX} characters.",
        },
    )
