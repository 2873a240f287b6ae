"""Pupils' "tell us" reports: sending one (named or anonymous), who receives them, triage,
and the counts the term report uses.

Anonymous means anonymous: `send_report` is given no sender for an anonymous report, so
neither its row nor its audit entry can name one (the model's check constraint holds the
row so too), and the staff's messages and e-mails say only that a report is waiting, for
every report, named or not.

Who reads reports: the school's coordinators, safeguarding lead and deputies (`READERS`):
never a pupil, a peer mentor, the school admin or the trust lead. Who is told of each new
report: the readers the school names (`TellUsRecipient`), or, while it names none (or none
of those named still holds a reader's role), every coordinator, safeguarding lead and
deputy. A flagged report (a risk word, `tellus_risk.py`) goes to the safeguarding lead and
deputies as well, whoever is named.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import Notification, User
from peermentoring.core.notifications import notify, queue_email
from peermentoring.core.roles import PUPIL_ROLES, SAFEGUARDING_ROLES, Role
from peermentoring.outreach.models import NOTES_MAX, REPORT_MAX, TellUsRecipient, TellUsReport
from peermentoring.outreach.tellus_risk import as_field, risk_words_in
from peermentoring.safeguarding.models import Concern
from peermentoring.safeguarding.services import raise_concern
from peermentoring.schools.models import Membership, School

# Who may read reports, and be named to receive them.
READERS = (Role.COORDINATOR, *SAFEGUARDING_ROLES)
WHERE_MAX: int = TellUsReport._meta.get_field("where").max_length or 200
ABOUT_NAME_MAX: int = Concern._meta.get_field("about_name").max_length or 120
# Who the safeguarding concern is about when the report does not say (and staff cannot).
UNKNOWN_ABOUT = "Unknown (from a 'tell us' report)"

NOTHING_WRITTEN = "Tell us what happened: a few words are enough."
TOO_LONG = "Please keep this to at most {limit:,} characters (it has {length:,})."
CHOOSE_ABOUT = "Say who it is about: you, or someone else."
CHOOSE_CATEGORY = "Choose what kind of bullying it is (or 'Something else')."
NOT_A_PUPIL = "Only pupils of this school can send a 'tell us' report."
CHOOSE_DECISION = "Choose what happens next: nothing to do, the pastoral team, or safeguarding."
ALREADY_DEALT_WITH = (
    "{who} dealt with this report at {time} on {day} ({decision}), so nothing was changed. "
    "Read what they decided below."
)
NOT_A_READER = "{name} cannot receive reports: only coordinators and safeguarding staff can."

NEW_TITLE = "A new 'tell us' report"
FLAGGED_TITLE = "A 'tell us' report needs your attention now"


@dataclass(frozen=True)
class Sent:
    report: TellUsReport
    is_new: bool  # False: the same form was sent again (a double tap), nothing new was made


class AlreadyTriaged(ValidationError):
    """Someone else decided about the report after the page making this decision was read."""

    def __init__(self, current: TellUsReport) -> None:
        who = "Someone"
        if current.triaged_by is not None:
            who = current.triaged_by.get_full_name() or current.triaged_by.display_name
        at = timezone.localtime(current.triaged_at or timezone.now())
        super().__init__(
            ALREADY_DEALT_WITH.format(
                who=who,
                time=f"{at:%H:%M}",
                day=f"{at:%A %-d %B}",
                decision=current.get_status_display().lower(),
            ),
            code="stale",
        )
        self.current = current


# --- Sending a report ----------------------------------------------------------------------


def _check_text(what_happened: str, where: str) -> None:
    errors: dict[str, str] = {}
    if not what_happened.strip():
        errors["what_happened"] = NOTHING_WRITTEN
    elif len(what_happened) > REPORT_MAX:
        errors["what_happened"] = TOO_LONG.format(limit=REPORT_MAX, length=len(what_happened))
    if len(where) > WHERE_MAX:
        errors["where"] = TOO_LONG.format(limit=WHERE_MAX, length=len(where))
    if errors:
        raise ValidationError(errors)


def already_sent(school: School, submission_key: uuid.UUID) -> TellUsReport | None:
    """The report this form made, if it was sent already."""
    found: TellUsReport | None = (
        TellUsReport.objects.for_school(school).filter(submission_key=submission_key).first()
    )
    return found


def send_report(
    *,
    school: School,
    sender: Membership | None,
    about: str,
    category: str,
    what_happened: str,
    where: str = "",
    submission_key: uuid.UUID,
) -> Sent:
    """Store a pupil's report and tell the staff who receive reports (in the app, and by an
    e-mail with no detail). `sender` None: anonymous, nothing kept says who sent it. The
    same `submission_key` sent twice makes one report."""
    if about not in TellUsReport.About.values:
        raise ValidationError({"about": CHOOSE_ABOUT})
    if category not in TellUsReport.Category.values:
        raise ValidationError({"category": CHOOSE_CATEGORY})
    if sender is not None and (sender.school_id != school.pk or sender.role not in PUPIL_ROLES):
        raise ValidationError(NOT_A_PUPIL)
    _check_text(what_happened, where)
    if (found := already_sent(school, submission_key)) is not None:
        return Sent(found, is_new=False)
    report = TellUsReport(
        school=school,
        is_anonymous=sender is None,
        reporter=sender.user if sender is not None else None,
        pupil=sender.pupil if sender is not None else None,
        about=about,
        category=category,
        what_happened=what_happened,
        where=where.strip(),
        risk_words=as_field(risk_words_in([what_happened, where])),
        submission_key=submission_key,
    )
    # Uniqueness is the database's to judge (below): two presses at once make one report.
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
            record(
                action="tell_us.report_sent",
                target=report,
                by=sender.user if sender is not None else None,
                school=school,
                changes={
                    "anonymous": report.is_anonymous,
                    "category": report.get_category_display(),
                    "flagged": report.is_flagged,
                },
            )
            _tell_recipients(report)
    except IntegrityError:
        # The same form sent twice at the same instant: the first one made it.
        made = already_sent(school, submission_key)
        if made is None:
            raise
        return Sent(made, is_new=False)
    return Sent(report, is_new=True)


def _tell_recipients(report: TellUsReport) -> None:
    """Each person told of the report gets a message in the app and an e-mail: that a report
    waits (needs attention now, if flagged), with the link, and nothing else."""
    school = report.school
    url = reverse("outreach:tellus-report", args=[school.slug, report.pk])
    link = f"{settings.SITE_URL}{url}"
    if report.is_flagged:
        title = FLAGGED_TITLE
        body = f"A report needs your attention now: sign in to read it. {link}"
        kind = Notification.Kind.SAFEGUARDING
    else:
        title = NEW_TITLE
        body = f"A pupil at {school.name} has sent a 'tell us' report. Sign in to read it: {link}"
        kind = Notification.Kind.GENERAL
    for person in recipients_of(school, flagged=report.is_flagged):
        notify(
            recipient=person, school=school, title=title, body=body, url=url, kind=kind, email=False
        )
        if person.email:
            queue_email(school=school, to_address=person.email, subject=title, body=body)


# --- Who receives reports ------------------------------------------------------------------


def _readers(school: School) -> list[Membership]:
    """The school's readers, each with `is_named` (one query)."""
    named = TellUsRecipient.objects.filter(school=school, user=OuterRef("user_id"))
    return list(
        Membership.objects.active()
        .filter(school=school, role__in=READERS)
        .select_related("user")
        .annotate(is_named=Exists(named))
        .order_by("role", "user__last_name", "user__first_name", "pk")
    )


