"""Charts for the PDF reports as HTML boxes, every text escaped.

A bar chart's row is a line of text giving its figures ("RWM EXS+: School 55.0%, LA 54.3%")
over one empty box a bar, the bar its left border (a vector rectangle in the PDF). So the
chart is real, tagged text (a screen reader reads the figures where an image would need a
description), and WeasyPrint lays out one line of text a row: several times faster than SVG,
whose every <text> is shaped and drawn one by one, or than a label on each bar. The spread
chart's stacked bar is one box painted with a hard-edged gradient, its shares in the text above.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

# Series colours, told apart by the key as well, each with at least 3:1 contrast on white.
COLOURS = ("#1d70b8", "#505a5f", "#00703c", "#d4351c")
SCALE_PT = 4.8  # a bar's length per percentage point: 100% is 480pt
# The spread chart's shades, by the standards the caller names for the key. Colour is never
# the only telling: each bar's shares are written above it.
SHADES = ("#003078", "#1d70b8", "#00703c", "#f47738", "#505a5f", "#b1b4b6", "#e5e6e7")


@dataclass(frozen=True)
class Row:
    label: str
    values: Sequence[float | None]  # one a series, in the order of the series' names; 0-100


def bars(series: Sequence[str], rows: Sequence[Row]) -> str:
    """Horizontal bars, a group a row and a bar a series, the row's figures above its bars."""
    colours = [COLOURS[i % len(COLOURS)] for i in range(len(series))]
    parts = ['<div class="bars">', _key(zip(colours, series, strict=True))]
    for row in rows:
        figures = ", ".join(
            f"{name} {'not available' if value is None else f'{value:.1f}%'}"
            for name, value in zip(series, row.values, strict=True)
        )
        parts.append(f'<div class="bar-row"><p>{escape(row.label)}: {escape(figures)}</p>')
        parts += [
            f'<div class="bar" style="border-left:{_length(value):.1f}pt solid {colour}"></div>'
            for colour, value in zip(colours, row.values, strict=True)
        ]
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def _length(value: float | None) -> float:
    return 0.0 if value is None else max(0.0, min(100.0, value)) * SCALE_PT


def _key(entries: Iterable[tuple[str, str]]) -> str:
    spans = "".join(
        f'<span style="border-left-color:{colour}">{escape(name)}</span>'
        for colour, name in entries
    )
    return f'<p class="key">{spans}</p>'


@dataclass(frozen=True)
class Spread:
    label: str
    counts: Sequence[tuple[str, int, int]]  # (result, pupils, shade), in the order to show


def spread(rows: Sequence[Spread], shades: Sequence[str]) -> str:
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
    return "".join(parts)


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
