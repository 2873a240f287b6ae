"""'Tell us' on home pages: a card on every pupil's home page, and for the staff who receive
reports a to-do item while any waits ("3 'tell us' reports to read (1 flagged)")."""

from __future__ import annotations

from typing import Any

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.outreach import tellus_services

CARD_TEMPLATE = "outreach/tellus_home_card.html"


def pupil_card(membership: Any) -> list[TodoItem]:
    """'Tell us': how to tell the school about bullying, named or not."""
    url = school_url(membership, "outreach:tell-us")
    return [TodoItem(label="Tell us", url=url, template=CARD_TEMPLATE)] if url else []


def reports_to_read(membership: Any) -> list[TodoItem]:
    """Reports no one has decided about, for the staff told of them (a safeguarding lead or
    deputy who is not named sees the item while a flagged one waits)."""
    school = membership.school
    total, flagged = tellus_services.waiting(school)
    if not total:
        return []
    told = tellus_services.recipients_of(school, flagged=bool(flagged))
    if membership.user_id not in {person.pk for person in told}:
        return []
    url = school_url(membership, "outreach:tellus-reports")
    label = f"{total} 'tell us' report{'' if total == 1 else 's'} to read"
    if flagged:
        label += f" ({flagged} flagged)"
    return [TodoItem(label=label, url=url, urgent=bool(flagged))]
