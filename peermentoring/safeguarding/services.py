"""Raising a concern, and the safeguarding lead's chronology. Any app may call
`raise_concern()`; everything here keeps the report's words away from anyone but the lead.

Nothing of a concern goes into the school's audit trail (the coordinator and the school
admin read that): reads and exports go into the safeguarding access log instead.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.models import Notification, User
from peermentoring.core.notifications import notify, queue_email
from peermentoring.core.roles import SAFEGUARDING_ROLES
from peermentoring.safeguarding.escalation import school_day_deadline
from peermentoring.safeguarding.models import (
    AccessLogEntry,
    ChronologyEntry,
    Concern,
    ConcernAlert,
    EscalationContact,
    SafeguardingSettings,
)
from peermentoring.schools.models import Membership, Pupil, School

ALERT_TITLE = "A safeguarding concern is waiting for you"
NOTHING_ABOUT = "Say who you are worried about."
OTHER_SCHOOL_PUPIL = "That pupil is not at this school."
REASON_NEEDED = "Write down the reasons for this decision."
AGENCY_NEEDED = "Say which agency you referred to."
CORRECTS_NEEDED = "Say which entry this corrects."
CLOSED_ALREADY = "This concern is closed: only a correction can be added."
IN_THE_FUTURE = "That time is in the future."


def leads_of(school: School) -> list[User]:
    """The people every concern goes to: the school's safeguarding leads."""
    return [
        m.user
        for m in Membership.objects.active()
        .filter(school=school, role__in=SAFEGUARDING_ROLES)
        .select_related("user")
        .order_by("pk")
    ]


