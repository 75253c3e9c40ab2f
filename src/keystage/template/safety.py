"""An uploaded workbook is a zip from outside: looked at before openpyxl touches it.

Refused here: anything that is not a zip with the parts of an Excel workbook; a zip with too
many members or more uncompressed bytes than a template could hold (a zip bomb: Python's
zipfile never reads more than a member's declared size, so capping the declared sizes caps
what openpyxl can be made to inflate); password-protected members; macros (.xlsm, a
vbaProject.bin); and any XML part with a DOCTYPE or ENTITY declaration (entity expansion and
external entities live there; Excel never writes one) or not in UTF-8 (where such a
declaration could hide from a byte search).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Literal

RefusalCode = Literal[
    "FILE-HOSTILE", "TEMPLATE-NOT-XLSX", "TEMPLATE-NOT-KEYSTAGE", "TEMPLATE-COLLECTION",
    "TEMPLATE-ROWS",
]  # fmt: skip

ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 300
# A filled template of 2,000 pupils is about 1 MB of XML; 50 MB leaves room for any styling.
MAX_UNCOMPRESSED = 50 * 1024 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1024 * 1024
_OVERLAP = 32
_AGAIN = (
    "Download the template again from the collection's page in Keystage, copy your pupils "
    "into it, save it as an Excel Workbook (.xlsx) and upload it."
)


class TemplateRefusedError(Exception):
    """A workbook refused as a whole; `message` says what to do, for a school office."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(message)
        self.code: RefusalCode = code
        self.message = message


def looks_like_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def inspect(data: bytes) -> None:
    """Raises TemplateRefusedError unless `data` is a plain .xlsx workbook safe to open."""
    if not looks_like_zip(data):
        raise TemplateRefusedError(
            "TEMPLATE-NOT-XLSX", f"This file is not an Excel workbook (.xlsx). {_AGAIN}"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise TemplateRefusedError(
            "TEMPLATE-NOT-XLSX",
            f"The workbook is damaged: it cannot be opened as an Excel file. {_AGAIN}",
        ) from None
    with archive:
        members = archive.infolist()
        _limits(members)
        workbook_parts(members)
        for member in members:
            if member.filename.lower().endswith(_XML_SUFFIXES):
                _scan(archive, member)


def _limits(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise TemplateRefusedError(
            "FILE-HOSTILE",
            f"The workbook holds {len(members):,} parts, far more than a Keystage template "
            f"(the most Keystage accepts is {MAX_MEMBERS}). {_AGAIN}",
        )
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise TemplateRefusedError(
            "FILE-HOSTILE",
            "The workbook unpacks to more than 50 MB, far more than a template of pupils' "
            f"results. Keystage refuses such files. {_AGAIN}",
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise TemplateRefusedError(
            "TEMPLATE-NOT-XLSX",
            "The workbook is protected with a password, so Keystage cannot read it. Remove the "
            "password (File, Info, Protect Workbook in Excel), save it and upload it again.",
        )


def workbook_parts(members: list[zipfile.ZipInfo]) -> None:
    """Refuses a zip without an Excel workbook's parts, or with macros."""
    names = {m.filename.lower() for m in members}
    if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        raise TemplateRefusedError(
            "TEMPLATE-NOT-XLSX",
            "The workbook contains macros. Keystage does not accept macro-enabled workbooks: "
            "in Excel choose File, Save As, Excel Workbook (*.xlsx), and upload that file.",
        )
    if "[content_types].xml" in names and "xl/workbook.xml" in names:
        return
    if any(name.startswith("word/") for name in names):
        said = "This is a Word document, not an Excel workbook."
    elif any(name.startswith("ppt/") for name in names):
        said = "This is a PowerPoint presentation, not an Excel workbook."
    elif "content.xml" in names and "mimetype" in names:
        said = "This is an OpenDocument file (.ods), not an Excel workbook."
    else:
        said = "This is a zip file, not an Excel workbook."
    raise TemplateRefusedError("TEMPLATE-NOT-XLSX", f"{said} {_AGAIN}")


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Reads one XML part in chunks (never more than its declared size) for declarations."""
    tail = b""
    first = True
    try:
        with archive.open(member) as part:
            while chunk := part.read(_CHUNK):
                if first:
                    _utf8_only(chunk)
                    first = False
                if _DECLARATION.search(tail + chunk):
                    raise TemplateRefusedError(
                        "FILE-HOSTILE",
                        "The workbook has a DOCTYPE or ENTITY declaration inside it, which Excel "
                        "never writes and which can hide instructions to read other files. "
                        f"Keystage refuses such files. {_AGAIN}",
                    )
                tail = chunk[-_OVERLAP:]
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
        raise TemplateRefusedError(
            "TEMPLATE-NOT-XLSX",
            f"The workbook is damaged: a part of it cannot be unpacked. {_AGAIN}",
        ) from None


def _utf8_only(start: bytes) -> None:
    if start.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in start[:512]:
        raise TemplateRefusedError(
            "FILE-HOSTILE",
            f"A part of the workbook is not saved as UTF-8 text, which Excel always uses. {_AGAIN}",
        )
