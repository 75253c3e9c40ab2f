"""Small numbers: hide them beyond the school (suppress), or mark them in its own report.

A group of `threshold` pupils or fewer (default 5) is shown as `c` beyond the school: its
numerator, denominator, percent and value are None and `suppressed` is True. Complementary
suppression: a breakdown's groups add up to "all", so when exactly one group of a breakdown
is hidden, the next smallest group of that breakdown is hidden too (otherwise the hidden one
is "all" less the others). Measures are treated one by one. A group of no pupils has nothing
to hide (its percent is already None): it is neither hidden nor used as the second cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from keystage.measures.groups import dimension_of
from keystage.measures.model import Measure

DEFAULT_THRESHOLD = 5


def is_small(measure: Measure, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return measure.denominator is not None and measure.denominator <= threshold


def mark_small(measures: Iterable[Measure], threshold: int = DEFAULT_THRESHOLD) -> list[Measure]:
    """A school's own report: every figure kept, small groups marked `small=True`."""
    return [
        m if m.denominator is None else replace(m, small=is_small(m, threshold)) for m in measures
    ]


def suppress(measures: Iterable[Measure], threshold: int = DEFAULT_THRESHOLD) -> list[Measure]:
    """For anything shown beyond the school: small groups hidden, with complementary cells."""
    items = mark_small(measures, threshold)
    by_measure: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        by_measure.setdefault(item.measure, []).append(index)
    hidden: set[int] = set()
    for indexes in by_measure.values():
        hidden |= _to_hide([items[i] for i in indexes], indexes, threshold)
    return [_hide(m) if n in hidden else m for n, m in enumerate(items)]


def _to_hide(rows: list[Measure], indexes: list[int], threshold: int) -> set[int]:
    """Indexes to hide among one measure's groups."""
    primary = {
        index
        for index, row in zip(indexes, rows, strict=True)
        if row.suppressed or (row.denominator != 0 and is_small(row, threshold))
    }
    hidden = set(primary)
    dimensions: dict[str, list[tuple[int, Measure]]] = {}
    for index, row in zip(indexes, rows, strict=True):
        dim = dimension_of(row.group)
        if dim is not None:
            dimensions.setdefault(dim, []).append((index, row))
    for cells in dimensions.values():
        if sum(1 for index, _ in cells if index in primary) != 1:
            continue
        open_cells = [(row.denominator or 0, n, index) for n, (index, row) in enumerate(cells)]
        candidates = [c for c in open_cells if c[2] not in primary and c[0] > 0]
        if candidates:
            hidden.add(min(candidates)[2])
    return hidden


def _hide(measure: Measure) -> Measure:
    return replace(
        measure, numerator=None, denominator=None, percent=None, value=None, suppressed=True
    )
