"""Who may reach each page of the trust area, and what a POST to it changes.

Empty on purpose: the trust area's one page, the schools side by side, lives under
/t/<trust>/evaluation/, not under /s/<school>/, so it is in no school's access table
(`schools/tests/test_access.py` checks only school pages and would refuse a row for a
page that is not one). Its rules, tested in `test_trust_view.py`: a trust lead of one
of the trust's schools is let in and sees only the schools they lead; anyone else
signed in (another trust's lead, a coordinator, a school admin, a mentor of one of its
schools) gets 404, as for no such trust; anonymous visitors are sent to sign in; it
answers GET only.
"""

from __future__ import annotations

from typing import Any

from tests.support.access import Access

ACCESS: dict[str, Access] = {}
FOREIGN_POSTS: dict[str, Any] = {}