def raise_concern(
    *,
    school: School,
    raised_by: User,
    role: str,
    what_happened: str,
    told_staff: str,
    urgency: str,
    pupil: Pupil | None = None,
    about_name: str = "",
    happened_when: str = "",
    child_words: str = "",
    others_present: str = "",
    submission_key: uuid.UUID | None = None,
) -> Concern:
    """Store the concern first, then alert the leads (in the app at once, and by an e-mail
    that holds no detail, through the task queue with its retries). Pressing "Send" twice
    (the same `submission_key`) makes one concern."""
    if pupil is not None and pupil.school_id != school.pk:
        raise ValidationError({"pupil": OTHER_SCHOOL_PUPIL})
    if pupil is None and not about_name.strip():
        raise ValidationError({"about_name": NOTHING_ABOUT})
    key = submission_key or uuid.uuid4()
    existing: Concern | None = Concern.objects.filter(
        raised_by=raised_by, submission_key=key
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            concern = Concern(
                school=school,
                pupil=pupil,
                about_name="" if pupil else about_name.strip(),
                raised_by=raised_by,
                raised_by_role=role,
                what_happened=what_happened,
                happened_when=happened_when,
                child_words=child_words,
                others_present=others_present,
                told_staff=told_staff,
                urgency=urgency,
                submission_key=key,
            )
            concern.full_clean()
            concern.save()
            ChronologyEntry.objects.create(
                concern=concern,
                kind=ChronologyEntry.Kind.RAISED,
                happened_at=concern.created_at,
                written_by=raised_by,
            )
            transaction.on_commit(lambda: _alert_leads(concern))
            transaction.on_commit(lambda: _schedule_escalation(concern))
    except IntegrityError:
        # The same form sent twice at the same instant: the first one made it.
        made: Concern = Concern.objects.get(raised_by=raised_by, submission_key=key)
        return made
    return concern


def settings_for(school: School) -> SafeguardingSettings:
    """The school's settings, or the defaults (30 school-day minutes) until it sets its own."""
    found: SafeguardingSettings | None = SafeguardingSettings.objects.filter(school=school).first()
    return found or SafeguardingSettings(school=school)


def escalation_deadline(concern: Concern) -> dt.datetime:
    conf = settings_for(concern.school)
    return school_day_deadline(
        concern.school, concern.created_at, conf.acknowledge_within_minutes, conf.day_ends_at
    )


def _schedule_escalation(concern: Concern) -> None:
    """Ask the task queue to look again at the deadline. The immediate backend (development,
    most tests) cannot wait, so nothing is scheduled there; `make demo` runs the database
    backend's worker."""
    from django_tasks import task_backends

    from peermentoring.safeguarding.tasks import escalate_concern

    if not task_backends[escalate_concern.backend].supports_defer:
        return
    escalate_concern.using(run_after=escalation_deadline(concern)).enqueue(concern.pk)


def escalation_recipients(school: School) -> list[User]:
    """Who is told when a concern waits too long: the leads again, and the first person of
    the school's escalation list who still has access."""
    people = leads_of(school)
    active = set(
        Membership.objects.active().filter(school=school).values_list("user_id", flat=True)
    )
    for contact in EscalationContact.objects.for_school(school).select_related("user"):
        if contact.user_id in active and contact.user not in people:
            people.append(contact.user)
            break
    return people


def escalate(concern_id: int) -> str:
    """At the deadline: if nobody has acknowledged the concern, say so in its chronology
    and tell the escalation list. Runs once however often the task is delivered."""
    with transaction.atomic():
        concern = Concern.objects.select_for_update().filter(pk=concern_id).first()
        if concern is None:
            return "no such concern"
        if concern.status != Concern.Status.NEW:
            return "acknowledged in time"
        if concern.escalated_at is not None:
            return "escalated already"
        people = escalation_recipients(concern.school)
        now = timezone.now()
        minutes = settings_for(concern.school).acknowledge_within_minutes
        ChronologyEntry.objects.create(
            concern=concern,
            kind=ChronologyEntry.Kind.ESCALATED,
            text=(
                f"Not acknowledged within {minutes} minutes of the school day. Told: "
                + (", ".join(p.display_name for p in people) or "nobody has access")
                + "."
            ),
            happened_at=now,
            written_by=None,
        )
        concern.escalated_at = now
        concern.save(update_fields=["escalated_at"])
        for person in people:
            alert(concern=concern, recipient=person, escalation=True)
    return "escalated"


def _alert_leads(concern: Concern) -> None:
    for lead in leads_of(concern.school):
        alert(concern=concern, recipient=lead)


def alert(*, concern: Concern, recipient: User, escalation: bool = False) -> ConcernAlert:
    """Tell one person a concern waits: in the app at once, and by an e-mail with no detail
    (not the child's name, not what happened), sent by the task queue with its retries."""
    school = concern.school
    url = reverse("safeguarding:concern-detail", args=[school.slug, concern.pk])
    urgent = " It was marked urgent." if concern.is_urgent else ""
    late = " It has not been acknowledged yet." if escalation else ""
    body = (
        f"Someone has raised a safeguarding concern at {school.name}.{urgent}{late} "
        f"Sign in to read it: {settings.SITE_URL}{url}"
    )
    with transaction.atomic():
        notify(
            recipient=recipient,
            school=school,
            title=ALERT_TITLE,
            body=body,
            url=url,
            kind=Notification.Kind.SAFEGUARDING,
            email=False,
        )
        email = (
            queue_email(school=school, to_address=recipient.email, subject=ALERT_TITLE, body=body)
            if recipient.email
            else None
        )
        return ConcernAlert.objects.create(
            concern=concern, recipient=recipient, email=email, escalation=escalation
        )


@transaction.atomic
def acknowledge(*, concern: Concern, by: User) -> Concern:
    if concern.status != Concern.Status.NEW:
        return concern
    now = timezone.now()
    ChronologyEntry.objects.create(
        concern=concern, kind=ChronologyEntry.Kind.ACKNOWLEDGED, happened_at=now, written_by=by
    )
    concern.status = Concern.Status.ACKNOWLEDGED
    concern.acknowledged_at = now
    concern.save(update_fields=["status", "acknowledged_at"])
    return concern


@transaction.atomic
def add_entry(
    *,
    concern: Concern,
    by: User,
    kind: str,
    text: str = "",
    reason: str = "",
    agency: str = "",
    agency_reference: str = "",
    happened_at: dt.datetime | None = None,
    corrects: ChronologyEntry | None = None,
    shared_with_coordinator: bool = False,
) -> ChronologyEntry:
    """Add one step to the chronology; a correction points to the entry it corrects."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    now = timezone.now()
    happened_at = happened_at or now
    if happened_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"happened_at": IN_THE_FUTURE})
    if concern.status == Concern.Status.CLOSED and kind != ChronologyEntry.Kind.CORRECTION:
        raise ValidationError(CLOSED_ALREADY)
    if kind == ChronologyEntry.Kind.DECISION and not reason.strip():
        raise ValidationError({"reason": REASON_NEEDED})
    if kind == ChronologyEntry.Kind.REFERRAL and not agency:
        raise ValidationError({"agency": AGENCY_NEEDED})
    if kind == ChronologyEntry.Kind.CORRECTION and (
        corrects is None or corrects.concern_id != concern.pk
    ):
        raise ValidationError({"corrects": CORRECTS_NEEDED})
    if kind == ChronologyEntry.Kind.ACKNOWLEDGED:
        acknowledge(concern=concern, by=by)
        return concern.entries.filter(kind=kind).order_by("-pk").first()  # type: ignore[return-value]
    entry = ChronologyEntry(
        concern=concern,
        kind=kind,
        text=text,
        reason=reason,
        agency=agency if kind == ChronologyEntry.Kind.REFERRAL else "",
        agency_reference=agency_reference if kind == ChronologyEntry.Kind.REFERRAL else "",
        corrects=corrects if kind == ChronologyEntry.Kind.CORRECTION else None,
        shared_with_coordinator=shared_with_coordinator,
        happened_at=happened_at,
        written_by=by,
    )
    entry.full_clean()
    entry.save()
    fields = []
    if concern.status == Concern.Status.NEW:
        concern.status, concern.acknowledged_at = Concern.Status.ACKNOWLEDGED, now
        fields += ["status", "acknowledged_at"]
    if kind == ChronologyEntry.Kind.REFERRAL:
        concern.status = Concern.Status.REFERRED
        fields.append("status")
    if kind == ChronologyEntry.Kind.CLOSED:
        concern.status, concern.closed_at = Concern.Status.CLOSED, now
        fields += ["status", "closed_at"]
    if fields:
        concern.save(update_fields=sorted(set(fields)))
    return entry


def log_access(
    *, school: School, who: User, what: str, concern: Concern | None = None
) -> AccessLogEntry:
    return AccessLogEntry.objects.create(school=school, who=who, what=what, concern=concern)


def as_record(concern: Concern, entries: Any) -> dict[str, Any]:
    """A concern and its chronology as a structured record for another system."""

    def when(moment: dt.datetime | None) -> str | None:
        return timezone.localtime(moment).isoformat() if moment else None

    return {
        "school": concern.school.name,
        "concern": concern.pk,
        "about": {
            "name": concern.about,
            "upn": concern.pupil.upn if concern.pupil else "",
            "year_group": concern.pupil.year_group if concern.pupil else None,
            "form_group": concern.pupil.form_group if concern.pupil else "",
        },
        "raised_at": when(concern.created_at),
        "raised_by": concern.raised_by.display_name,
        "raised_by_role": concern.raised_by_role,
        "what_happened": concern.what_happened,
        "happened_when": concern.happened_when,
        "child_words": concern.child_words,
        "others_present": concern.others_present,
        "told_staff_in_person": concern.told_staff == Concern.ToldStaff.YES,
        "urgency": concern.get_urgency_display(),
        "status": concern.get_status_display(),
        "chronology": [
            {
                "entry": e.pk,
                "kind": e.get_kind_display(),
                "text": e.text,
                "reasons": e.reason,
                "agency": e.get_agency_display() if e.agency else "",
                "agency_reference": e.agency_reference,
                "corrects": e.corrects_id,
                "happened_at": when(e.happened_at),
                "recorded_at": when(e.recorded_at),
                "written_by": e.written_by.display_name,
            }
            for e in entries
        ],
    }


@transaction.atomic
def save_settings(
    *, school: School, minutes: int, day_ends_at: dt.time, contacts: list[User]
) -> SafeguardingSettings:
    conf = settings_for(school)
    conf.acknowledge_within_minutes = minutes
    conf.day_ends_at = day_ends_at
    conf.full_clean()
    conf.save()
    EscalationContact.objects.for_school(school).delete()
    EscalationContact.objects.bulk_create(
        EscalationContact(school=school, user=user, order=i) for i, user in enumerate(contacts)
    )
    return conf
