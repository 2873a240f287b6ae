"""The words that flag a "tell us" report for staff at once: the same list for every school.

Each entry is the word as staff read it (`label`) and the ways a pupil may write it:
matched whole words only ("gun" flags "a gun" and "guns", never "begun"), whatever the
capitals, with a hyphen, a space or nothing between the parts ("self-harm", "self harm",
"selfharm"), "my self" for "myself", and the usual endings ("cutting myself", "abused",
"knives"). A report with any of them is flagged: its recipients and the safeguarding leads
are told at once, and it comes first in the staff's list. The list errs towards flagging:
a report flagged that did not need it costs a member of staff a minute; one missed could
cost far more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from peermentoring.outreach.models import TellUsReport

# Between the parts of a phrase: spaces (line breaks too), hyphens, or nothing.
_GAP = r"[\s\-]*"
_SELF = rf"my{_GAP}self"

# (what staff read, the pattern a pupil may write it in). UK schools' safeguarding words:
# harm to self, weapons and violence, abuse and harm at home, sexual harm and exploitation.
RISK_WORDS: tuple[tuple[str, str], ...] = (
    ("self-harm", rf"self{_GAP}harm(?:s|ed|ing)?"),
    ("suicide", r"suicid(?:e|es|al)"),
    ("kill myself", rf"kill(?:s|ed|ing)?{_GAP}{_SELF}"),
    ("hurt myself", rf"hurt(?:s|ing)?{_GAP}{_SELF}"),
    ("cut myself", rf"cut(?:s|ting)?{_GAP}{_SELF}"),
    ("want to die", r"(?:want|wants|wanted|wanna)\s+(?:to\s+)?die"),
    ("end my life", r"end(?:s|ed|ing)?\s+(?:my\s+life|it\s+all)"),
    ("overdose", r"overdos(?:e|es|ed|ing)"),
    ("knife", r"knife|knives"),
    ("weapon", r"weapons?"),
    ("gun", r"guns?"),
    ("stab", r"stab(?:s|bed|bing)?"),
    ("abuse", r"abus(?:e|es|ed|ing|ive)"),
    ("touched me", r"touch(?:es|ed|ing)?\s+me"),
    (
        "hit me at home",
        r"(?:hit|hits|hitting|hurt|hurts|hurting|beat|beats|beating)\s+me\s+at\s+home",
    ),
    ("scared to go home", r"(?:scared|afraid|frightened)\s+(?:to\s+go|of\s+going)\s+home"),
    ("rape", r"rap(?:e|es|ed|ing)"),
    ("nude images", r"nudes?|naked\s+(?:photos?|pictures?|pics?)"),
    ("grooming", r"groom(?:ed|ing)"),
    ("county lines", r"county\s+lines?"),
)

_COMPILED = tuple(
    (label, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE))
    for label, pattern in RISK_WORDS
)
_FIELD = TellUsReport._meta.get_field("risk_words")
RISK_WORDS_MAX: int = _FIELD.max_length or 300


def risk_words_in(texts: Iterable[str]) -> list[str]:
    """The risk words (as staff read them, in the list's order) found in any of the texts."""
    joined = "\n".join(texts)
    return [label for label, pattern in _COMPILED if pattern.search(joined)]


def as_field(found: list[str]) -> str:
    """The words as the report keeps them: "self-harm, knife" (cut to the field's length)."""
    text = ", ".join(found)
    if len(text) <= RISK_WORDS_MAX:
        return text
    return text[: RISK_WORDS_MAX - 1].rsplit(", ", 1)[0] + "…"
