"""Walking the Pupils sheet: its header row, then each row with something in it as the Pupil a
MIS would send, and each cell that cannot be read as a finding at that cell."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from keystage.checks.model import Finding
from keystage.checks.registry import finding
from keystage.checks.text import who
from keystage.ctf.model import Pupil
from keystage.template.cells import location
from keystage.template.headings import found_columns, heading_problems
from keystage.template.layout import (
    DOB,
    FORENAME,
    HEADER_ROW,
    LAST_ROW,
    NC_YEAR,
    PUPILS,
    SEX,
    SURNAME,
    UPN,
    Column,
)
from keystage.template.safety import TemplateRefusedError
from keystage.template.values import CellValue, has_value, read_cell

EXTRA_COLUMNS = 26  # columns past the template's looked at for values that should not be there
# Rows looked at before giving up: a row a million rows down (even an empty one Excel keeps
# for its formatting) would otherwise cost a million empty rows of openpyxl's gap filling.
HARD_ROW_CAP = 20_000


def read_pupils(sheet: Any, layout: tuple[Column, ...]) -> RowReader:
    """The sheet read: its pupils, and the problems of its header row and then of its cells."""
    rows = sheet.iter_rows(min_row=HEADER_ROW, max_col=len(layout) + EXTRA_COLUMNS)
    headings = next(rows, ())
    reader = RowReader(layout, found_columns(headings, layout))
    reader.read(rows)
    reader.problems[:0] = heading_problems(headings, layout, reader.found, reader.stray)
    return reader


class RowReader:
    """Turns the Pupils sheet's rows into pupils, noting cells it cannot read."""

    def __init__(self, layout: tuple[Column, ...], found: dict[int, int]) -> None:
        self.layout = layout
        self.found = found
        self.places = set(found.values())
        self.pupils: list[Pupil] = []
        self.problems: list[Finding] = []
        self.texts: dict[int, dict[int, str]] = {}
        self.stray: dict[int, int] = {}  # sheet column not in the template -> first row used

    def read(self, rows: Iterator[Sequence[Any]]) -> None:
        for number, cells in enumerate(rows, start=HEADER_ROW + 1):
            if number > HARD_ROW_CAP:
                raise _too_many_rows(number, far=True)
            if not any(has_value(c) for c in cells):
                continue
            if number > LAST_ROW:
                raise _too_many_rows(number)
            self._row(number, cells)

    def _row(self, number: int, cells: Sequence[Any]) -> None:
        for place, cell in enumerate(cells, start=1):
            if place not in self.places and has_value(cell):
                self.stray.setdefault(place, number)
        values: dict[int, CellValue] = {}
        for column in self.layout:
            at = self.found.get(column.number)
            if at is not None and at <= len(cells):
                values[column.number] = read_cell(column, cells[at - 1])
        pupil = self._pupil(number, values)
        self.pupils.append(pupil)
        self.texts[number] = {n: v.text for n, v in values.items() if v.text is not None}
        for column in self.layout:
            value = values.get(column.number)
            if value is not None and value.problem is not None:
                self._problem(pupil, column, value)

    def _pupil(self, number: int, values: dict[int, CellValue]) -> Pupil:
        def text(index: int) -> str | None:
            value = values.get(self.layout[index].number)
            return value.text if value else None

        results = [
            column.assessment(value.text)
            for column in self.layout
            if column.kind is not None
            and (value := values.get(column.number)) is not None
            and value.text is not None
        ]
        results.sort(key=lambda a: a.year or "")  # earlier years first, as a MIS writes them
        return Pupil(
            upn=text(UPN), surname=text(SURNAME), forename=text(FORENAME), dob=text(DOB),
            sex=text(SEX), nc_year=text(NC_YEAR), assessments=tuple(results), line=number,
        )  # fmt: skip

    def _problem(self, pupil: Pupil, column: Column, value: CellValue) -> None:
        assert value.problem is not None
        code, said = value.problem
        letter = column.letter_in(self.found)
        where = f"{letter}{pupil.line}"
        message = f"{who(pupil)}: {said.format(cell=where)}"
        item = finding(code, message, pupil, column.field)
        here = location(PUPILS, pupil.line, letter)
        self.problems.append(dataclasses.replace(item, location=here))


def _too_many_rows(number: int, *, far: bool = False) -> TemplateRefusedError:
    where = f"goes on past row {number - 1:,}" if far else f"has something in row {number:,}"
    return TemplateRefusedError(
        "TEMPLATE-ROWS",
        f"The {PUPILS} sheet {where}, below the template's last pupil row ({LAST_ROW:,}). "
        "Delete the rows below your last pupil (select them, right-click, Delete), save the "
        "workbook and upload it again.",
    )
