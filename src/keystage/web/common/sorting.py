"""Tables the data team sorts by their headings: the progress, results and pupils-in-two-files
tables, the same way.

The sort is in the address (`?sort=pupils`, `?sort=-pupils` for descending), so a sorted table
can be bookmarked, shared and downloaded as shown, and it works without JavaScript. Each column
heading is a link to the table sorted by it, and says how the table is sorted now (aria-sort).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column[R]:
    key: str  # the sort= value
    label: str  # the heading
    value: Callable[[R], Any]  # what the column sorts on; None (a blank) sorts last either way
    numeric: bool = False  # right-aligned, in tabular figures


@dataclass(frozen=True)
class Heading:
    key: str
    label: str
    href: str  # the table sorted by this column: ascending, or descending if it is already
    aria_sort: str  # ascending, descending or none
    numeric: bool


def sort_asked(asked: object, columns: Mapping[str, Column[Any]], default: str) -> str:
    """The sort= asked for, or the default when it names no column (a stale or made-up link)."""
    sort = str(asked or default)
    return sort if sort.removeprefix("-") in columns else default


def sort_rows[R](
    rows: Iterable[R], sort: str, columns: Mapping[str, Column[R]], tie: Callable[[R], Any]
) -> list[R]:
    """Sorted by one column ("-" first for descending), ties in `tie` order; blanks always last,
    so the rows that have something to compare come first whichever way the column is read."""
    value = columns[sort.removeprefix("-")].value
    in_order = sorted(rows, key=tie)
    known = [r for r in in_order if value(r) is not None]
    blank = [r for r in in_order if value(r) is None]
    # Python's sort is stable with reverse=True too, so ties keep their `tie` order.
    return sorted(known, key=value, reverse=sort.startswith("-")) + blank


def headings(shown: Sequence[Column[Any]], sort: str, href: Callable[[str], str]) -> list[Heading]:
    """A heading for each column shown; `href(sort)` is the address of the table so sorted."""
    found = []
    for column in shown:
        key = column.key
        now = "ascending" if sort == key else "descending" if sort == f"-{key}" else "none"
        flip = f"-{key}" if now == "ascending" else key
        found.append(Heading(key, column.label, href(flip), now, column.numeric))
    return found


def by_key[R](*columns: Column[R]) -> dict[str, Column[R]]:
    return {column.key: column for column in columns}
