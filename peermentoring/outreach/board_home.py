"""The bullying board on pupils' home pages: a link always there, like "I'm worried about
someone" (no query). Staff reach the board from the menu."""

from __future__ import annotations

from typing import Any

from peermentoring.core.registry import TodoItem, school_url


def board_link(membership: Any) -> list[TodoItem]:
    """ "The bullying board: where to get help" for every pupil."""
    return [
        TodoItem(
            label="The bullying board: where to get help",
            url=school_url(membership, "outreach:board"),
        )
    ]
