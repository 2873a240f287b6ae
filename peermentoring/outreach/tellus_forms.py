"""The "tell us" form a pupil fills in, the staff's triage form, and who receives reports."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from peermentoring.core.forms import BoundedModelMultipleChoiceField, bounded_text, model_choice
from peermentoring.core.models import User
from peermentoring.outreach.models import NOTES_MAX, REPORT_MAX, TellUsReport
from peermentoring.outreach.tellus_services import (
    ABOUT_NAME_MAX,
    CHOOSE_ABOUT,
    CHOOSE_CATEGORY,
    CHOOSE_DECISION,
    NOTHING_WRITTEN,
    UNKNOWN_ABOUT,
    WHERE_MAX,
    eligible_recipients,
)
from peermentoring.schools.models import School

NAMED = "named"
ANONYMOUS = "anonymous"
CHOOSE_NAME = "Choose whether to put your name on it."
WHERE_TOO_LONG = f"Please keep where it happens to at most {WHERE_MAX} characters."
NOT_STAFF_HERE = (
    "Choose people from the list: only this school's coordinators and safeguarding staff "
    "can receive reports."
)


def _is_key(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class TellUsForm(forms.Form):
    """What a pupil tells the school. `submission_key` is made afresh for each empty form: it
    is random, never the pupil's, and sending the same form twice makes one report."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    about = forms.ChoiceField(
        label="Who is it about?",
        choices=TellUsReport.About.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_ABOUT, "invalid_choice": CHOOSE_ABOUT},
    )
    category = forms.ChoiceField(
        label="What kind of bullying is it?",
        choices=TellUsReport.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_CATEGORY, "invalid_choice": CHOOSE_CATEGORY},
    )
    what_happened = bounded_text(
        REPORT_MAX,
        label="What happened?",
        rows=6,
        help_text="Say what happened, and who and when if you know.",
        error_messages={"required": NOTHING_WRITTEN},
    )
    where = forms.CharField(
        label="Where does it happen?",
        required=False,
        max_length=WHERE_MAX,
        help_text="For example: on the bus, in the canteen, or online.",
        error_messages={"max_length": WHERE_TOO_LONG},
    )
    sender = forms.ChoiceField(
        label="Put your name on it?",
        choices=[
            (NAMED, "Put my name on it"),
            (ANONYMOUS, "Don't put my name on it (anonymous)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_NAME, "invalid_choice": CHOOSE_NAME},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and not _is_key(self.data.get("submission_key")):
            # A browser that lost the hidden key: a new one, so the report can still be sent.
            self.data = {**dict(self.data.items()), "submission_key": str(uuid.uuid4())}
        self.fields["what_happened"].widget.attrs["spellcheck"] = "true"

    @property
    def is_anonymous(self) -> bool:
        return bool(self.cleaned_data.get("sender") == ANONYMOUS)


class TriageForm(forms.Form):
    """What happens next with one report, decided once."""

    decision = forms.ChoiceField(
        label="What happens next?",
        choices=[
            (TellUsReport.Status.NOTHING, "Nothing to do"),
            (TellUsReport.Status.PASTORAL, "Handled by the pastoral team"),
            (
                TellUsReport.Status.CONCERN,
                "Raise a safeguarding concern now: it goes to the safeguarding lead",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_DECISION, "invalid_choice": CHOOSE_DECISION},
    )
    about_name = forms.CharField(
        label="Who is it about? (for a safeguarding concern)",
        required=False,
        max_length=ABOUT_NAME_MAX,
        help_text=(
            f"Their name and form, if you know who the report is about. Left empty, the "
            f"concern says “{UNKNOWN_ABOUT}”, or names the pupil who sent it if it is about them."
        ),
        error_messages={
            "max_length": f"Please keep the name to at most {ABOUT_NAME_MAX} characters."
        },
    )
    note = bounded_text(
        NOTES_MAX,
        label="Note",
        required=False,
        help_text="What you did or decided, for the other staff who read reports.",
    )


class RecipientsForm(forms.Form):
    recipients = BoundedModelMultipleChoiceField(
        label="Who receives 'tell us' reports?",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Tick none to send reports to every coordinator, safeguarding lead and deputy. "
            "Flagged reports always go to the safeguarding lead and deputies as well."
        ),
        error_messages={"invalid_choice": NOT_STAFF_HERE, "invalid_pk_value": NOT_STAFF_HERE},
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = eligible_recipients(school)
        roles = {m.user_id: m.get_role_display() for m in members}
        field = model_choice(self, "recipients")
        field.queryset = User.objects.filter(pk__in=list(roles)).order_by(
            "last_name", "first_name", "pk"
        )
        field.label_from_instance = lambda user: (  # type: ignore[method-assign, assignment]
            f"{user.display_name} ({roles.get(user.pk, '')})"
        )
