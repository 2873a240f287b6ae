"""The default training programme every new school starts with (editable per school)."""

DEFAULT_MODULES: list[tuple[str, str, bool]] = [
    (
        "What is mentoring",
        "The many kinds of mentoring in everyday life, and the people who support and guide us.",
        False,
    ),
    (
        "Differences, values and attitudes",
        "Everyone is different: activities on being non-judgemental.",
        False,
    ),
    (
        "Communication",
        "Why effective communication matters: listening, questions, body language.",
        False,
    ),
    (
        "How can we help? What problems do young people face?",
        "The difficulties young people face, especially when moving to a new school.",
        False,
    ),
    (
        "Ground rules and safeguarding",
        "The most important module: keeping themselves and their peers safe, and who to tell. "
        "Nobody mentors without it.",
        True,
    ),
    (
        "Starting the peer relationship",
        "Ideas and tools for starting a supportive relationship.",
        False,
    ),
]
