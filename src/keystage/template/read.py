"""Reading a filled template into the pupils a MIS CTF would carry, and pointing every finding
at its sheet, row and column.

    read = read_template(data, codeset, school)       # TemplateRefusedError for a refused workbook
    outcome = run_checks(read.header, read.pupils, context)   # the same rules as for a CTF
    findings = read.merge(outcome.findings)            # + the template's own, each located

A pupil's `line` is its row on the Pupils sheet, so a finding leads back to its row through
the pupil; its field (UPN, DOB, a result's tuple) leads to its column.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.workbook.workbook import Workbook

from keystage.checks.model import Finding
from keystage.checks.registry import finding
from keystage.checks.rules.header import DOCUMENT_NAME
from keystage.checks.text import who
from keystage.codesets import COLLECTIONS, Codeset
from keystage.ctf.model import Header, Pupil, SchoolRef
from keystage.template.build import MARK, META_ROWS
from keystage.template.cells import location
from keystage.template.layout import (
    DOB,
    FORENAME,
    HEADER_ROW,
    LAST_ROW,
    META,
    NC_YEAR,
    PUPILS,
    SEX,
    SURNAME,
    TEMPLATE_VERSION,
    UPN,
    Column,
    columns,
    normalised,
)
from keystage.template.safety import TemplateRefusedError, inspect

EXTRA_COLUMNS = 26  # columns past the template's looked at for values that should not be there
# Rows looked at before giving up: a row a million rows down (even an empty one Excel keeps
# for its formatting) would otherwise cost a million empty rows of openpyxl's gap filling.
HARD_ROW_CAP = 20_000
_SHOWN = 40  # characters of a cell's value quoted in a message
_SEVERITY_RANK = {"error": 0, "query": 1, "note": 2}
_AGAIN = "Download the template again from the collection's page in Keystage and copy your "
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DIGITS = {"la": 3, "estab": 4, "urn": 6}


@dataclass(frozen=True)
class TemplateInfo:
    """What the hidden sheet says the workbook is."""

    collection: str
    academic_year: str
    version: str
    school: SchoolRef  # filled in when the portal made the template for a school


@dataclass
class TemplateRead:
    info: TemplateInfo
    header: Header
    pupils: list[Pupil]
    problems: list[Finding]  # the template's own findings, located
    layout: tuple[Column, ...]
    found: dict[int, int]  # template column number -> the sheet's column number it is in
    texts: dict[int, dict[int, str]] = field(default_factory=dict)  # row -> column -> text

    @property
    def rows(self) -> list[tuple[str, int]]:
        """(sheet, row) of each pupil, by the pupil's position in `pupils`."""
        return [(PUPILS, p.line or 0) for p in self.pupils]

    def locate(self, item: Finding) -> str | None:
        """The cell (or row) a finding is about; None for a finding about the whole file."""
        if item.location is not None:
            return item.location
        if item.line is None:
            return None
        column = self._column_of(item)
        return location(PUPILS, item.line, column.letter_in(self.found) if column else None)

    def merge(self, findings: Iterable[Finding]) -> list[Finding]:
        """The checks' findings, located, with the template's own: errors first, then by row.

        A cell the template reader already reported (an unreadable date) is not reported
        again by a check, nor is a column the header row lacks reported pupil by pupil. The
        rules' advice to correct the MIS is put in the spreadsheet's terms.
        """
        reported = {p.location for p in self.problems if p.line is not None}
        missing = {c.field for c in self.layout if c.number not in self.found}
        kept = [
            dataclasses.replace(item, location=self.locate(item), message=_said(item.message))
            for item in findings
            if not (item.line is not None and self._field(item) in missing)
        ]
        together = [*self.problems, *(f for f in kept if f.location not in reported)]
        return sorted(together, key=lambda f: (_SEVERITY_RANK[f.severity], f.line or 0))

    def _field(self, item: Finding) -> str | None:
        column = self._column_of(item, present_only=False)
        return column.field if column else None

    def _column_of(self, item: Finding, *, present_only: bool = True) -> Column | None:
        if not item.field:
            return None
        name = item.field.split(",")[0].strip()
        if name == "StageAssessment":  # no results at all: the first result column
            candidates = [c for c in self.layout if c.kind is not None][:1]
        else:
            candidates = [c for c in self.layout if c.field == name]
        if present_only:
            candidates = [c for c in candidates if c.number in self.found]
        if len(candidates) > 1 and item.line is not None:
            # two columns for one assessment (this year's phonics mark and Year 1's): the one
            # whose value the message quotes
            row = self.texts.get(item.line, {})
            quoted = [c for c in candidates if _quotes(item.message, row.get(c.number))]
            candidates = quoted or candidates
        return candidates[0] if candidates else None


