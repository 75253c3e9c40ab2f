"""Writing the downloadable template: Pupils (to fill in), Codes, About, and the hidden
Keystage sheet that says what the workbook is and holds the drop-down lists."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from keystage.checks.model import COLLECTION_NAMES
from keystage.checks.text import valid_results
from keystage.codesets import COLLECTIONS, Codeset
from keystage.ctf.model import SchoolRef
from keystage.template.layout import (
    ABOUT,
    CODES,
    FIRST_ROW,
    HEADER_ROW,
    LAST_ROW,
    MAX_PUPILS,
    META,
    NC_YEAR,
    NC_YEARS,
    PUPILS,
    SEX,
    TEMPLATE_VERSION,
    Column,
    columns,
)
from keystage.template.meanings import result_meaning, sex_meaning

# The hidden sheet: its first rows say what the workbook is (read back by keystage.template.read)
MARK = "Keystage template"
META_ROWS = ("collection", "academic year", "LA", "estab", "URN", "school")
LISTS_FROM = 4  # column D: the drop-down lists, one a column
_NUMBERED = re.compile(r"^([A-Za-z]+)(\d+)$")
_HEADING_FILL = PatternFill("solid", fgColor="DDDDDD")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
TEXT = "@"
DATE = "DD/MM/YYYY"

Cell = str | int
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def build_template(collection: str, codeset: Codeset, school: SchoolRef | None = None) -> bytes:
    """The template for one collection of the code table's year, as .xlsx bytes; `school` (its
    name, LA and establishment numbers) is shown on the About sheet and kept in the workbook."""
    if collection not in COLLECTIONS:
        raise ValueError(f"unknown collection {collection!r}: one of {', '.join(COLLECTIONS)}")
    layout = columns(collection, codeset)
    book = Workbook()
    pupils = book.active
    assert isinstance(pupils, Worksheet)
    pupils.title = PUPILS
    codes, about, meta = (book.create_sheet(name) for name in (CODES, ABOUT, META))
    lists = _write_meta(meta, collection, codeset, school, layout)
    _write_pupils(pupils, layout, lists, codeset)
    _write_codes(codes, layout, codeset)
    _write_about(about, collection, codeset, school)
    book.properties.creator = "Keystage"
    book.properties.title = f"{COLLECTION_NAMES[collection]} {codeset.academic_year}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the hidden sheet -----------------------------------------------------------------------


def _write_meta(
    sheet: Worksheet,
    collection: str,
    codeset: Codeset,
    school: SchoolRef | None,
    layout: Sequence[Column],
) -> dict[str, str]:
    """Writes what the workbook is and the lists; returns list name -> its range."""
    sheet.sheet_state = "veryHidden"
    school = school or SchoolRef()
    values = (collection, codeset.academic_year, school.la, school.estab, school.urn, school.name)
    sheet.cell(1, 1, MARK)
    sheet.cell(1, 2, TEMPLATE_VERSION)
    for row, (name, value) in enumerate(zip(META_ROWS, values, strict=True), start=2):
        sheet.cell(row, 1, name)
        sheet.cell(row, 2, value or "")
    ranges: dict[str, str] = {}
    for number, (name, items) in enumerate(_lists(layout, codeset).items(), start=LISTS_FROM):
        sheet.cell(1, number, name)
        for row, item in enumerate(items, start=2):
            sheet.cell(row, number, item)
        letter = get_column_letter(number)
        ranges[name] = f"{META}!${letter}$2:${letter}${len(items) + 1}"
    return ranges


def _lists(layout: Sequence[Column], codeset: Codeset) -> dict[str, list[Cell]]:
    """The drop-down lists: sex, NC year, and each result set the columns use. Marks and
    numeric codes go in as numbers, so that a number typed in passes the drop-down's check."""
    found: dict[str, list[Cell]] = {
        "sex": list(ordered(codeset.code_set("sex"))),
        "nc year": [_as_number(y) for y in NC_YEARS],
    }
    for column in layout:
        if column.kind is not None and column.kind.result_set not in found:
            results = column.kind.results
            marks: list[Cell] = list(range(results.marks[0], results.marks[1] + 1)) if (
                results.marks
            ) else []  # fmt: skip
            found[column.kind.result_set] = marks + [_as_number(c) for c in ordered(results.codes)]
    return found


def ordered(codes: frozenset[str]) -> list[str]:
    """Codes as people list them: numbered ones in number order (PK2 before PK10)."""

    def key(code: str) -> tuple[str, int]:
        match = _NUMBERED.match(code)
        return (match[1], int(match[2])) if match else (code, -1)

    return sorted(codes, key=key)


def _as_number(code: str) -> Cell:
    return int(code) if code.isdigit() else code


# --- Pupils -----------------------------------------------------------------------------------


def _write_pupils(
    sheet: Worksheet, layout: Sequence[Column], lists: dict[str, str], codeset: Codeset
) -> None:
    for column in layout:
        cell = sheet.cell(HEADER_ROW, column.number, column.heading)
        cell.font, cell.alignment, cell.fill = _BOLD, _WRAP, _HEADING_FILL
        dimension = sheet.column_dimensions[column.letter]
        dimension.width = column.width
        if column.field == "DOB":
            dimension.number_format = DATE
        elif column.kind is None and column.number not in (SEX + 1, NC_YEAR + 1):
            dimension.number_format = TEXT  # UPN and names: never turned into numbers or dates
    sheet.row_dimensions[HEADER_ROW].height = 60
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 1).coordinate
    for column, validation in _validations(layout, lists, codeset):
        sheet.add_data_validation(validation)
        validation.add(f"{column.letter}{FIRST_ROW}:{column.letter}{LAST_ROW}")


