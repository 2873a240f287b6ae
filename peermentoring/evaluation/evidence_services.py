"""Aims and policies: add one, publish a new version, a mentor's "read and understood".

Every change is one atomic function writing its audit entry. A policy's text is never
edited in place: a change publishes version n+1 and the old one stays readable. The same
form sent twice (a double click, a resend after a lost connection) publishes once
(`submission_key`), and a mentor ticking twice acknowledges once. A mentor who signed a
paper copy is recorded by the coordinator or school admin, once, for the current version;
a paper record made by mistake can be removed while its version is in force, and the audit
entry of the removal keeps what it said.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import AuditEntry, User
from peermentoring.evaluation.models import Policy, PolicyAcknowledgement, PolicyVersion
from peermentoring.evaluation.models.evidence import TEXT_MAX, TITLE_MAX
from peermentoring.schools.models import Membership, Pupil, School

TITLE_NEEDED = "Give the policy a title, for example 'Safeguarding policy'."
TITLE_TAKEN = "The school already has a policy called '{title}'. Choose another title."
TEXT_NEEDED = "Write or paste the text of the policy."
TEXT_TOO_LONG = f"Please keep the text to at most {TEXT_MAX:,} characters."
TEXT_UNCHANGED = "The text is the same as the current version: nothing to publish."
STALE_VERSION = (
    "Someone published version {number} while you were editing. Read it below, then make "
    "your change to it."
)
NOT_A_MENTOR = "Only a peer mentor acknowledges a policy."
NOT_CURRENT = "This version has been replaced by a newer one: read the newer one."
SIGNED_IN_FUTURE = "The day it was signed cannot be in the future."
SIGNED_BEFORE_PUBLISHED = (
    "Version {number} was published on {published}: the paper copy was signed on or after that day."
)
NOT_THIS_SCHOOLS_MENTOR = "Choose one of this year's peer mentors."
NOT_CURRENT_PAPER = (
    "Version {number} has been replaced by a newer one: only the version in force can be recorded."
)
NOT_CURRENT_REMOVE = (
    "Version {number} has been replaced by a newer one: its acknowledgements are kept as "
    "evidence and cannot be removed."
)
NOT_PAPER = "Only a signed paper copy recorded by staff can be removed."
PAPER_REMOVED = "evaluation.paper_acknowledgement_removed"


@dataclass(frozen=True)
class PolicyFields:
    title: str
    kind: str
    is_for_mentors: bool
    text: str


def _check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": TEXT_NEEDED})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": TEXT_TOO_LONG})
    return text


def _earlier(school: School, submission_key: uuid.UUID | None) -> PolicyVersion | None:
    if submission_key is None:
        return None
    return (
        PolicyVersion.objects.for_school(school)
        .filter(submission_key=submission_key)
        .select_related("policy")
        .first()
    )


def add_policy(
    *,
    school: School,
    fields: PolicyFields,
    submission_key: uuid.UUID | None = None,
    by: User | None,
) -> Policy:
    """Add the school's aims or a policy, publishing its first version."""
    earlier = _earlier(school, submission_key)
    if earlier is not None:
        return earlier.policy
    title = fields.title.strip()
    if not title:
        raise ValidationError({"title": TITLE_NEEDED})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"Keep the title to {TITLE_MAX} characters."})
    text = _check_text(fields.text)
    try:
        with transaction.atomic():
            policy = Policy.objects.create(
                school=school,
                title=title,
                kind=Policy.Kind(fields.kind),
                is_for_mentors=fields.is_for_mentors,
                created_by=by,
            )
            version = PolicyVersion.objects.create(
                school=school,
                policy=policy,
                number=1,
                text=text,
                published_by=by,
                submission_key=submission_key,
            )
            record(
                action="evaluation.policy_added",
                target=policy,
                by=by,
                school=school,
                changes={"kind": policy.kind, "version": version.number},
            )
    except IntegrityError:
        earlier = _earlier(school, submission_key)
        if earlier is not None:
            return earlier.policy
        raise ValidationError({"title": TITLE_TAKEN.format(title=title)}) from None
    return policy


class StaleVersion(ValidationError):
    """Someone else published a version after the one the form was based on."""

    def __init__(self, current: PolicyVersion) -> None:
        super().__init__(STALE_VERSION.format(number=current.number))
        self.current = current