# The rules tell a school to put things right in its MIS; this school uses the spreadsheet.
_SPREADSHEET_WORDS = (
    ("make the file again in your MIS", "upload the spreadsheet again"),
    ("in your MIS and make the file again", "in the spreadsheet and upload it again"),
    ("in your MIS", "in the spreadsheet"),
    ("make the file again", "upload the spreadsheet again"),
)


_LINE = re.compile(r"\bline (\d+)\b")  # a pupil's line in a file is its row in the sheet


def _said(message: str) -> str:
    for mis, spreadsheet in _SPREADSHEET_WORDS:
        message = message.replace(mis, spreadsheet)
    return _LINE.sub(r"row \1", message)


def _quotes(message: str, text: str | None) -> bool:
    return bool(text) and any(f"{a}{text}{b}" in message for a, b in ("''", "()", "  "))


# --- opening ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _opened(data: bytes) -> Iterator[Workbook]:
    inspect(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except TemplateRefusedError:
        raise
    except Exception:  # openpyxl raises many kinds on a broken workbook; all mean the same here
        raise TemplateRefusedError(
            "TEMPLATE-NOT-XLSX",
            f"The workbook cannot be read as an Excel file: it may be damaged. {_AGAIN}pupils "
            "into it.",
        ) from None
    try:
        yield book
    finally:
        book.close()


def template_info(data: bytes) -> TemplateInfo:
    """What a workbook says it is (collection, year, version); TemplateRefusedError if it is not a
    Keystage template or not safe to open."""
    with _opened(data) as book:
        return _info(book)


def _info(book: Workbook) -> TemplateInfo:
    if META not in book.sheetnames:
        raise TemplateRefusedError(
            "TEMPLATE-NOT-KEYSTAGE",
            "This spreadsheet is not a Keystage template. Keystage reads only its own "
            f"template: {_AGAIN}pupils and results into it.",
        )
    rows = list(book[META].iter_rows(min_row=1, max_row=len(META_ROWS) + 1, max_col=2,
                                     values_only=True))  # fmt: skip
    values = [_meta_text(row[1] if len(row) > 1 else None) for row in rows]
    marked = rows and _meta_text(rows[0][0]) == MARK
    if not marked or len(values) < len(META_ROWS) + 1:
        raise TemplateRefusedError(
            "TEMPLATE-NOT-KEYSTAGE",
            "This spreadsheet is not a Keystage template, or its hidden details have been "
            f"changed. {_AGAIN}pupils and results into it.",
        )
    version, collection, year, la, estab, urn, name = values[: len(META_ROWS) + 1]
    if version != TEMPLATE_VERSION or collection not in COLLECTIONS:
        raise TemplateRefusedError(
            "TEMPLATE-NOT-KEYSTAGE",
            "This template was made by another version of Keystage and cannot be read. "
            f"{_AGAIN}pupils and results into it.",
        )
    school = SchoolRef(
        la=_digits(la, "la"), estab=_digits(estab, "estab"), urn=_digits(urn, "urn"),
        name=(name or "")[:200] or None,
    )  # fmt: skip
    return TemplateInfo(collection or "", year or "", version or "", school)


def _meta_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def _digits(value: str | None, name: str) -> str | None:
    if value and value.isdigit() and len(value) == _DIGITS[name]:
        return value
    return None


def expect_for(info: TemplateInfo, codeset: Codeset, collection: str | None) -> None:
    """Refuses (TEMPLATE-COLLECTION) a template for another collection or academic year."""
    from keystage.checks.model import COLLECTION_NAMES

    if collection is not None and info.collection != collection:
        raise TemplateRefusedError(
            "TEMPLATE-COLLECTION",
            f"This is the template for the {COLLECTION_NAMES[info.collection]}, not the "
            f"{COLLECTION_NAMES.get(collection, collection)}. Download the template from this "
            "collection's page, copy your pupils and results into it, and upload it here.",
        )
    if info.academic_year != codeset.academic_year:
        shown = _shown(info.academic_year) or "no year"
        raise TemplateRefusedError(
            "TEMPLATE-COLLECTION",
            f"This template is for {shown}, not {codeset.academic_year}: the codes change from "
            f"year to year. {_AGAIN}pupils and results into this year's template.",
        )


# --- reading ----------------------------------------------------------------------------------


def read_template(
    data: bytes,
    codeset: Codeset,
    school: SchoolRef | None = None,
    *,
    collection: str | None = None,
) -> TemplateRead:
    """The header and pupils of a filled template, and its own problems.

    `school` is the school sending it, used for the header when the template does not name
    one; `collection`, when given, is the collection the template must be for.
    """
    with _opened(data) as book:
        info = _info(book)
        expect_for(info, codeset, collection)
        if PUPILS not in book.sheetnames:
            raise TemplateRefusedError(
                "TEMPLATE-NOT-KEYSTAGE",
                f"The template has no sheet called {PUPILS}: it has been renamed or deleted. "
                f"Name the sheet {PUPILS} again, or {_AGAIN[0].lower()}{_AGAIN[1:]}pupils "
                "into it.",
            )
        sheet = book[PUPILS]
        sheet.reset_dimensions()  # never trust the sheet's stated size: read what is there
        layout = columns(info.collection, codeset)
        rows = sheet.iter_rows(min_row=HEADER_ROW, max_col=len(layout) + EXTRA_COLUMNS)
        headings = next(rows, ())
        reader = _RowReader(layout, _found(headings, layout))
        reader.read(rows)
        problems = _heading_problems(headings, layout, reader) + reader.problems
    return TemplateRead(
        info=info,
        header=template_header(info, codeset, school),
        pupils=reader.pupils,
        problems=problems,
        layout=layout,
        found=reader.found,
        texts=reader.texts,
    )


def _found(headings: Sequence[Any], layout: Sequence[Column]) -> dict[int, int]:
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


def template_header(info: TemplateInfo, codeset: Codeset, school: SchoolRef | None) -> Header:
    """The CTF header a template stands for: its own school when it names one, else `school`."""
    named = info.school if info.school.la and info.school.estab else (school or SchoolRef())
    source = dataclasses.replace(named, academic_year=str(codeset.start_year))
    return Header(
        document_name=DOCUMENT_NAME,
        ctf_version=codeset.ctf_versions[0],
        document_qualifier="partial",
        supplier_id=f"Keystage spreadsheet template {info.version}",
        source=source,
        dest=SchoolRef(la=source.la, estab="LLLL") if source.la else SchoolRef(),
    )


class _RowReader:
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
            if not any(_has_value(c) for c in cells):
                continue
            if number > LAST_ROW:
                raise _too_many_rows(number)
            self._row(number, cells)

    def _row(self, number: int, cells: Sequence[Any]) -> None:
        for place, cell in enumerate(cells, start=1):
            if place not in self.places and _has_value(cell):
                self.stray.setdefault(place, number)
        values: dict[int, _Value] = {}
        for column in self.layout:
            at = self.found.get(column.number)
            if at is not None and at <= len(cells):
                values[column.number] = _read_cell(column, cells[at - 1])
        pupil = self._pupil(number, values)
        self.pupils.append(pupil)
        self.texts[number] = {n: v.text for n, v in values.items() if v.text is not None}
        for column in self.layout:
            value = values.get(column.number)
            if value is not None and value.problem is not None:
                self._problem(pupil, column, value)

    def _pupil(self, number: int, values: dict[int, _Value]) -> Pupil:
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

    def _problem(self, pupil: Pupil, column: Column, value: _Value) -> None:
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


def _heading_problems(
    headings: Sequence[Any], layout: Sequence[Column], reader: _RowReader
) -> list[Finding]:
    """TEMPLATE-COLUMNS: template columns the header row lacks; columns it should not have."""
    found = reader.found
    problems: list[tuple[int, str]] = []
    texts = {
        n: _shown(str(c.value).strip())
        for n, c in enumerate(headings, start=1)
        if c is not None and c.value is not None and str(c.value).strip()
    }
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
    used = set(found.values())
    for number in sorted((set(texts) | set(reader.stray)) - used):
        if number in texts and any(c.number == number and c.number not in found for c in layout):
            continue  # a renamed template column: said above
        heading = f"headed “{texts[number]}”" if number in texts else "with no heading"
        problems.append((
            number,
            f"Column {_letter(number)}, {heading}, is not a column of the template, so Keystage "
            "does not read it. Delete the column (keep notes in another workbook) and upload "
            "the file again.",
        ))  # fmt: skip
    return [
        dataclasses.replace(
            finding("TEMPLATE-COLUMNS", message, field="header row"),
            location=location(PUPILS, HEADER_ROW, _letter(number)),
        )
        for number, message in problems
    ]


def _letter(number: int) -> str:
    return get_column_letter(number)


# --- cells ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Value:
    text: str | None
    problem: tuple[str, str] | None = None  # (code, message with {cell})


def _has_value(cell: Any) -> bool:
    value = getattr(cell, "value", None)
    return value is not None and not (isinstance(value, str) and not value.strip())


def _shown(text: str) -> str:
    """A cell's text as a message quotes it: printable, and not too long."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= _SHOWN else clean[: _SHOWN - 1] + "…"


def _read_cell(column: Column, cell: Any) -> _Value:
    value = getattr(cell, "value", None)
    if value is None or (isinstance(value, str) and not value.strip()):
        return _Value(None)
    if getattr(cell, "data_type", None) == "e":
        said = f"cell {{cell}} holds the Excel error {_shown(str(value))}. {_TYPE_IT}"
        return _Value(None, ("TEMPLATE-TEXT", said))
    if column.field == "DOB":
        return _date(value)
    if isinstance(value, bool):
        said = f"cell {{cell}} holds {str(value).upper()}, where {_what(column)} belongs."
        said = f"{said} {_TYPE_IT}"
        return _Value(None, ("TEMPLATE-TEXT", said))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        said = (
            f"cell {{cell}} holds a date, where {_what(column)} belongs: Excel may have turned "
            f"what was typed into a date. Format the cell as Text. {_TYPE_IT}"
        )
        return _Value(None, ("TEMPLATE-TEXT", said))
    if isinstance(value, int | float):
        text = _number(value)
        if column.field != "UPN":
            return _Value(text)
        said = (
            f"the UPN in cell {{cell}} is a number ({_shown(text)}), not text: Excel turns a UPN "
            "typed into a General cell into a number, which loses its letters and leading "
            "zeros. Format the UPN column as Text, type the UPN again and upload the file."
        )
        return _Value(text, ("TEMPLATE-TEXT", said))
    return _Value(str(value).strip())


def _what(column: Column) -> str:
    if column.kind is not None:
        return f"a result for {column.heading}"
    return {"UPN": "a UPN", "Surname": "a surname", "Forename": "a forename", "Sex": "M or F",
            "NCyearActual": "an NC year"}.get(column.field, "text")  # fmt: skip


def _number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_DATE_HELP = "Type it as day/month/year, for example 03/02/2019, and upload the file again."
_TYPE_IT = "Type the value itself (not a formula) and upload the file again."


def _date(value: object) -> _Value:
    """A date of birth as the CTF writes it (YYYY-MM-DD)."""
    if isinstance(value, dt.datetime):
        return _Value(value.date().isoformat())
    if isinstance(value, dt.date):
        return _Value(value.isoformat())
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = _serial_date(value)
        if day is not None:
            return _Value(day.isoformat())
        said = f"the date of birth in cell {{cell}} is the number {_number(value)}, not a date."
        return _Value(_number(value), ("TEMPLATE-DATE", f"{said} {_DATE_HELP}"))
    text = str(value).strip()
    parsed = _parse_text_date(text)
    if parsed is not None:
        return _Value(parsed.isoformat())
    said = (
        f"the date of birth in cell {{cell}}, “{_shown(text)}”, is not a date Keystage can "
        f"read{_why(text)}."
    )
    return _Value(text, ("TEMPLATE-DATE", f"{said} {_DATE_HELP}"))


def _serial_date(value: int | float) -> dt.date | None:
    """A date Excel keeps as its day number (a date cell formatted as a number)."""
    try:
        day = from_excel(value)
    except (ValueError, OverflowError, TypeError):
        return None
    if isinstance(day, dt.datetime) and 1900 < day.year < 2100:
        return day.date()
    return None


def _parse_text_date(text: str) -> dt.date | None:
    """Dates typed as text: day/month/year (as schools in England write them) or ISO."""
    iso, uk = _ISO.match(text), _UK.match(text)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if uk:
            return dt.date(int(uk[3]), int(uk[2]), int(uk[1]))
    except ValueError:
        return None
    return None


def _why(text: str) -> str:
    if _ISO.match(text) or _UK.match(text):
        return ": there is no such day"
    return ""
