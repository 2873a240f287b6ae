"""The demo's safeguarding concerns: a handful in different states, raised by a mentor,
the coordinator and the office, so the safeguarding lead's pages are real."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.matching.models import Pairing
from peermentoring.safeguarding import services
from peermentoring.schools.models import Membership, Pupil, School


def _pupil(school: School, year_group: int, index: int) -> Pupil:
    return Pupil.objects.for_school(school).filter(year_group=year_group).order_by("pk")[index]


def load_safeguarding_demo(school: School) -> None:
    lead = Membership.objects.get(school=school, role=Role.SAFEGUARDING_LEAD).user
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    admin = Membership.objects.get(school=school, role=Role.SCHOOL_ADMIN).user
    mentor_member = (
        Membership.objects.filter(
            school=school, role=Role.MENTOR, user__username="chiamaka.hussain"
        )
        .select_related("user")
        .first()
    )
    pairing = (
        Pairing.objects.for_school(school)
        .active()
        .filter(mentor__pupil=mentor_member.pupil_id if mentor_member else 0)
        .select_related("mentee")
        .first()
    )
    now = timezone.now()

    # 1. New and urgent: a mentor about her own mentee, straight from "My mentee".
    if mentor_member and pairing:
        services.raise_concern(
            school=school,
            raised_by=mentor_member.user,
            role=Role.MENTOR,
            pupil=pairing.mentee,
            what_happened=(
                "At our lunch meeting he said some older boys take his lunch money on the way "
                "to school every day, and that they said they would hurt him if he told anyone."
            ),
            happened_when="He said it has been happening since half-term",
            child_words="\u201cPlease don\u2019t tell them I said. I don\u2019t want to come in any more.\u201d",
            others_present="Nobody, we were in the mentoring room",
            told_staff="no",
            urgency="now",
        )

    # 2. Acknowledged, with an action: the coordinator noticed something at a drop-in.
    second = services.raise_concern(
        school=school,
        raised_by=coordinator,
        role=Role.COORDINATOR,
        pupil=_pupil(school, 7, 12),
        what_happened="Came to the drop-in room hungry three days running and fell asleep at the table.",
        happened_when="Monday to Wednesday this week, at break",
        told_staff="yes",
        urgency="today",
    )
    services.acknowledge(concern=second, by=lead)
    services.add_entry(
        concern=second,
        by=lead,
        kind="action",
        text="Spoke to the form tutor; now on the breakfast club list. Phoned home: no answer.",
        happened_at=now - dt.timedelta(hours=2),
    )

    # 3. Referred to children's social care, with the decision and its reasons.
    third = services.raise_concern(
        school=school,
        raised_by=admin,
        role=Role.SCHOOL_ADMIN,
        pupil=_pupil(school, 8, 30),
        what_happened="Mum phoned the office upset: she said his stepdad had hit him at the weekend.",
        happened_when="Saturday",
        told_staff="yes",
        urgency="now",
    )
    services.add_entry(
        concern=third,
        by=lead,
        kind="decision",
        text="Refer to children's social care today.",
        reason="A disclosure of physical harm by an adult at home, confirmed by a parent.",
    )
    services.add_entry(
        concern=third,
        by=lead,
        kind="referral",
        agency="social_care",
        agency_reference="MASH-2026-04417",
        text="Referral made by phone to the front door; written referral sent.",
    )

    # 4. Closed, with its outcome.
    fourth = services.raise_concern(
        school=school,
        raised_by=coordinator,
        role=Role.COORDINATOR,
        pupil=_pupil(school, 7, 40),
        what_happened="Seemed withdrawn at mentoring and said a group chat was being unkind about them.",
        told_staff="no",
        urgency="soon",
    )
    services.add_entry(
        concern=fourth,
        by=lead,
        kind="outcome",
        text="Pastoral team met the pupils in the chat; parents informed; the messages stopped.",
    )
    services.add_entry(
        concern=fourth, by=lead, kind="closed", text="No further concern after two weeks."
    )

    # 5. New, not urgent: the office noticed something, typed name only. Nobody acknowledged
    # it in time, so it was escalated (what the task queue does at its deadline).
    fifth = services.raise_concern(
        school=school,
        raised_by=admin,
        role=Role.SCHOOL_ADMIN,
        about_name="A Year 9 girl at the bus stop (did not know her name)",
        what_happened="Saw her being pushed by two older pupils at the bus stop after school.",
        happened_when="Yesterday, about 3.30pm",
        told_staff="no",
        urgency="today",
    )
    services.escalate(fifth.pk)
