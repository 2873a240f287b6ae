"""The coordinator's forms: a pairing's usual windows, "met N times" for a week, topics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from peermentoring.matching.models import Pairing
from peermentoring.meetings.models import Topic
from peermentoring.meetings.topics import NAME_MAX, TopicChange

NEW_TOPICS = 3


def count_field_name(pairing: Pairing) -> str:
    return f"count-{pairing.pk}"


class WeekCountsForm(forms.Form):
    """One number box per active pairing: "met N times" that week; blank changes nothing."""

    def __init__(self, *args: Any, pairings: Sequence[Pairing], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pairings = list(pairings)
        for pairing in self.pairings:
            self.fields[count_field_name(pairing)] = forms.IntegerField(
                label=f"{pairing.mentor} and {pairing.mentee.first_name}",
                required=False,
                min_value=0,
                max_value=15,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count-box"}),
                error_messages={
                    "invalid": "Give a number of meetings from 0 to 15.",
                    "min_value": "Give a number of meetings from 0 to 15.",
                    "max_value": "Give a number of meetings from 0 to 15.",
                },
            )

    def counts(self) -> list[tuple[Pairing, int]]:
        """The pairings given a number, with it (blank boxes left out)."""
        return [
            (pairing, self.cleaned_data[count_field_name(pairing)])
            for pairing in self.pairings
            if self.cleaned_data.get(count_field_name(pairing)) is not None
        ]


class TopicsForm(forms.Form):
    """Each of the school's topics (name, place, offered) and a few boxes to add more."""

    def __init__(self, *args: Any, topics: Sequence[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics = list(topics)
        self.rows = []
        for topic in self.topics:
            self.fields[f"name-{topic.pk}"] = forms.CharField(
                label="Name", max_length=NAME_MAX, initial=topic.name, required=False
            )
            self.fields[f"order-{topic.pk}"] = forms.IntegerField(
                label="Place in the list",
                min_value=0,
                max_value=999,
                initial=topic.order + 1,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count-box"}),
            )
            self.fields[f"on-{topic.pk}"] = forms.BooleanField(
                label="Offered", required=False, initial=topic.is_active
            )
            self.rows.append(
                (topic, self[f"name-{topic.pk}"], self[f"order-{topic.pk}"], self[f"on-{topic.pk}"])
            )
        self.new_fields = []
        for n in range(1, NEW_TOPICS + 1):
            self.fields[f"new-{n}"] = forms.CharField(
                label=f"New topic {n}", max_length=NAME_MAX, required=False
            )
            self.new_fields.append(self[f"new-{n}"])

    def changes(self) -> list[TopicChange]:
        data = self.cleaned_data
        return [
            TopicChange(
                topic_id=topic.pk,
                name=data[f"name-{topic.pk}"],
                order=data[f"order-{topic.pk}"],
                is_active=data[f"on-{topic.pk}"],
            )
            for topic in self.topics
        ]

    def new(self) -> list[str]:
        return [self.cleaned_data[f"new-{n}"] for n in range(1, NEW_TOPICS + 1)]
