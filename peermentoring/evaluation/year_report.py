"""The frozen annual report read back: its stored figures as rows of (section, figure, value).

The figures are kept as `evaluation.figures` gave them when the year was closed (plain
JSON); this walks whatever shape they have, so a report frozen by an older version of
the figures still reads, and the page and its CSV show the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 6


@dataclass(frozen=True)
class FigureRow:
    section: str
    figure: str
    value: str


def words(key: str) -> str:
    """ "meetings_held" → "Meetings held"."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _item_name(item: dict[str, Any], index: int) -> str:
    """What names a row of a breakdown: its label, else its first words, else its place."""
    for key in ("label", "name", "title"):
        if isinstance(item.get(key), str):
            return str(item[key])
    words_ = next((v for v in item.values() if isinstance(v, str)), None)
    return words_ if words_ is not None else str(index + 1)


def _walk(value: Any, path: list[str], depth: int = 0) -> Iterator[tuple[list[str], str]]:
    if isinstance(value, dict) and depth < MAX_DEPTH:
        for key, inner in value.items():
            yield from _walk(inner, [*path, words(key)], depth + 1)
    elif isinstance(value, list) and depth < MAX_DEPTH:
        if all(not isinstance(v, dict | list) for v in value):
            yield path, ", ".join(_value(v) for v in value) or "none"
            return
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                yield from _walk(item, [*path, str(index + 1)], depth + 1)
                continue
            # A row of a breakdown ({"reason": "completed", "label": "…", "count": 17}): its
            # words name it; its figures are the rest, one row when there is one.
            name = _item_name(item, index)
            figures = {
                k: v for k, v in item.items() if not isinstance(v, str) and not k.endswith("_id")
            }
            if len(figures) == 1:
                yield from _walk(next(iter(figures.values())), [*path, name], depth + 1)
            else:
                yield from _walk(figures, [*path, name], depth + 1)
    else:
        yield path, _value(value)


def figure_rows(figures: dict[str, Any]) -> list[FigureRow]:
    """Every stored figure as a row: its section (the top-level key), its name, its value."""
    rows = []
    for path, value in _walk(figures, []):
        if not path:
            continue
        section = path[0] if len(path) > 1 else "Headline"
        figure = " › ".join(path[1:]) if len(path) > 1 else path[0]
        rows.append(FigureRow(section, figure, value))
    return rows


def sections(rows: list[FigureRow]) -> list[tuple[str, list[FigureRow]]]:
    """The rows grouped by section, in their order."""
    grouped: dict[str, list[FigureRow]] = {}
    for row in rows:
        grouped.setdefault(row.section, []).append(row)
    return list(grouped.items())