def publish_version(
    *,
    policy: Policy,
    text: str,
    based_on: int,
    is_for_mentors: bool | None = None,
    submission_key: uuid.UUID | None = None,
    by: User | None,
) -> PolicyVersion:
    """Publish the policy's next version; the earlier one stays, no longer current.

    `based_on` is the version number the editor started from: if another was published
    meanwhile, StaleVersion says so rather than overwrite it.
    """
    school = policy.school
    earlier = _earlier(school, submission_key)
    if earlier is not None and earlier.policy_id == policy.pk:
        return earlier
    text = _check_text(text)
    try:
        with transaction.atomic():
            # Locks the policy, so two editors publish one after the other.
            locked = Policy.objects.select_for_update().get(pk=policy.pk)
            current = PolicyVersion.objects.filter(policy=locked, is_current=True).first()
            latest = (
                PolicyVersion.objects.filter(policy=locked).aggregate(n=Max("number"))["n"] or 0
            )
            if current is not None and current.number != based_on:
                raise StaleVersion(current)
            if current is not None and current.text == text:
                if is_for_mentors is not None and is_for_mentors != locked.is_for_mentors:
                    _set_for_mentors(locked, is_for_mentors, by)
                    return current
                raise ValidationError({"text": TEXT_UNCHANGED})
            PolicyVersion.objects.filter(policy=locked, is_current=True).update(is_current=False)
            version = PolicyVersion.objects.create(
                school=school,
                policy=locked,
                number=latest + 1,
                text=text,
                published_by=by,
                submission_key=submission_key,
            )
            if is_for_mentors is not None and is_for_mentors != locked.is_for_mentors:
                _set_for_mentors(locked, is_for_mentors, by)
            record(
                action="evaluation.policy_published",
                target=locked,
                by=by,
                school=school,
                changes={"version": version.number},
            )
    except IntegrityError:
        earlier = _earlier(school, submission_key)
        if earlier is not None and earlier.policy_id == policy.pk:
            return earlier
        raise
    return version


def _set_for_mentors(policy: Policy, is_for_mentors: bool, by: User | None) -> None:
    policy.is_for_mentors = is_for_mentors
    policy.save(update_fields=["is_for_mentors"])
    record(
        action="evaluation.policy_changed",
        target=policy,
        by=by,
        school=policy.school,
        changes={"is_for_mentors": is_for_mentors},
    )


def _lock_in_force(version: PolicyVersion, refusal: str) -> None:
    """Lock the version's policy, as `publish_version` does, and refuse with `refusal` if
    the version is no longer in force: one published at this moment is either still in
    force here or already replaced, whatever the caller loaded."""
    Policy.objects.select_for_update().get(pk=version.policy_id)
    if not PolicyVersion.objects.filter(pk=version.pk).current().exists():
        raise ValidationError(refusal)


def acknowledge(*, version: PolicyVersion, membership: Membership) -> PolicyAcknowledgement:
    """A mentor has read the current version: "I have read and understood this" (once)."""
    if not membership.is_mentor or membership.pupil_id is None:
        raise ValidationError(NOT_A_MENTOR)
    if membership.school_id != version.school_id:
        raise ValidationError(NOT_A_MENTOR)
    if not version.is_current:
        raise ValidationError(NOT_CURRENT)
    found = PolicyAcknowledgement.objects.filter(version=version, pupil_id=membership.pupil_id)
    existing = found.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            _lock_in_force(version, NOT_CURRENT)
            acknowledgement = PolicyAcknowledgement.objects.create(
                school_id=version.school_id,
                version=version,
                pupil_id=membership.pupil_id,
                by=membership.user,
            )
            record(
                action="evaluation.policy_acknowledged",
                target=version.policy,
                by=membership.user,
                school=membership.school,
                changes={"version": version.number},
            )
    except IntegrityError:
        # The same tick sent twice at once: the other request saved it.
        return found.get()
    return acknowledgement


class AlreadyAcknowledged(ValidationError):
    """The mentor has already acknowledged this version, on their account or on paper."""

    def __init__(self, acknowledgement: PolicyAcknowledgement) -> None:
        super().__init__("Already acknowledged", code="already_acknowledged")
        self.acknowledgement = acknowledgement


