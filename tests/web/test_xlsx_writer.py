"""The XLSX writer (keystage.web.common.xlsx): text that looks like a formula stays text, and
numbers stay numbers, read back as Excel would read them (openpyxl's reader)."""

from __future__ import annotations

import io
import math
import zipfile

from openpyxl import load_workbook

from keystage.web.common.xlsx import workbook

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\uff1d1+1",  # full-width equals sign
    "\t=1+1",
    "\r=1+1",
    "#N/A",  # openpyxl would type it an error
    "=",
]


def read_back(body: bytes) -> list[list[tuple[object, str]]]:
    """Each row of the first sheet as (value, data type) pairs."""
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


def sheet_xml(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        return book.read("xl/worksheets/sheet1.xml").decode()


def test_text_that_looks_like_a_formula_is_written_as_that_text() -> None:
    body = workbook({"Pupils": [FORMULAS, [f"{text} and more" for text in FORMULAS]]})
    rows = read_back(body)
    assert rows[0] == [(text, "s") for text in FORMULAS]
    assert rows[1] == [(f"{text} and more", "s") for text in FORMULAS]
    xml = sheet_xml(body)
    assert "<f>" not in xml and "<f " not in xml and "<f/>" not in xml


def test_numbers_stay_numbers_and_the_rest_is_text() -> None:
    values: list[object] = [41, -3, 62.5, 0.1, 10**15, True, math.nan, "41", None, "x\x01y"]
    rows = read_back(workbook({"Schools": [values]}))
    assert rows[0][:5] == [(41, "n"), (-3, "n"), (62.5, "n"), (0.1, "n"), (10**15, "n")]
    assert rows[0][5:] == [("True", "s"), ("nan", "s"), ("41", "s"), (None, "n"), ("xy", "s")]


def test_no_sheets_is_one_empty_sheet_and_names_are_made_valid() -> None:
    assert read_back(workbook({})) == []
    names = ["KS1 [2026]: a/b", "ks1 [2026]: A/B", "x" * 40]
    book = load_workbook(io.BytesIO(workbook({name: [["a"]] for name in names})))
    assert book.sheetnames == ["KS1  2026   a b", "ks1  2026   A B 2", "x" * 31]