def named_recipients(school: School) -> list[User]:
    """The staff the school names who still hold a reader's role here."""
    return [m.user for m in _readers(school) if m.is_named]  # type: ignore[attr-defined]


def recipients_of(school: School, *, flagged: bool = False) -> list[User]:
    """Who is told of a new report: the staff named, or, with none, every coordinator,
    safeguarding lead and deputy; a flagged report goes to the safeguarding staff too."""
    readers = _readers(school)
    named = [m for m in readers if m.is_named]  # type: ignore[attr-defined]
    people = [m.user for m in named or readers]
    if flagged:
        people += [m.user for m in readers if m.role in SAFEGUARDING_ROLES]
    unique: dict[int, User] = {}
    for person in people:
        unique.setdefault(person.pk, person)
    return list(unique.values())


def eligible_recipients(school: School) -> list[Membership]:
    """The members of staff who may be named: the school's coordinators and safeguarding staff."""
    return _readers(school)


@transaction.atomic
def set_recipients(*, school: School, users: Iterable[User], by: User) -> list[User]:
    """Name the staff who receive reports (none: the coordinators and safeguarding staff)."""
    readers = {m.user_id for m in _readers(school)}
    chosen = {u.pk: u for u in users}
    refused = [u for pk, u in chosen.items() if pk not in readers]
    if refused:
        raise ValidationError(
            {"recipients": [NOT_A_READER.format(name=u.display_name) for u in refused]}
        )
    current = set(TellUsRecipient.objects.for_school(school).values_list("user_id", flat=True))
    if current == set(chosen):
        return named_recipients(school)
    TellUsRecipient.objects.for_school(school).exclude(user_id__in=list(chosen)).delete()
    for pk in sorted(set(chosen) - current):
        TellUsRecipient.objects.create(school=school, user=chosen[pk])
    after = named_recipients(school)
    record(
        action="tell_us.recipients_changed",
        target=school,
        by=by,
        changes={"receive_reports": [u.display_name for u in after] or "not named"},
    )
    return after


