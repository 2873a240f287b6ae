"""Domain functions for matching; each runs in one transaction with its audit entry.

One module a stage: `matching_settings`, `runs`, `pairings` (referrals are in
`peermentoring.referrals.services`).
Every public name is re-exported here, so `services.refer_pupil` and
`from peermentoring.matching.services import ...` keep working.
"""

from __future__ import annotations

from peermentoring.matching.services.matching_settings import (
    CAPACITY_BELOW_MENTEES,
    DO_NOT_PAIR_EXISTS,
    SETTINGS_FIELDS,
    add_do_not_pair,
    remove_do_not_pair,
    save_matching_settings,
    set_mentor_matching,
)
from peermentoring.matching.services.pairings import (
    PAIRING_ALREADY_ENDED,
    end_pairing,
)
from peermentoring.matching.services.runs import (
    ALREADY_CONFIRMED,
    LOCK_EXCLUDED,
    MENTEE_NO_CONSENT,
    MENTEE_NOT_QUEUED,
    MENTEE_NOTICE_BODY,
    MENTEE_NOTICE_TITLE,
    MENTEE_PAIRED_BODY,
    MENTEE_PAIRED_TITLE,
    MENTEE_TAKEN,
    MENTOR_FULL,
    NOTHING_TO_CONFIRM,
    PAIR_EXCLUDED,
    PAIR_NOT_IN_SCHOOL,
    PAIRING_STARTS_IN_FUTURE,
    PROPOSAL_OUT_OF_DATE,
    RUN_SUPERSEDED,
    adjust_run,
    confirm_run,
    run_matching,
)

__all__ = [
    "ALREADY_CONFIRMED",
    "CAPACITY_BELOW_MENTEES",
    "DO_NOT_PAIR_EXISTS",
    "LOCK_EXCLUDED",
    "MENTEE_NOTICE_BODY",
    "MENTEE_NOTICE_TITLE",
    "MENTEE_NOT_QUEUED",
    "MENTEE_PAIRED_BODY",
    "MENTEE_PAIRED_TITLE",
    "MENTEE_NO_CONSENT",
    "MENTEE_TAKEN",
    "MENTOR_FULL",
    "NOTHING_TO_CONFIRM",
    "PAIRING_ALREADY_ENDED",
    "PAIRING_STARTS_IN_FUTURE",
    "PAIR_EXCLUDED",
    "PAIR_NOT_IN_SCHOOL",
    "PROPOSAL_OUT_OF_DATE",
    "RUN_SUPERSEDED",
    "SETTINGS_FIELDS",
    "add_do_not_pair",
    "adjust_run",
    "confirm_run",
    "end_pairing",
    "remove_do_not_pair",
    "run_matching",
    "save_matching_settings",
    "set_mentor_matching",
]
