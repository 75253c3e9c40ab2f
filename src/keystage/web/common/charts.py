"""Every chart the service draws, for the PDF reports and the LA's pages: made on the server
as HTML and SVG, every text in it escaped, in one palette.

Bars (a group a row, a bar a series) are text and boxes: a row's figures as a line of text over
its bars. So the figures are real text (a screen reader reads them, where an image would need a
description), and a long label wraps instead of being cut short. In a PDF a bar is an empty
box's left border (a vector rectangle): WeasyPrint lays out one line of text a row, several
times faster than SVG, whose every <text> it shapes and draws one by one. A web page's content
security policy allows no style attribute, so there a bar is an SVG rectangle instead, its
length a share of the page's width (a phone's as well as a desktop's).

The spread chart (the reports') is a stacked bar: one box painted with a hard-edged gradient,
its shares in the text above. The pages' running total (a line) and counts in bands (columns)
are SVG images with a title, described by the page's summary (`<name>-summary`), their figures
in a table beside them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Series colours, told apart by the key as well, each with at least 3:1 contrast on white.
COLOURS = ("#1d70b8", "#505a5f", "#00703c", "#d4351c")
# The spread chart's shades, by the standards the caller names for the key. Colour is never
# the only telling: each bar's shares are written above it.
SHADES = ("#003078", "#1d70b8", "#00703c", "#f47738", "#505a5f", "#b1b4b6", "#e5e6e7")
INK, GRID, TRACK, MARKER = "#0b0c0c", "#b1b4b6", "#f3f2f1", "#d4351c"
NOT_AVAILABLE = "not available"
SCALE_PT = 4.8  # a PDF bar's length per percentage point: 100% is 480pt
WEB_BAR, WEB_GAP = 16, 3  # a web bar's height and the space under it, in pixels


def _safe(markup: str) -> SafeString:
    # Safe: every caller's text went through escape() on its way into the markup.
    return mark_safe(markup)  # noqa: S308  # nosec B308 B703


# -- Bars --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    values: Sequence[float | None]  # one a series, in the order of the series' names; 0-100


def bars(series: Sequence[str], rows: Sequence[Row], *, web: bool = False) -> SafeString:
    """Horizontal bars, a group a row and a bar a series, the row's figures above its bars;
    for a web page (`web`) or a PDF report."""
    colours = [COLOURS[i % len(COLOURS)] for i in range(len(series))]
    parts = [f'<div class="{"keystage-bars" if web else "bars"}">',
             _key(zip(colours, series, strict=True), web)]  # fmt: skip
    for row in rows:
        figures = ", ".join(
            f"{name} {NOT_AVAILABLE if value is None else f'{value:.1f}%'}"
            for name, value in zip(series, row.values, strict=True)
        )
        text = f"{escape(row.label)}: {escape(figures)}"
        shown = list(zip(colours, row.values, strict=True))
        parts.append(_web_row(text, shown) if web else _pdf_row(text, shown))
    parts.append("</div>")
    return _safe("".join(parts))


def _pdf_row(text: str, bars: Sequence[tuple[str, float | None]]) -> str:
    boxes = "".join(
        f'<div class="bar" style="border-left:{_percent(value) * SCALE_PT:.1f}pt solid {colour}">'
        "</div>"
        for colour, value in bars
    )
    return f'<div class="bar-row"><p>{text}</p>{boxes}</div>'


def _web_row(text: str, bars: Sequence[tuple[str, float | None]]) -> str:
    """The row's text, then one SVG of its bars, each over a pale track showing 100% (none
    where there is no figure: an empty track would read as 0%)."""
    step = WEB_BAR + WEB_GAP
    rects = "".join(
        f'<rect y="{n * step}" width="100%" height="{WEB_BAR}" fill="{TRACK}"/>'
        f'<rect y="{n * step}" width="{_percent(value):.1f}%" height="{WEB_BAR}" '
        f'fill="{colour}"/>'
        for n, (colour, value) in enumerate(bars)
        if value is not None
    )
    return (
        f'<div class="govuk-!-margin-bottom-3"><p class="govuk-body-s govuk-!-margin-bottom-1">'
        f'{text}</p><svg width="100%" height="{len(bars) * step - WEB_GAP}" aria-hidden="true" '
        f'focusable="false">{rects}</svg></div>'
    )


def _percent(value: float | None) -> float:
    return 0.0 if value is None else max(0.0, min(100.0, value))


def _key(entries: Iterable[tuple[str, str]], web: bool = False) -> str:
    """The series' or shades' names, each after a swatch of its colour."""
    if web:
        swatch = ('<svg width="14" height="14" aria-hidden="true" focusable="false">'
                  '<rect width="14" height="14" fill="{}"/></svg> ')  # fmt: skip
        names = [f"{swatch.format(colour)}{escape(name)}" for colour, name in entries]
        return f'<p class="govuk-body-s">{" &nbsp; ".join(names)}</p>'
    spans = "".join(
        f'<span style="border-left-color:{colour}">{escape(name)}</span>'
        for colour, name in entries
    )
    return f'<p class="key">{spans}</p>'


# -- Spreads (the reports') --------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    label: str
    counts: Sequence[tuple[str, int, int]]  # (result, pupils, shade), in the order to show


def spread(rows: Sequence[Spread], shades: Sequence[str]) -> SafeString:
    """A stacked bar a row: each result's share of the row's pupils in its shade (an index
    into `shades`, the key's names). A bar is one box painted with a hard-edged gradient, a
    band a shade; the line above it gives each band's share as text."""
    used = sorted({shade for row in rows for _, pupils, shade in row.counts if pupils})
    parts = ['<div class="spreads">', _key((SHADES[shade], shades[shade]) for shade in used)]
    for row in rows:
        bands = _bands(row)
        shares = ", ".join(f"{shades[shade].lower()} {width:.0f}%" for shade, width in bands)
        parts.append(f'<p class="spread-label">{escape(row.label)}: {escape(shares)}</p>')
        parts.append(f'<div class="spread" style="background-image:{_gradient(bands)}"></div>')
    parts.append("</div>")
    return _safe("".join(parts))


def _bands(row: Spread) -> list[tuple[int, float]]:
    """(shade, percentage of the row's pupils), neighbouring results of one shade merged."""
    total = sum(n for _, n, _ in row.counts) or 1
    bands: list[tuple[int, float]] = []
    for _, pupils, shade in row.counts:
        if pupils and bands and bands[-1][0] == shade:
            bands[-1] = (shade, bands[-1][1] + 100 * pupils / total)
        elif pupils:
            bands.append((shade, 100 * pupils / total))
    return bands


def _gradient(bands: Sequence[tuple[int, float]]) -> str:
    stops, start = [], 0.0
    for shade, width in bands:
        end = start + width
        stops += [f"{SHADES[shade]} {start:.2f}%", f"{SHADES[shade]} {end:.2f}%"]
        start = end
    return f"linear-gradient(to right, {', '.join(stops)})" if stops else "none"


# -- SVG images (the pages') -------------------------------------------------------------------


def _svg(name: str, title: str, size: tuple[int, int], font_size: int, body: str) -> SafeString:
    """An image titled `title` and described by the page's `<name>-summary`, scaled to the
    page's width."""
    width, height = size
    return _safe(
        f'<svg role="img" aria-labelledby="{name}-title" aria-describedby="{name}-summary" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'focusable="false" font-family="arial, sans-serif" font-size="{font_size}">'
        f'<title id="{name}-title">{escape(title)}</title>{body}</svg>'
    )


def _text(x: float, y: float, text: str, extra: str = "", fill: str = INK) -> str:
    return f'<text x="{x}" y="{y}"{extra} fill="{fill}">{escape(text)}</text>'


def _rule(
    x: tuple[float, float], y: tuple[float, float], stroke: str, extra: str = ' stroke-width="1"'
) -> str:
    """A straight line from (x[0], y[0]) to (x[1], y[1])."""
    return f'<line x1="{x[0]}" x2="{x[1]}" y1="{y[0]}" y2="{y[1]}" stroke="{stroke}"{extra}/>'


def columns(bands: Sequence[tuple[str, int]], *, name: str, title: str) -> SafeString:
    """Upright bars on a base line, a band each (a histogram): its count above it, its label
    below; the tallest fills the chart's height."""
    width, left, right, top, bottom = 640, 40, 620, 24, 220
    slot = (right - left) / max(len(bands), 1)
    tallest = max([count for _, count in bands] + [1])
    parts = [_rule((left, right), (bottom, bottom), INK)]
    for n, (label, count) in enumerate(bands):
        height = round(count / tallest * (bottom - top), 1)
        x = round(left + n * slot + 3, 1)
        middle = round(x + (slot - 6) / 2, 1)
        parts.append(f'<rect x="{x}" y="{bottom - height}" width="{round(slot - 6, 1)}" '
                     f'height="{height}" fill="{COLOURS[0]}"/>')  # fmt: skip
        parts.append(_text(middle, bottom - height - 6, str(count), ' text-anchor="middle"'))
        parts.append(_text(middle, bottom + 20, label, ' text-anchor="middle" font-size="11"'))
    return _svg(name, title, (width, bottom + 40), 13, "".join(parts))


@dataclass(frozen=True)
class Line:
    """A running total as a line over x from 0 to `x_end` and y from 0 to `y_top`, with an
    upright dashed marker at an x (a deadline)."""

    points: Sequence[tuple[int, int]]
    x_end: int
    y_top: int
    x_ticks: Sequence[tuple[int, str]]  # under the axis: the first starts at its x, others end
    y_ticks: Sequence[int]
    marker: tuple[int, str]


def line(chart: Line, *, name: str, title: str) -> SafeString:
    width, height, left, right, top, bottom = 640, 270, 56, 620, 16, 240

    def x(at: int) -> float:
        return round(left + at / max(chart.x_end, 1) * (right - left), 1)

    def y(at: int) -> float:
        return round(bottom - at / max(chart.y_top, 1) * (bottom - top), 1)

    parts = []
    for tick in chart.y_ticks:
        parts.append(_rule((left, right), (y(tick), y(tick)), GRID))
        parts.append(_text(left - 8, y(tick), str(tick), ' dy="5" text-anchor="end"'))
    parts.append(_rule((left, left), (top, bottom), INK))
    for n, (at, label) in enumerate(chart.x_ticks):
        parts.append(_text(x(at), bottom + 22, label, f' text-anchor="{"end" if n else "start"}"'))
    at, label = chart.marker
    beyond_middle = x(at) > (left + right) / 2  # the label sits inside the chart
    parts.append(_rule((x(at), x(at)), (top, bottom), MARKER,
                       ' stroke-width="2" stroke-dasharray="6 4"'))  # fmt: skip
    parts.append(_text(x(at), top + 16, label, ' dx="-6" text-anchor="end"' if beyond_middle
                       else ' dx="6" text-anchor="start"', MARKER))  # fmt: skip
    points = " ".join(f"{x(a)},{y(b)}" for a, b in chart.points)
    parts.append(f'<polyline points="{points}" fill="none" stroke="{COLOURS[0]}" '
                 'stroke-width="3" stroke-linejoin="round"/>')  # fmt: skip
    return _svg(name, title, (width, height), 14, "".join(parts))
