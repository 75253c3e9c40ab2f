"""The spreadsheet template: what it offers a school, and that a filled one is read into the
pupils a CTF carries, checked by the same rules, each finding pointing at its cell."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from template_support import fill, identity

from keystage import codesets
from keystage.checks import Context
from keystage.checks.engine import run_checks
from keystage.ctf.model import Header, Pupil
from keystage.ctf.reader import read_all
from keystage.ctf.upn import ALPHABET
from keystage.synth import write_la
from keystage.template.build import build_template
from keystage.template.cells import parts
from keystage.template.check import check_template, to_ctf
from keystage.template.layout import LAST_ROW, columns

YEAR = "2025-26"
CODESET = codesets.load(YEAR)
KINDS = ("EYFSP", "PHON", "KS1", "KS2")


@pytest.fixture(scope="module")
def la(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("la")
    write_la(la="330", schools=2, collection="ALL", seed=11, out=out, academic_year=YEAR)
    return out


def ctf(la: Path, kind: str) -> tuple[Header, list[Pupil]]:
    return read_all(sorted((la / kind).glob("*.xml"))[0])


def filled(la: Path, kind: str, change=None) -> tuple[Header, list[Pupil], bytes]:
    header, pupils = ctf(la, kind)
    data = fill(build_template(kind, CODESET, header.source), pupils, kind, CODESET, change)
    return header, pupils, data


def check(data: bytes, kind: str, header: Header | None = None):
    school = header.source if header else None
    return check_template(data, Context(codeset=CODESET, collection=kind, school=school))


def located(outcome) -> set[tuple[str, str | None]]:
    return {(f.code, f.location) for f in outcome.findings}


def letter_of(kind: str, role: str) -> str:
    (column,) = [c for c in columns(kind, CODESET) if c.kind and c.kind.role == role]
    return column.letter


# --- the template as downloaded ------------------------------------------------------------


def test_the_template_has_its_sheets_header_formats_and_frozen_row():
    book = load_workbook(io.BytesIO(build_template("KS1", CODESET)))
    assert book.sheetnames == ["Pupils", "Codes", "About", "Keystage"]
    assert book["Keystage"].sheet_state == "veryHidden"
    sheet = book["Pupils"]
    headings = [c.value for c in sheet[1]]
    assert headings == [
        "UPN", "Surname", "Forename", "Date of birth", "Sex", "NC year",
        "Reading", "Writing", "Mathematics", "Science",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].number_format == "@"  # UPNs stay text
    assert sheet.column_dimensions["D"].number_format == "DD/MM/YYYY"
    assert all(sheet.column_dimensions[c].width >= 7 for c in "ABCDEFGHIJ")


def list_values(book, formula: str) -> list[str]:
    sheet_name, cells = formula.split("!")
    first, last = cells.replace("$", "").split(":")
    rows = book[sheet_name][first:last]
    return [str(row[0].value) for row in rows]


def validations(sheet: Worksheet) -> dict[str, object]:
    """Column letter -> its data validation (each covers the column's pupil rows)."""
    found = {}
    for item in sheet.data_validations.dataValidation:
        for ranged in item.sqref.ranges:
            assert ranged.min_row == 2 and ranged.max_row == LAST_ROW
            found[ranged.coord.split(":")[0].rstrip("0123456789")] = item
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_every_coded_column_has_a_drop_down_of_the_code_tables_results(kind):
    book = load_workbook(io.BytesIO(build_template(kind, CODESET)))
    checks = validations(book["Pupils"])
    assert set(list_values(book, checks["E"].formula1)) == set(CODESET.code_set("sex"))
    assert list_values(book, checks["F"].formula1) == ["R", "1", "2", "3", "4", "5", "6"]
    result_columns = [c for c in columns(kind, CODESET) if c.kind is not None]
    assert result_columns
    for column in result_columns:
        item = checks[column.letter]
        assert item.type == "list" and item.errorStyle == "stop"
        results = column.kind.results
        marks = {str(m) for m in range(results.marks[0], results.marks[1] + 1)} if (
            results.marks
        ) else set()  # fmt: skip
        assert set(list_values(book, item.formula1)) == set(results.codes) | marks


def test_phonics_has_a_year_1_column_for_re_check_pupils_and_no_outcome_column():
    layout = columns("PHON", CODESET)
    results = [(c.kind.role, c.year) for c in layout if c.kind]
    assert results == [("phonics_mark", "2026"), ("phonics_mark", "2025")]


def test_the_about_sheet_names_the_school_and_collection(la):
    header, _ = ctf(la, "KS2")
    book = load_workbook(io.BytesIO(build_template("KS2", CODESET, header.source)))
    text = " ".join(str(c.value) for row in book["About"].iter_rows() for c in row if c.value)
    assert header.source.name in text and header.source.laestab in text
    assert "Key Stage 2" in text and "2025-26" in text
    codes = [tuple(c.value for c in row) for row in book["Codes"].iter_rows(min_row=2)]
    meanings = dict(CODESET.meanings_of(CODESET.role("ks2_writing_ta")))  # the code table's
    assert ("Writing teacher assessment", "PK6", meanings["PK6"]) in codes
    assert meanings["PK6"].startswith("Pre-key stage standard 6")


# --- a filled template ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_clean_template_gives_the_pupils_of_the_ctf_it_was_filled_from(la, kind):
    header, pupils, data = filled(la, kind)
    outcome = check(data, kind, header)
    assert outcome.refused is None
    assert [identity(p) for p in outcome.pupils] == [identity(p) for p in pupils]
    assert [p.line for p in outcome.pupils] == list(range(2, len(pupils) + 2))
    assert outcome.read.rows[:2] == [("Pupils", 2), ("Pupils", 3)]  # pupil index -> its row
    # the same rules find the same things in the CTF itself
    from_ctf = run_checks(header, pupils, Context(codeset=CODESET, collection=kind))
    assert {(f.code, f.upn) for f in outcome.findings} == {
        (f.code, f.upn) for f in from_ctf.findings
    }
    assert not [f for f in outcome.findings if f.severity == "error"]


def test_planted_mistakes_give_findings_pointing_at_their_cells(la):
    """The issue's test: a bad UPN in row 5, an invalid writing code in row 7, a date as
    text that is no date in row 9 and a missing surname in row 11."""
    writing = letter_of("KS1", "ks1_writing")
    assert writing == "H"

    def plant(sheet: Worksheet) -> None:
        upn = sheet["A5"].value
        sheet["A5"] = ALPHABET[(ALPHABET.index(upn[0]) + 1) % len(ALPHABET)] + upn[1:]
        sheet[f"{writing}7"] = "XYZ"
        sheet["D9"] = "31/02/2019"
        sheet["B11"] = None

    header, _, data = filled(la, "KS1", plant)
    outcome = check(data, "KS1", header)
    errors = {(f.code, f.location) for f in outcome.findings if f.severity == "error"}
    assert errors == {
        ("UPN-INVALID", "Pupils!A5"),
        ("RESULT-INVALID", "Pupils!H7"),
        ("TEMPLATE-DATE", "Pupils!D9"),
        ("NAME-MISSING", "Pupils!B11"),
    }
    by_code = {f.code: f for f in outcome.findings}
    assert parts(by_code["TEMPLATE-DATE"].location) == {"sheet": "Pupils", "row": 9, "column": "D"}
    assert "31/02/2019" in by_code["TEMPLATE-DATE"].message
    assert by_code["RESULT-INVALID"].line == 7  # the pupil's row
    assert "in the spreadsheet" in by_code["NAME-MISSING"].message
    assert "DOB-INVALID" not in by_code  # the template's own finding says it for that cell


def test_a_duplicate_upn_names_the_row_of_the_first(la):
    def plant(sheet: Worksheet) -> None:
        sheet["A4"] = sheet["A2"].value

    header, _, data = filled(la, "KS1", plant)
    outcome = check(data, "KS1", header)
    (duplicate,) = [f for f in outcome.findings if f.code == "UPN-DUPLICATE"]
    assert duplicate.location == "Pupils!A4" and "(row 2)" in duplicate.message


def test_a_upn_excel_made_a_number_an_error_cell_and_a_date_in_a_result(la):
    def plant(sheet: Worksheet) -> None:
        sheet["A3"] = 123456789012
        sheet["G4"] = dt.datetime(2026, 5, 1)
        sheet["I6"] = True

    header, _, data = filled(la, "KS1", plant)
    outcome = check(data, "KS1", header)
    assert located(outcome) >= {
        ("TEMPLATE-TEXT", "Pupils!A3"),
        ("TEMPLATE-TEXT", "Pupils!G4"),
        ("TEMPLATE-TEXT", "Pupils!I6"),
    }
    # one finding a cell: the UPN's own check and the missing result are not said again
    assert {f.location for f in outcome.findings if f.code != "TEMPLATE-TEXT"}.isdisjoint(
        {"Pupils!A3", "Pupils!G4", "Pupils!I6"}
    )
    number = next(f for f in outcome.findings if f.location == "Pupils!A3")
    assert "123456789012" in number.message and "Text" in number.message


def test_dates_typed_as_text_or_kept_as_day_numbers_are_read(la):
    def plant(sheet: Worksheet) -> None:
        sheet["D2"] = "03/02/2019"
        sheet["D3"] = "2019-02-04"
        sheet["D4"] = (dt.date(2019, 2, 5) - dt.date(1899, 12, 30)).days  # Excel's day number

    header, _, data = filled(la, "KS1", plant)
    outcome = check(data, "KS1", header)
    assert [p.dob for p in outcome.pupils[:3]] == ["2019-02-03", "2019-02-04", "2019-02-05"]
    assert not [f for f in outcome.findings if f.code in ("TEMPLATE-DATE", "DOB-INVALID")]


def test_a_year_1_mark_out_of_range_points_at_the_year_1_column(la):
    header, pupils = ctf(la, "PHON")
    rechecks = [n for n, p in enumerate(pupils, start=2) if p.nc_year == "2"]
    assert rechecks
    row = rechecks[0]
    year1 = next(c for c in columns("PHON", CODESET) if c.year == "2025").letter

    def plant(sheet: Worksheet) -> None:
        sheet[f"{year1}{row}"] = 41

    data = fill(build_template("PHON", CODESET, header.source), pupils, "PHON", CODESET, plant)
    outcome = check(data, "PHON", header)
    assert ("PHON-MARK-RANGE", f"Pupils!{year1}{row}") in located(outcome)


def test_a_changed_header_row_is_one_finding_not_one_a_pupil(la):
    def plant(sheet: Worksheet) -> None:
        sheet["B1"] = "Family name"  # renamed
        sheet["L1"] = "Notes"  # an extra column with a value
        sheet["L3"] = "moved in May"
        sheet["N5"] = "stray"  # a value with no heading

    header, pupils, data = filled(la, "KS1", plant)
    outcome = check(data, "KS1", header)
    columns_found = {f.location for f in outcome.findings if f.code == "TEMPLATE-COLUMNS"}
    assert columns_found == {"Pupils!B1", "Pupils!L1", "Pupils!N1"}
    assert not [f for f in outcome.findings if f.code == "NAME-MISSING"]
    assert len(outcome.pupils) == len(pupils)


def test_columns_found_by_heading_wherever_they_are(la):
    def swap(sheet: Worksheet) -> None:
        for row in sheet.iter_rows(min_row=1, max_col=3):
            row[1].value, row[2].value = row[2].value, row[1].value

    header, pupils, data = filled(la, "KS1", swap)
    outcome = check(data, "KS1", header)
    assert [identity(p) for p in outcome.pupils] == [identity(p) for p in pupils]
    assert not [f for f in outcome.findings if f.severity == "error"]


def test_a_template_school_other_than_the_sender_is_hdr_school(la):
    header, pupils = ctf(la, "KS1")
    other = dataclasses.replace(header.source, estab="9999", name="Another School")
    data = fill(build_template("KS1", CODESET, other), pupils, "KS1", CODESET)
    outcome = check(data, "KS1", header)
    assert "HDR-SCHOOL" in {f.code for f in outcome.findings}


def test_the_ctf_made_from_a_template_reads_back_the_same(la):
    header, pupils, data = filled(la, "KS2")
    outcome = check(data, "KS2", header)
    made = to_ctf(outcome.header, outcome.pupils)
    back_header, back = read_all(io.BytesIO(made))
    assert back_header.source.laestab == header.source.laestab
    assert [identity(p) for p in back] == [identity(p) for p in pupils]
