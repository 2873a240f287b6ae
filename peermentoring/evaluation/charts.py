"""The report's charts: SVG drawn on the server by matplotlib, served as images.

Readable without colour (black and white, hatching, every bar labelled with its number),
printable, and clean for the site's strict Content-Security-Policy: `clean_svg` removes
any <script>, <style>, event attribute and outside link, and turns matplotlib's `style`
attributes into plain presentation attributes (the CSP forbids style attributes).
Every chart has a text alternative: the table of the same numbers beside it on the page.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import ParamSpec

import matplotlib

matplotlib.use("Agg")  # no display on a server; set before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from peermentoring.evaluation.figures import Report  # noqa: E402

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

P = ParamSpec("P")
# Matplotlib is not thread-safe (its settings and font caches are shared): a threaded
# server drawing two charts of one page at once draws them one after the other.
_DRAWING = threading.Lock()


def _one_at_a_time(draw: Callable[P, bytes]) -> Callable[P, bytes]:
    @functools.wraps(draw)
    def locked(*args: P.args, **kwargs: P.kwargs) -> bytes:
        with _DRAWING:
            return draw(*args, **kwargs)

    return locked


INK = "#000000"
PAPER = "#ffffff"
HATCHES = ("", "///", "...", "xx", "\\\\", "++")

# Presentation attributes SVG accepts in place of a style declaration.
PRESENTATION = {
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "clip-path",
    "clip-rule",
    "visibility",
    "display",
}
_FONT = re.compile(
    r"^(?:(?P<style>italic|oblique)\s+)?(?:(?P<weight>bold|\d{3})\s+)?"
    r"(?P<size>[\d.]+px)\s+(?P<family>.+)$"
)


def _setup() -> None:
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: searchable, readable by a screen reader
            "svg.hashsalt": "peermentoring",  # the same figures draw the same file
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.edgecolor": INK,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "hatch.color": INK,
            "hatch.linewidth": 0.8,
            # Labels are the school's own words (questions, window names): "$5 a week"
            # is text, not TeX mathematics, which failed to parse and made the chart a 500.
            "text.parse_math": False,
        }
    )


def _style_to_attributes(element: ET.Element) -> None:
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        if name == "font":
            found = _FONT.match(value)
            if found:
                element.set("font-size", found["size"])
                element.set("font-family", found["family"].replace("'", "").replace('"', ""))
                if found["weight"]:
                    element.set("font-weight", found["weight"])
                if found["style"]:
                    element.set("font-style", found["style"])
        elif name in PRESENTATION and "url(" not in value.replace("url(#", ""):
            element.set(name, value)


def clean_svg(svg: bytes) -> bytes:
    """The SVG with nothing a strict CSP refuses and nothing that runs or loads."""
    root = ET.fromstring(svg)  # noqa: S314 - our own matplotlib output, never a user's
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag.rsplit("}", 1)[-1]
            if tag in ("script", "style", "foreignObject", "metadata"):
                parent.remove(child)
    for element in root.iter():
        for name in list(element.attrib):
            local = name.rsplit("}", 1)[-1]
            value = element.attrib[name]
            if local.lower().startswith("on") or local == "href" and not value.startswith("#"):
                del element.attrib[name]
        _style_to_attributes(element)
    cleaned: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return cleaned


def _svg(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="svg", bbox_inches="tight", facecolor=PAPER)
    plt.close(figure)
    return clean_svg(out.getvalue())


def _figure(width: float = 8.0, height: float = 3.6) -> tuple[Figure, plt.Axes]:
    _setup()
    figure = Figure(figsize=(width, height))
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _label_bars(axes: plt.Axes, bars: object, values: Sequence[float]) -> None:
    top = max(values, default=0) or 1
    for bar, value in zip(bars, values, strict=True):  # type: ignore[call-overload]
        if value:
            axes.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height() + top * 0.02,
                f"{value:g}",
                ha="center",
                va="bottom",
                fontsize=7,
                color=INK,
            )


def term_boundaries(report: Report, terms: Sequence[tuple[str, dt.date]]) -> list[tuple[int, str]]:
    """(bar index, words) for each term start and half-term inside the report's weeks."""
    weeks = [w["week"] for w in report.by_week]
    marks = []
    for words, day in terms:
        monday = day - dt.timedelta(days=day.weekday())
        index = next((i for i, w in enumerate(weeks) if w >= monday), None)
        if index is not None and report.span.first <= day <= report.span.last:
            marks.append((index, words))
    return marks


