"""Charts for the PDF reports as inline SVG (vector): plain strings, every text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Series colours with at least 3:1 contrast against white, told apart by the key as well.
COLOURS = ("#1d70b8", "#505a5f", "#00703c", "#d4351c")
LABEL_WIDTH = 190
BAR_HEIGHT = 9
GAP = 10
SCALE_WIDTH = 300


@dataclass(frozen=True)
class Row:
    label: str
    values: Sequence[float | None]  # one a series, in the order of the series' names; 0-100


def bars(title: str, series: Sequence[str], rows: Sequence[Row]) -> str:
    """Horizontal bars, one group of bars a row (school, LA, England), percentages 0-100."""
    group_height = BAR_HEIGHT * len(series) + GAP
    key_height = 18
    height = key_height + group_height * len(rows) + 20
    width = LABEL_WIDTH + SCALE_WIDTH + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{escape(title)}" '
        'font-family="Liberation Sans">',
        f"<title>{escape(title)}</title>",
    ]
    parts += _key(series)
    for number, row in enumerate(rows):
        top = key_height + number * group_height
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{top + BAR_HEIGHT * len(series) / 2 + 3:.1f}" '
            f'text-anchor="end" font-size="8">{escape(row.label)}</text>'
        )
        for index, value in enumerate(row.values):
            parts.append(_bar(top + index * BAR_HEIGHT, value, COLOURS[index % len(COLOURS)]))
    parts += _scale(key_height + group_height * len(rows))
    parts.append("</svg>")
    return "".join(parts)


def _key(series: Sequence[str]) -> list[str]:
    out = []
    for index, name in enumerate(series):
        x = LABEL_WIDTH + index * 100
        colour = COLOURS[index % len(COLOURS)]
        out.append(f'<rect x="{x}" y="2" width="10" height="8" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="9" font-size="8">{escape(name)}</text>')
    return out


def _bar(y: int, value: float | None, colour: str) -> str:
    if value is None:
        return (
            f'<text x="{LABEL_WIDTH + 2}" y="{y + BAR_HEIGHT - 2}" font-size="7">'
            "not available</text>"
        )
    length = max(0.0, min(100.0, value)) * SCALE_WIDTH / 100
    return (
        f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT - 1}" '
        f'fill="{colour}"/>'
        f'<text x="{LABEL_WIDTH + length + 3:.1f}" y="{y + BAR_HEIGHT - 2}" font-size="7">'
        f"{value:.1f}%</text>"
    )


def _scale(y: int) -> list[str]:
    out = [
        f'<line x1="{LABEL_WIDTH}" y1="{y}" x2="{LABEL_WIDTH + SCALE_WIDTH}" y2="{y}" '
        'stroke="#505a5f" stroke-width="0.5"/>'
    ]
    for tick in range(0, 101, 25):
        x = LABEL_WIDTH + tick * SCALE_WIDTH / 100
        out.append(
            f'<text x="{x:.1f}" y="{y + 10}" text-anchor="middle" font-size="7">{tick}%</text>'
        )
    return out