def _validations(
    layout: Sequence[Column], lists: dict[str, str], codeset: Codeset
) -> list[tuple[Column, DataValidation]]:
    found = []
    for column in layout:
        if column.field == "UPN":
            check = DataValidation(type="textLength", operator="equal", formula1="13")
            _explain(check, "UPN", "A UPN is 13 characters: a letter, then 11 digits, then a "
                     "digit or a letter.", warning=True)  # fmt: skip
        elif column.field == "DOB":
            first = dt.date(codeset.start_year - 20, 9, 1)
            last = dt.date(codeset.start_year, 8, 31)
            check = DataValidation(
                type="date", operator="between",
                formula1=_serial(first), formula2=_serial(last),
            )  # fmt: skip
            _explain(check, "Date of birth", "Type the date as day/month/year, for example "
                     "03/02/2019.", warning=True)  # fmt: skip
        elif column.number == SEX + 1:
            check = DataValidation(type="list", formula1=lists["sex"])
            _explain(check, "Sex", "Choose M or F from the list.")
        elif column.number == NC_YEAR + 1:
            check = DataValidation(type="list", formula1=lists["nc year"])
            _explain(check, "NC year", "Choose R (Reception) or the year group, 1 to 6.")
        elif column.kind is not None:
            check = DataValidation(type="list", formula1=lists[column.kind.result_set])
            said = valid_results(column.kind.results)
            _explain(check, column.heading[:32], f"Choose from the list: {said}."[:255])
        else:
            continue
        found.append((column, check))
    return found


def _serial(day: dt.date) -> str:
    """A date as Excel's day number (day 1 is 1 January 1900, counting its false 29 February)."""
    return str((day - _EXCEL_EPOCH).days)


def _explain(check: DataValidation, title: str, text: str, *, warning: bool = False) -> None:
    check.allow_blank = True
    check.showErrorMessage = True
    check.showInputMessage = True
    check.errorStyle = "warning" if warning else "stop"
    check.errorTitle = title[:32]
    check.error = text[:255]
    check.promptTitle = title[:32]
    check.prompt = text[:255]


# --- Codes and About --------------------------------------------------------------------------


def _write_codes(sheet: Worksheet, layout: Sequence[Column], codeset: Codeset) -> None:
    rows: list[tuple[str, str, str]] = [("Column", "Code or mark", "What it means")]
    rows += [("Sex", code, sex_meaning(code)) for code in ordered(codeset.code_set("sex"))]
    rows += [("NC year", y, "Reception" if y == "R" else f"Year {y}") for y in NC_YEARS]
    listed: set[str] = set()
    for column in layout:
        kind = column.kind
        if kind is None or column.field in listed:
            continue
        listed.add(column.field)
        marks = kind.results.marks
        if marks:
            rows.append((column.heading, f"{marks[0]} to {marks[1]}", "A mark: a whole number"))
        rows += [
            (column.heading, code, result_meaning(codeset, kind, code))
            for code in ordered(kind.results.codes)
        ]
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(number, col, value)
            cell.number_format = TEXT
            if number == 1:
                cell.font, cell.fill = _BOLD, _HEADING_FILL
    for letter, width in (("A", 45.0), ("B", 14.0), ("C", 70.0)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _write_about(
    sheet: Worksheet, collection: str, codeset: Codeset, school: SchoolRef | None
) -> None:
    school = school or SchoolRef()
    name = COLLECTION_NAMES[collection]
    sheet.cell(1, 1, f"Keystage spreadsheet template: {name}, {codeset.academic_year}").font = Font(
        bold=True, size=14
    )
    setting = bool(school.urn and not school.estab)  # a PVI setting: its EY URN, no LAESTAB
    facts = [
        (
            "Setting" if setting else "School",
            school.name or "(not filled in: the portal fills it in for your school)",
        ),
        ("EY URN", school.urn or "") if setting else ("LAESTAB", school.laestab or ""),
        ("Collection", f"{name} ({collection})"),
        ("Academic year", codeset.academic_year),
        ("Template version", TEMPLATE_VERSION),
    ]
    for row, (label, value) in enumerate(facts, start=3):
        sheet.cell(row, 1, label).font = _BOLD
        sheet.cell(row, 2, value).number_format = TEXT
    steps = [
        "How to fill it in",
        f"1. On the {PUPILS} sheet, enter one pupil a row, from row {FIRST_ROW} down (up to "
        f"{MAX_PUPILS:,} pupils).",
        "2. Type each UPN exactly as your records have it: 13 characters. The column is set "
        "to text, so Excel keeps it as typed.",
        "3. Type dates of birth as day/month/year, for example 03/02/2019.",
        "4. Choose sex, NC year and each result from the drop-down lists. The Codes sheet "
        "says what each code means.",
        "5. Do not change, move or delete the header row, the columns or the sheets. Leave a "
        "result empty if the pupil has none: the check will tell you what is missing.",
        "6. Save as an Excel Workbook (.xlsx), not a macro-enabled workbook or a CSV, and "
        "upload it on the collection's page in Keystage.",
        "Keystage turns the sheet into a CTF and checks it exactly as it checks a CTF from a "
        "MIS. Each problem it finds names the sheet, row and column (for example Pupils!D9): "
        "correct the cell and upload the file again.",
    ]
    for row, text in enumerate(steps, start=len(facts) + 5):
        cell = sheet.cell(row, 1, text)
        if row == len(facts) + 5:
            cell.font = _BOLD
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 60
