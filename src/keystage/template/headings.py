"""The Pupils sheet's header row: where each template column is now (a school may have moved
one), and TEMPLATE-COLUMNS for a column missing or one the template does not have."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.utils import get_column_letter

from keystage.checks.model import Finding
from keystage.checks.registry import finding
from keystage.template.cells import location, shown
from keystage.template.layout import HEADER_ROW, PUPILS, Column, normalised


def found_columns(headings: Sequence[Any], layout: Sequence[Column]) -> dict[int, int]:
    """Each template column's place in the sheet, by its heading (its own place first)."""
    by_text: dict[str, list[int]] = {}
    for number, cell in enumerate(headings, start=1):
        text = normalised(cell.value if cell is not None else None)
        if text:
            by_text.setdefault(text, []).append(number)
    found: dict[int, int] = {}
    taken: set[int] = set()
    for column in layout:
        places = [n for n in by_text.get(normalised(column.heading), []) if n not in taken]
        if places:
            place = column.number if column.number in places else places[0]
            found[column.number] = place
            taken.add(place)
    return found


def heading_problems(
    headings: Sequence[Any],
    layout: Sequence[Column],
    found: Mapping[int, int],
    stray: Mapping[int, int],
) -> list[Finding]:
    """Template columns the header row lacks, then columns it should not have (`stray`: those
    with a value below an unknown heading or none), each pointing at its heading's cell."""
    texts = {
        n: shown(str(c.value).strip())
        for n, c in enumerate(headings, start=1)
        if c is not None and c.value is not None and str(c.value).strip()
    }
    problems = _missing(texts, layout, found) + _unknown(texts, layout, found, stray)
    return [
        dataclasses.replace(
            finding("TEMPLATE-COLUMNS", message, field="header row"),
            location=location(PUPILS, HEADER_ROW, get_column_letter(number)),
        )
        for number, message in problems
    ]


def _missing(
    texts: Mapping[int, str], layout: Sequence[Column], found: Mapping[int, int]
) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    for column in layout:
        if column.number in found:
            continue
        there = texts.get(column.number)
        now = f"it says “{there}”" if there and column.number not in found.values() else (
            "there is no such heading")  # fmt: skip
        problems.append((
            column.number,
            f"The column headed “{column.heading}” is missing from the {PUPILS} sheet (in the "
            f"template it is column {column.letter}; {now}). Its values cannot be read. Put "
            "the heading back as it was, or copy your pupils into a new template.",
        ))  # fmt: skip
    return problems


def _unknown(
    texts: Mapping[int, str],
    layout: Sequence[Column],
    found: Mapping[int, int],
    stray: Mapping[int, int],
) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    for number in sorted((set(texts) | set(stray)) - set(found.values())):
        if number in texts and any(c.number == number and c.number not in found for c in layout):
            continue  # a renamed template column: said as missing
        heading = f"headed “{texts[number]}”" if number in texts else "with no heading"
        problems.append((
            number,
            f"Column {get_column_letter(number)}, {heading}, is not a column of the template, "
            "so Keystage does not read it. Delete the column (keep notes in another workbook) "
            "and upload the file again.",
        ))  # fmt: skip
    return problems
