"""Workbooks Keystage refuses as a whole, before or as openpyxl opens them: each with a code
and a message a school office can act on."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from keystage import codesets
from keystage.checks import Context
from keystage.template.build import build_template
from keystage.template.check import check_template
from keystage.template.layout import LAST_ROW
from keystage.template.safety import MAX_MEMBERS, inspect

CODESET = codesets.load("2025-26")
BLANK = build_template("KS1", CODESET)


def rezip(data: bytes, change) -> bytes:
    """The workbook's parts, passed through `change(name, bytes) -> bytes | None` (None drops
    the part), plus any parts `change` adds under the name "+"."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content, zipfile.ZIP_DEFLATED)
        for name, content in (change("+", b"") or {}).items():
            target.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def refused(data: bytes, collection: str | None = "KS1", codeset=CODESET):
    outcome = check_template(data, Context(codeset=codeset, collection=collection))
    assert outcome.refused is not None and outcome.findings == [outcome.refused]
    assert outcome.pupils == []
    return outcome.refused


def sheet_with(change) -> bytes:
    book = load_workbook(io.BytesIO(BLANK))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def test_the_blank_template_passes_inspection():
    inspect(BLANK)  # no exception


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"<?xml version='1.0'?><CTfile/>", "not an Excel workbook"),
        (b"PK\x03\x04" + b"\0" * 100, "damaged"),
        (plain_zip({"notes.txt": b"hello"}), "This is a zip file"),
        (plain_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "Word"),
    ],
)
def test_what_is_not_an_xlsx_is_refused(data, said):
    found = refused(data)
    assert found.code == "TEMPLATE-NOT-XLSX"
    assert said in found.message and ".xlsx" in found.message


def test_macros_are_refused():
    with_macros = rezip(BLANK, lambda name, c: {"xl/vbaProject.bin": b"\0" * 64} if name == "+"
                        else c)  # fmt: skip
    found = refused(with_macros)
    assert found.code == "TEMPLATE-NOT-XLSX"
    assert "macros" in found.message and "Excel Workbook (*.xlsx)" in found.message


def test_a_zip_bomb_is_refused_by_its_declared_size_before_it_is_inflated():
    bomb = rezip(BLANK, lambda name, c: {"xl/media/big.xml": b" " * (51 * 1024 * 1024)}
                 if name == "+" else c)  # fmt: skip
    assert len(bomb) < 1024 * 1024  # it compresses to almost nothing
    found = refused(bomb)
    assert found.code == "FILE-HOSTILE" and "50 MB" in found.message


def test_too_many_parts_are_refused():
    many = rezip(BLANK, lambda name, c: {f"xl/x{n}.xml": b"<x/>" for n in range(MAX_MEMBERS)}
                 if name == "+" else c)  # fmt: skip
    assert refused(many).code == "FILE-HOSTILE"


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>',
        b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">',
    ],
)
def test_entity_declarations_in_any_xml_part_are_refused(declaration):
    def change(name: str, content: bytes):
        if name == "xl/worksheets/sheet1.xml":
            assert content.startswith(b"<worksheet")  # openpyxl writes no XML declaration
            return declaration + content
        return None if name == "+" else content

    found = refused(rezip(BLANK, change))
    assert found.code == "FILE-HOSTILE" and "DOCTYPE or ENTITY" in found.message


def test_an_xml_part_not_in_utf8_is_refused():
    def change(name: str, content: bytes):
        if name == "xl/workbook.xml":
            return content.decode("utf-8").encode("utf-16")
        return None if name == "+" else content

    assert refused(rezip(BLANK, change)).code == "FILE-HOSTILE"


def test_a_workbook_that_is_not_a_keystage_template_is_refused():
    out = io.BytesIO()
    Workbook().save(out)
    found = refused(out.getvalue())
    assert found.code == "TEMPLATE-NOT-KEYSTAGE" and "Download the template" in found.message


def test_a_changed_version_or_renamed_pupils_sheet_is_refused():
    other_version = sheet_with(lambda book: book["Keystage"].cell(1, 2, "99"))
    assert refused(other_version).code == "TEMPLATE-NOT-KEYSTAGE"
    renamed = sheet_with(lambda book: setattr(book["Pupils"], "title", "Children"))
    found = refused(renamed)
    assert found.code == "TEMPLATE-NOT-KEYSTAGE" and "Pupils" in found.message


def test_another_collections_or_years_template_is_refused():
    found = refused(build_template("KS2", CODESET), collection="KS1")
    assert found.code == "TEMPLATE-COLLECTION" and "Key Stage 2" in found.message
    last_year = build_template("KS1", codesets.load("2024-25"))
    found = refused(last_year)
    assert found.code == "TEMPLATE-COLLECTION" and "2024-25" in found.message


@pytest.mark.parametrize("row", [LAST_ROW + 1, 500_000])
def test_something_below_the_last_pupil_row_is_refused(row):
    below = sheet_with(lambda book: book["Pupils"].cell(row, 2, "Smith"))
    found = refused(below)
    assert found.code == "TEMPLATE-ROWS" and "Delete the rows below" in found.message
