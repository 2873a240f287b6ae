"""Domain functions for referrals; each runs in one transaction with its audit entry.

One module a stage: `referrals` (refer, review, categories), `reconcile` (a Year 6
referral finds its pupil when they are imported), `links` (signed links for primaries).
Every public name is re-exported here.
"""

from __future__ import annotations

from peermentoring.referrals.services.links import (
    LINK_ALREADY_MADE,
    LINK_CHILDREN_RANGE,
    LINK_DAYS,
    LINK_DAYS_RANGE,
    LINK_EXPIRED,
    LINK_FULL,
    LINK_INVALID,
    LINK_MAX_DAYS,
    LINK_ROOM,
    LINK_SALT,
    NO_CHILDREN,
    create_referral_link,
    link_rate_key,
    link_token,
    open_referral_link,
    refer_from_primary,
    revoke_referral_link,
)
from peermentoring.referrals.services.reconcile import (
    reconcile_referrals,
)
from peermentoring.referrals.services.referrals import (
    ALREADY_QUEUED,
    ALREADY_REVIEWED,
    BIRTHDAY_OUT_OF_RANGE,
    DECLINE_NEEDS_REASON,
    DEFAULT_CATEGORIES,
    MORE_INFO_NEEDS_NOTE,
    MORE_INFO_SUBJECT,
    ChildDetails,
    MoreInformationAsked,
    accept_referral,
    ask_for_more_information,
    categories_for,
    check_year_7_birthday,
    decline_referral,
    refer_child_met_on_visit,
    refer_pupil,
    save_category,
    september_starting_year_7,
    update_referral,
)

__all__ = [
    "ALREADY_QUEUED",
    "ALREADY_REVIEWED",
    "BIRTHDAY_OUT_OF_RANGE",
    "ChildDetails",
    "DECLINE_NEEDS_REASON",
    "DEFAULT_CATEGORIES",
    "LINK_ALREADY_MADE",
    "LINK_CHILDREN_RANGE",
    "LINK_DAYS",
    "LINK_DAYS_RANGE",
    "LINK_EXPIRED",
    "LINK_FULL",
    "LINK_INVALID",
    "LINK_MAX_DAYS",
    "LINK_ROOM",
    "LINK_SALT",
    "MORE_INFO_NEEDS_NOTE",
    "MORE_INFO_SUBJECT",
    "MoreInformationAsked",
    "NO_CHILDREN",
    "accept_referral",
    "ask_for_more_information",
    "categories_for",
    "check_year_7_birthday",
    "create_referral_link",
    "decline_referral",
    "link_rate_key",
    "link_token",
    "open_referral_link",
    "reconcile_referrals",
    "refer_from_primary",
    "refer_child_met_on_visit",
    "refer_pupil",
    "revoke_referral_link",
    "save_category",
    "september_starting_year_7",
    "update_referral",
]