def _midday(day: dt.date) -> dt.datetime:
    """The moment a paper acknowledgement is dated: midday of the day signed, the school's
    time, so the day stays the same however the moment is read back; or now, if that is
    earlier (signed this morning), so no record is dated after it was made."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(12))), timezone.now())


def record_paper_acknowledgement(
    *, version: PolicyVersion, pupil: Pupil, signed_on: dt.date, by: User
) -> PolicyAcknowledgement:
    """Record that a mentor signed a paper copy of the current version on `signed_on`.

    The mentor must be the version's school's: the form offers only this year's mentors,
    and this checks again so no other caller can cross schools. A mentor who has already
    acknowledged the version (a double click, a colleague meanwhile) raises
    AlreadyAcknowledged and nothing is written.
    """
    if pupil.school_id != version.school_id:
        raise ValidationError({"pupil": NOT_THIS_SCHOOLS_MENTOR})
    if not version.is_current:
        raise ValidationError(NOT_CURRENT_PAPER.format(number=version.number))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": SIGNED_IN_FUTURE})
    published_on = timezone.localdate(version.published_at)
    if signed_on < published_on:
        message = SIGNED_BEFORE_PUBLISHED.format(
            number=version.number, published=f"{published_on.day} {published_on:%B %Y}"
        )
        raise ValidationError({"signed_on": message})
    existing = PolicyAcknowledgement.objects.filter(version=version, pupil=pupil).first()
    if existing is not None:
        raise AlreadyAcknowledged(existing)
    try:
        with transaction.atomic():
            _lock_in_force(version, NOT_CURRENT_PAPER.format(number=version.number))
            acknowledgement = PolicyAcknowledgement.objects.create(
                school_id=version.school_id,
                version=version,
                pupil=pupil,
                by=by,
                at=_midday(signed_on),
                is_paper=True,
            )
            record(
                action="evaluation.policy_acknowledged_on_paper",
                target=version.policy,
                by=by,
                school=version.school,
                changes={
                    "version": version.number,
                    "pupil": pupil.pk,
                    "signed_on": signed_on.isoformat(),
                },
            )
    except IntegrityError:
        # The same form sent twice at once: the other request saved it.
        saved = PolicyAcknowledgement.objects.get(version=version, pupil=pupil)
        raise AlreadyAcknowledged(saved) from None
    return acknowledgement


class AlreadyRemoved(ValidationError):
    """The paper record was removed by an earlier request (a double click, a colleague)."""

    def __init__(self) -> None:
        super().__init__("Already removed", code="already_removed")


def remove_paper_acknowledgement(*, acknowledgement: PolicyAcknowledgement, by: User) -> None:
    """Delete a paper record made by mistake (the wrong mentor, the wrong day), writing what
    it said to the audit log; the mentor is then asked to read the version again.

    Only a paper record, and only of the version in force: a mentor's own tick is theirs to
    make, and the acknowledgements of a replaced version are the evidence of what was in
    force. The policy is locked as `publish_version` locks it, so a version published at
    the same moment is either in force here or already replaced. A second request for the
    same row (a double click) raises AlreadyRemoved and writes nothing.
    """
    with transaction.atomic():
        Policy.objects.select_for_update().get(pk=acknowledgement.version.policy_id)
        locked = (
            PolicyAcknowledgement.objects.select_for_update()
            .select_related("version__policy", "version__school")
            .filter(pk=acknowledgement.pk)
            .first()
        )
        if locked is None:
            raise AlreadyRemoved
        version = locked.version
        if not locked.is_paper:
            raise ValidationError(NOT_PAPER)
        if not version.is_current:
            raise ValidationError(NOT_CURRENT_REMOVE.format(number=version.number))
        signed_on = timezone.localdate(locked.at)
        record(
            action=PAPER_REMOVED,
            target=version.policy,
            by=by,
            school=version.school,
            changes={
                "version": version.number,
                "pupil": locked.pupil_id,
                "signed_on": signed_on.isoformat(),
                "acknowledgement": locked.pk,
            },
        )
        locked.delete()


def removed_paper_pupil(*, policy: Policy, acknowledgement_pk: int) -> Pupil | None:
    """The mentor whose paper record `acknowledgement_pk` of this policy was removed, if it
    was: what a second click of "Remove" says it was already done for. Read from the
    school's own audit log, so another school's id finds nothing."""
    entry = (
        AuditEntry.objects.for_school(policy.school_id)
        .filter(
            action=PAPER_REMOVED,
            target_type=Policy._meta.label,
            target_id=str(policy.pk),
            changes__acknowledgement=acknowledgement_pk,
        )
        .first()
    )
    if entry is None:
        return None
    return Pupil.objects.for_school(policy.school_id).filter(pk=entry.changes["pupil"]).first()


@transaction.atomic
def record_pack_download(
    *, school: School, first: object, last: object, include_names: bool, by: User | None
) -> None:
    """Note in the school's audit log who downloaded the evidence pack, for which days, and
    whether it names pupils (a named pack is pupil data leaving the product)."""
    record(
        action="evaluation.evidence_pack_downloaded",
        target=school,
        by=by,
        school=school,
        changes={"first": str(first), "last": str(last), "include_names": include_names},
    )
