"""What the trust area adds to menus, home pages and to-dos: nothing of a school's.

The trust view is reached from the trust dashboard (/t/<trust>/), which links to it;
a school's menu and home page stay the school's own.
"""

from __future__ import annotations


def register() -> None:
    return None