def may_read(membership: Membership) -> bool:
    """Whether this member may read the school's reports."""
    return membership.role in READERS


# --- Triage --------------------------------------------------------------------------------

DECISIONS = (
    TellUsReport.Status.NOTHING,
    TellUsReport.Status.PASTORAL,
    TellUsReport.Status.CONCERN,
)


def _concern_text(report: TellUsReport) -> str:
    sent = timezone.localtime(report.created_at)
    how = "anonymously " if report.is_anonymous else ""
    context = f"Sent {how}through the 'tell us' form on {sent:%A %-d %B %Y at %H:%M}."
    if report.where:
        context += f" Where it happens: {report.where}"
    return f"{report.what_happened}\n\n({context})"


@transaction.atomic
def triage_report(
    *,
    report: TellUsReport,
    decision: str,
    by: User,
    role: str,
    note: str = "",
    about_name: str = "",
) -> TellUsReport:
    """Decide about a new report in one step: nothing to do, handled by the pastoral team, or
    a safeguarding concern raised at once (`raise_concern`, linked to the report). A report is
    decided once: a second member of staff deciding at the same time is told, and changes
    nothing."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": CHOOSE_DECISION})
    if len(note) > NOTES_MAX:
        raise ValidationError({"note": TOO_LONG.format(limit=NOTES_MAX, length=len(note))})
    if len(about_name) > ABOUT_NAME_MAX:
        raise ValidationError(
            {"about_name": TOO_LONG.format(limit=ABOUT_NAME_MAX, length=len(about_name))}
        )
    rows = TellUsReport.objects.filter(pk=report.pk, school=report.school)
    claimed = rows.filter(status=TellUsReport.Status.NEW).update(
        status=decision, triaged_at=timezone.now(), triaged_by=by, triage_note=note.strip()
    )
    if not claimed:
        current = rows.select_related("triaged_by").get()
        if current.triaged_by_id == by.pk and current.status == decision:
            return current  # the same decision sent twice: made once
        raise AlreadyTriaged(current)
    if decision == TellUsReport.Status.CONCERN:
        about_self = not report.is_anonymous and report.about == TellUsReport.About.ME
        concern = raise_concern(
            school=report.school,
            raised_by=by,
            role=role,
            pupil=report.pupil if about_self else None,
            about_name="" if about_self and report.pupil else about_name.strip() or UNKNOWN_ABOUT,
            what_happened=_concern_text(report),
            told_staff=Concern.ToldStaff.NO,
            urgency=Concern.Urgency.NOW if report.is_flagged else Concern.Urgency.TODAY,
            # The report's own key: the same report never makes two concerns.
            submission_key=uuid.uuid5(report.submission_key, "safeguarding-concern"),
        )
        rows.update(concern=concern)
    decided = rows.select_related("triaged_by", "concern").get()
    record(
        action="tell_us.report_triaged",
        target=decided,
        by=by,
        changes={"status": [TellUsReport.Status.NEW.label, decided.get_status_display()]},
    )
    return decided


# --- Counting -------------------------------------------------------------------------------


def _day_starts(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def reports_by_category(school: School, first: dt.date, last: dt.date) -> dict[str, int]:
    """Reports sent from `first` to `last` (both included, the school's days) by category:
    every `TellUsReport.Category` value in the model's order, nought where there were none."""
    counts = dict.fromkeys(TellUsReport.Category.values, 0)
    rows = TellUsReport.objects.for_school(school).filter(
        created_at__gte=_day_starts(first), created_at__lt=_day_starts(last + dt.timedelta(days=1))
    )
    for row in rows.values("category").annotate(n=Count("pk")).order_by():
        counts[row["category"]] = row["n"]
    return counts


def waiting(school: School) -> tuple[int, int]:
    """Reports no one has decided about yet, and how many of them are flagged."""
    found = (
        TellUsReport.objects.for_school(school)
        .filter(status=TellUsReport.Status.NEW)
        .aggregate(total=Count("pk"), flagged=Count("pk", filter=~Q(risk_words="")))
    )
    return found["total"], found["flagged"]