def _school_weeks_axis(
    axes: plt.Axes,
    report: Report,
    terms: Sequence[tuple[str, dt.date]],
    top: float,
    ylabel: str,
) -> None:
    """The weekly charts' shared frame, so the bar and line charts of one report read alike:
    a dashed line and its words where a term or half-term begins, headroom above the
    tallest week (`top`) for those words, and at most about twelve week labels."""
    weeks = report.by_week
    xs = list(range(len(weeks)))
    for index, words in term_boundaries(report, terms):
        axes.axvline(index - 0.5, color=INK, linestyle="--", linewidth=1)
        axes.text(index - 0.4, top * 1.12, words, fontsize=7, color=INK, va="top")
    axes.set_ylim(0, top * 1.18)
    step = max(1, len(weeks) // 12)
    axes.set_xticks(
        xs[::step],
        [f"{w['week']:%-d %b}" for w in weeks][::step],
        rotation=45,
        ha="right",
        fontsize=8,
    )
    axes.set_xlabel("Week beginning")
    axes.set_ylabel(ylabel)


@_one_at_a_time
def weeks_chart(report: Report, terms: Sequence[tuple[str, dt.date]] = ()) -> bytes:
    """Meetings per school week: solid bars logged one by one, hatched bars reported as a
    count, the total above each week; dashed lines where a term or half-term begins."""
    weeks = report.by_week
    figure, axes = _figure(max(6.0, min(14.0, 0.35 * len(weeks) + 2)))
    xs = list(range(len(weeks)))
    itemised = [w["itemised"] for w in weeks]
    bulk = [w["bulk"] for w in weeks]
    held = [w["held"] for w in weeks]
    axes.bar(xs, itemised, color=PAPER, edgecolor=INK, label="Logged one by one")
    axes.bar(
        xs,
        bulk,
        bottom=itemised,
        color=PAPER,
        edgecolor=INK,
        hatch="///",
        label="Reported as a count",
    )
    top = max(held, default=0) or 1
    for x, total in zip(xs, held, strict=True):
        if total:
            axes.text(x, total + top * 0.02, f"{total}", ha="center", va="bottom", fontsize=7)
    _school_weeks_axis(axes, report, terms, top, "Meetings")
    axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.3), ncol=2)
    return _svg(figure)


@_one_at_a_time
def windows_chart(report: Report) -> bytes:
    """Meetings by time of day: one bar a window kind, each its own hatching and number."""
    rows = report.by_window
    figure, axes = _figure(6.0, 3.2)
    ys = list(range(len(rows)))
    values = [r["held"] for r in rows]
    bars = axes.barh(ys, values, color=PAPER, edgecolor=INK)
    for bar, hatch in zip(bars, HATCHES, strict=False):
        bar.set_hatch(hatch)
    top = max(values, default=0) or 1
    for y, value in zip(ys, values, strict=True):
        axes.text(value + top * 0.01, y, f"{value}", va="center", fontsize=8, color=INK)
    axes.set_yticks(ys, [r["label"] for r in rows], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.15)
    axes.set_xlabel("Meetings")
    return _svg(figure)


@_one_at_a_time
def outcomes_chart(
    questions: Sequence[str], before: Sequence[float | None], after: Sequence[float | None]
) -> bytes:
    """Average answer (1–5) at the start and at the latest check-in, question by question:
    plain bars before, hatched bars after, each with its number. For the outcomes section."""
    figure, axes = _figure(max(6.0, 1.4 * len(questions) + 2), 3.6)
    xs = list(range(len(questions)))
    width = 0.38
    first = [b or 0 for b in before]
    latest = [a or 0 for a in after]
    bars_before = axes.bar(
        [x - width / 2 for x in xs], first, width, color=PAPER, edgecolor=INK, label="At the start"
    )
    bars_after = axes.bar(
        [x + width / 2 for x in xs],
        latest,
        width,
        color=PAPER,
        edgecolor=INK,
        hatch="///",
        label="Latest",
    )
    _label_bars(axes, bars_before, first)
    _label_bars(axes, bars_after, latest)
    axes.set_ylim(0, 5.6)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_xticks(xs, list(questions), fontsize=8, rotation=20, ha="right")
    axes.set_ylabel("Average answer (1 to 5)")
    axes.legend(frameon=False, fontsize=8)
    return _svg(figure)


@_one_at_a_time
def dropin_chart(report: Report, terms: Sequence[tuple[str, dt.date]] = ()) -> bytes:
    """Drop-in visitors per school week: a line with a round marker and its number at each
    week, dashed lines where a term or half-term begins."""
    weeks = report.by_week
    figure, axes = _figure(max(6.0, min(14.0, 0.35 * len(weeks) + 2)))
    xs = list(range(len(weeks)))
    visitors = [w["dropin"] for w in weeks]
    axes.plot(xs, visitors, color=INK, marker="o", markersize=4, linewidth=1.5)
    top = max(visitors, default=0) or 1
    for x, n in zip(xs, visitors, strict=True):
        if n:
            axes.text(x, n + top * 0.03, f"{n}", ha="center", va="bottom", fontsize=7)
    _school_weeks_axis(axes, report, terms, top, "Drop-in visitors")
    return _svg(figure)
