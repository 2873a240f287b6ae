"""Forms for referrals: by staff, by a primary through a signed link, the review, links and categories."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from peermentoring.core.forms import BoundedModelMultipleChoiceField, model_choice
from peermentoring.referrals.models import (
    LINK_DEFAULT_CHILDREN,
    LINK_MAX_CHILDREN,
    Referral,
    ReferralCategory,
)
from peermentoring.referrals.services import (
    LINK_DAYS,
    LINK_MAX_DAYS,
    ChildDetails,
    check_year_7_birthday,
    september_starting_year_7,
)
from peermentoring.schools.forms import keep_switched_off_windows, offer_active_windows
from peermentoring.schools.models import FeederPrimary, School, SchoolDayWindow

LINK_FORM_STALE = "This form is out of date. Reload the page and make the link again."
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralDetailsForm(forms.Form):
    """Why and how urgently: the part of a referral every referrer fills in."""

    categories = BoundedModelMultipleChoiceField(
        label="Why",
        queryset=ReferralCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    needs = forms.CharField(
        label="Specific needs",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )
    priority = forms.ChoiceField(
        choices=Referral.Priority.choices, initial=Referral.Priority.ROUTINE
    )
    consent = forms.ChoiceField(
        label="Parental consent",
        choices=Referral.Consent.choices,
        initial=Referral.Consent.NOT_ASKED,
    )
    interests = forms.CharField(
        max_length=300, required=False, help_text="Separate with commas: football, drawing, chess."
    )
    languages = forms.CharField(label="Languages spoken at home", max_length=200, required=False)
    gender_preference = forms.ChoiceField(
        label="Mentor gender preference", choices=Referral.GenderPreference.choices, required=False
    )
    free_windows = BoundedModelMultipleChoiceField(
        label="Free to meet",
        queryset=SchoolDayWindow.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked means any break, lunch or registration.",
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "categories").queryset = ReferralCategory.objects.for_school(
            school
        ).filter(is_active=True)
        offer_active_windows(self, school)

    def clean_free_windows(self) -> list[SchoolDayWindow]:
        return keep_switched_off_windows(self)

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        return {
            "categories": list(referral.categories.all()),
            "needs": referral.needs,
            "priority": referral.priority,
            "consent": referral.consent,
            "interests": referral.interests,
            "languages": referral.languages,
            "gender_preference": referral.gender_preference,
            "free_windows": list(referral.free_windows.all()),
        }

    def child(self) -> ChildDetails:
        data = self.cleaned_data
        return ChildDetails(
            categories=list(data["categories"]),
            needs=data["needs"],
            priority=data["priority"],
            consent=data["consent"],
            interests=data["interests"],
            languages=data["languages"],
            gender_preference=data["gender_preference"],
        )


class StaffReferralForm(ReferralDetailsForm):
    """A referral made in school: by staff, at a parent's request or by the pupil themself."""

    source = forms.ChoiceField(
        label="Who asked",
        choices=[c for c in Referral.Source.choices if c[0] != Referral.Source.PRIMARY],
        initial=Referral.Source.STAFF,
    )
    field_order = ["source"]


class PrimaryChildForm(forms.Form):
    """One Year 6 child on the primary teacher's list."""

    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = forms.DateField(widget=DATE, required=False)
    categories = BoundedModelMultipleChoiceField(
        label="Why",
        queryset=ReferralCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    needs = forms.CharField(
        label="Anything we should know",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )
    priority = forms.ChoiceField(
        choices=Referral.Priority.choices, initial=Referral.Priority.ROUTINE
    )
    consent = forms.ChoiceField(
        label="Parental consent",
        choices=Referral.Consent.choices,
        initial=Referral.Consent.NOT_ASKED,
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "categories").queryset = ReferralCategory.objects.for_school(
            school
        ).filter(is_active=True)

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        check_year_7_birthday(born, september=september_starting_year_7())
        return born

    def child(self) -> ChildDetails:
        data = self.cleaned_data
        return ChildDetails(
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            categories=list(data["categories"]),
            needs=data["needs"],
            priority=data["priority"],
            consent=data["consent"],
        )


class BasePrimaryChildFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        self.school = school
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"school": self.school}

    def children(self) -> list[ChildDetails]:
        return [f.child() for f in self.forms if f.has_changed() and f.cleaned_data]


# formset_factory is typed to return a plain BaseFormSet; this one is ours, with `children()`.
PrimaryChildFormSet = cast(
    "type[BasePrimaryChildFormSet]",
    forms.formset_factory(
        PrimaryChildForm,
        formset=BasePrimaryChildFormSet,
        extra=3,
        max_num=30,
        absolute_max=30,
        validate_max=True,
        min_num=1,
        validate_min=True,
    ),
)


class ReferrerForm(forms.Form):
    referrer_name = forms.CharField(
        label="Your name and role",
        max_length=100,
        help_text="For example: Mrs Patel, Year 6 teacher.",
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("accept", "Accept into the matching queue"),
            ("more_info", "Ask for more information"),
            ("decline", "Decline"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Reason or what is needed",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )


class LinkForm(forms.Form):
    primary = forms.ModelChoiceField(label="Primary school", queryset=FeederPrimary.objects.none())
    days = forms.IntegerField(
        label="Days the link works", min_value=1, max_value=LINK_MAX_DAYS, initial=LINK_DAYS
    )
    max_children = forms.IntegerField(
        label="Children it can refer",
        min_value=1,
        max_value=LINK_MAX_CHILDREN,
        initial=LINK_DEFAULT_CHILDREN,
        required=False,
        help_text=(
            f"In all, over the link's life ({LINK_DEFAULT_CHILDREN} if left empty). "
            "It stops taking referrals once full."
        ),
    )
    # One-time value: the same form sent twice (a refresh) makes one link, not two.
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=32, required=False)

    def clean_max_children(self) -> int:
        return self.cleaned_data["max_children"] or LINK_DEFAULT_CHILDREN

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Without its one-time value a repost could make link after link.
        if not cleaned.get("nonce"):
            raise forms.ValidationError(LINK_FORM_STALE)
        return cleaned

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "primary").queryset = FeederPrimary.objects.for_school(school)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = ReferralCategory
        fields = ["name", "is_higher_need", "is_active", "order"]
