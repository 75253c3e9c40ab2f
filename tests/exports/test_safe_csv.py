"""The one CSV writer: a cell a spreadsheet could run as a formula is written as text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from keystage.exports import csv_bytes, csv_text, inert, write_csv

STARTS = ["=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"]
SPACES = ["", " ", "   ", "\u00a0", "\u3000", " \u3000 "]


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("spaces", SPACES)
def test_a_cell_that_could_start_a_formula_is_written_as_text(start: str, spaces: str) -> None:
    value = f'{spaces}{start}HYPERLINK("http://x","y")'
    assert inert(value) == "'" + value
    assert cells(csv_text([[value]])) == [["'" + value]]


@pytest.mark.parametrize(
    "value", ["Smith", "O'Neil", "Smith-Jones", "a=b", "x@example.org", "", "   ", "1+1", "R"]
)
def test_other_text_is_written_as_it_is(value: str) -> None:
    assert inert(value) == value


def test_text_that_looks_like_a_negative_number_is_still_text() -> None:
    """It came from outside: "-1+1" is a formula, and "-1" tells nothing of what follows."""
    assert inert("-1.5") == "'-1.5"
    assert inert("-1+1") == "'-1+1"


@pytest.mark.parametrize("number", [-1.5, -3, 0, 42, 97.25, Decimal("-0.4")])
def test_a_number_keystage_worked_out_stays_a_number(number: object) -> None:
    """A progress score of -1.5 is digits and a sign: no formula, and the LA's sums need it."""
    assert inert(number) is number
    assert cells(csv_text([[number]])) == [[str(number)]]


def test_blank_true_and_dates_are_written_plainly() -> None:
    assert [inert(v) for v in (None, True, dt.date(2026, 6, 1))] == ["", "True", "2026-06-01"]


def test_every_cell_of_every_row_and_excel_line_endings() -> None:
    rows = [["UPN", "Surname", "Mark"], ["=1+1", "\uff1dSUM(1)", -2], ["A1", "@x", None]]
    body = csv_bytes(rows)
    assert body.endswith(b"\r\n") and body.count(b"\r\n") == 3
    assert cells(body.decode()) == [
        ["UPN", "Surname", "Mark"],
        ["'=1+1", "'\uff1dSUM(1)", "-2"],
        ["A1", "'@x", ""],
    ]


def test_it_writes_to_anything_with_write() -> None:
    out = io.StringIO()
    write_csv(out, (["+x"] for _ in range(2)))
    assert out.getvalue() == "'+x\r\n'+x\r\n"
