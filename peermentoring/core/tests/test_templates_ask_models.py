"""No template spells a stored role or status: it asks the model (one rule, one place)."""

from __future__ import annotations

import re
from pathlib import Path

import peermentoring

BARE_COMPARISON = re.compile(
    r"\b(role|status|kind|outcome|priority)\s*(==|!=)\s*[\"']|[\"']\s*(==|!=)\s*\w+\.(role|status)\b"
)


def test_no_template_compares_a_role_or_status_with_a_bare_string():
    root = Path(peermentoring.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()[:100]}"
        for path in sorted(root.rglob("templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_COMPARISON.search(line)
    ]
    assert found == []
