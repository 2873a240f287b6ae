"""This term's "tell us" reports at Oakbrook, through the outreach services.

Called after the rest of the demo is loaded. The coordinator names herself and the
safeguarding lead to receive reports. Pupils have sent five this term, anonymous and named:
one the coordinator found nothing to do about, one handled by the pastoral team, one the
safeguarding lead passed on as a concern this morning (through `raise_concern`), one named report still
waiting, and one anonymous report sent this morning that mentions a knife: flagged, waiting,
first in the staff's list and on their home pages.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.outreach import tellus_services
from peermentoring.outreach.models import TellUsReport
from peermentoring.safeguarding.services import acknowledge
from peermentoring.schools.models import Membership, School, Term


@dataclass(frozen=True)
class Sent:
    school_days_ago: int
    at: dt.time
    named: bool
    about: str
    category: str
    what_happened: str
    where: str
    decision: str = ""  # "" waits for staff
    decided_by: str = ""  # the role that decided
    note: str = ""


REPORTS = [
    Sent(
        school_days_ago=14,
        at=dt.time(12, 55),
        named=False,
        about="someone_else",
        category="name_calling",
        what_happened=(
            "Some Year 8s shout things at a girl in my form when she walks past the benches "
            "at lunch. She laughs but I don't think she likes it."
        ),
        where="The benches by the canteen",
        decision="nothing",
        decided_by=Role.COORDINATOR,
        note="Asked the lunch supervisors to keep an eye on the benches: they saw nothing all week.",
    ),
    Sent(
        school_days_ago=9,
        at=dt.time(16, 20),
        named=True,
        about="me",
        category="online",
        what_happened=(
            "Someone made a group chat about me and keeps adding people from my year. They post "
            "pictures of me from PE and write mean things under them."
        ),
        where="Online (a group chat)",
        decision="pastoral",
        decided_by=Role.COORDINATOR,
        note="Head of Year 7 spoke to the pupil and to the two who made the chat; parents told.",
    ),
    Sent(
        school_days_ago=1,
        at=dt.time(10, 40),
        named=False,
        about="someone_else",
        category="physical",
        what_happened=(
            "A boy in Year 7 gets pushed into the lockers every morning by older boys. Yesterday "
            "his nose was bleeding and he said he doesn't want to come to school any more."
        ),
        where="The corridor by the sports hall, before registration",
        decision="concern",
        decided_by=Role.SAFEGUARDING_LEAD,
        note="Raised as a concern: checking which Year 7 boy with the heads of year.",
    ),
    Sent(
        school_days_ago=2,
        at=dt.time(13, 10),
        named=True,
        about="me",
        category="left_out",
        what_happened=(
            "My old friends won't let me sit with them any more and tell everyone not to talk "
            "to me. It's been like this since half-term."
        ),
        where="Lunch and form time",
    ),
    Sent(
        school_days_ago=0,
        at=dt.time(8, 35),
        named=False,
        about="someone_else",
        category="physical",
        what_happened=(
            "A Year 10 boy has been saying he'll bring a knife in for a boy in my year who "
            "owes him money. Lots of people heard him say it on the bus."
        ),
        where="The 47 bus in the morning",
    ),
]


def _school_day(last: dt.date, back: int, first: dt.date) -> dt.date:
    """`back` weekdays before `last` (itself for 0), never before the term began."""
    day = last
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    for _ in range(back):
        day -= dt.timedelta(days=1)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
    return max(day, first)


def load_tellus_demo(school: School) -> list[TellUsReport]:
    """Name who receives reports, and send and triage this term's reports."""
    members = Membership.objects.filter(school=school).select_related("user", "pupil")
    coordinator = members.get(role=Role.COORDINATOR).user
    lead = members.get(role=Role.SAFEGUARDING_LEAD).user
    deciders: dict[str, User] = {Role.COORDINATOR: coordinator, Role.SAFEGUARDING_LEAD: lead}
    senders = list(members.filter(role=Role.MENTEE).order_by("pk"))
    tellus_services.set_recipients(school=school, users=[coordinator, lead], by=coordinator)

    now = timezone.localtime()
    today = now.date()
    # This term, or in a holiday the term just ended.
    term = (
        Term.objects.for_school(school).filter(starts_on__lte=today).order_by("-starts_on").first()
    )
    first, last = (term.starts_on, min(term.ends_on, today)) if term else (today, today)
    made = []
    for n, sent in enumerate(REPORTS):
        sender = senders[n % len(senders)] if sent.named and senders else None
        report = tellus_services.send_report(
            school=school,
            sender=sender,
            about=sent.about,
            category=sent.category,
            what_happened=sent.what_happened,
            where=sent.where,
            submission_key=uuid.uuid4(),
        ).report
        day = _school_day(last, sent.school_days_ago, first)
        at = timezone.make_aware(dt.datetime.combine(day, sent.at))
        # This morning's report: sent before now, whatever the time the demo is loaded.
        at = min(at, now - dt.timedelta(minutes=20))
        TellUsReport.objects.filter(pk=report.pk).update(created_at=at)
        report.created_at = at
        if sent.decision:
            by = deciders[sent.decided_by]
            report = tellus_services.triage_report(
                report=report, decision=sent.decision, by=by, role=sent.decided_by, note=sent.note
            )
            if report.concern is not None:
                # Safeguarding records are never changed afterwards, their times included:
                # the concern was raised as the demo was loaded, and the lead has read it.
                acknowledge(concern=report.concern, by=by)
            else:
                decided = min(at + dt.timedelta(hours=2), now - dt.timedelta(minutes=10))
                TellUsReport.objects.filter(pk=report.pk).update(triaged_at=decided)
        made.append(report)
    return made
