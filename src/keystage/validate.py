"""Offline validation of CTF files: read, check, and shape the result for people or JSON.

The same reader and rules run in the portal; this module only joins them for one file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from keystage import codesets
from keystage.checks import Context, Finding, finding, run_checks
from keystage.codesets import Codeset
from keystage.ctf.errors import CTFError
from keystage.ctf.model import Header, Pupil, SchoolRef
from keystage.ctf.reader import DEFAULT_MAX_BYTES, read_ctf
from keystage.template.cells import parts
from keystage.template.safety import TemplateRefusedError, looks_like_zip


@dataclass
class FileResult:
    path: str
    collection: str | None = None
    header: Header = field(default_factory=Header)
    pupils: int = 0
    findings: list[Finding] = field(default_factory=list)
    format: str = "ctf"  # or "xlsx-template": a filled spreadsheet template

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def queries(self) -> int:
        return sum(1 for f in self.findings if f.severity == "query")

    def to_json(self) -> dict[str, Any]:
        """The stable `validate --json` shape: fields may be added, never renamed or removed."""
        source = self.header.source
        return {
            "path": self.path,
            "collection": self.collection,
            "school": {
                "la": source.la,
                "estab": source.estab,
                "urn": source.urn,
                "name": source.name,
            },
            "ctf_version": self.header.ctf_version,
            "pupils": self.pupils,
            "errors": self.errors,
            "queries": self.queries,
            "findings": [finding_json(f) for f in self.findings],
            "format": self.format,
        }


def finding_json(item: Finding) -> dict[str, Any]:
    return {
        "code": item.code,
        "severity": item.severity,
        "upn": item.upn,
        "pupil": item.pupil,
        "field": item.field,
        "message": item.message,
        "line": item.line,
        # where a spreadsheet template's finding is: "Pupils!D9", and its parts (else None)
        "location": item.location,
        **parts(item.location),
    }


def default_codeset(today: dt.date | None = None) -> Codeset:
    """This academic year's code table, or the latest there is once the year has moved on."""
    year = codesets.year_for(today or dt.date.today())
    available = codesets.available_years()
    return codesets.load(year if year in available else available[-1])


def school_from_laestab(laestab: str) -> SchoolRef:
    if len(laestab) != 7 or not laestab.isdigit():
        raise ValueError(f"{laestab!r} is not a LAESTAB: 7 digits, the LA number then the school's")
    return SchoolRef(la=laestab[:3], estab=laestab[3:])


def validate_file(
    path: str | Path,
    *,
    codeset: Codeset | None = None,
    collection: str | None = None,
    school: SchoolRef | None = None,
    previous: Mapping[str, Pupil] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> FileResult:
    """Reads and checks one file. A file the reader refuses is one file-level finding."""
    path = Path(path)
    result = FileResult(path=str(path), collection=collection)
    if _is_template(path):
        return _validate_template(path, result, codeset, school, previous, max_bytes)
    context = Context(
        codeset=codeset or default_codeset(),
        collection=collection,
        school=school,
        file_name=path.name,
        previous=previous,
    )
    try:
        with read_ctf(path, max_bytes=max_bytes) as reader:
            result.header = reader.header
            outcome = run_checks(reader.header, reader, context)
    except CTFError as refused:
        result.pupils = 0
        result.findings = [finding(refused.code, refused.message, field=_where(refused))]
        return result
    result.collection = outcome.collection
    result.pupils = outcome.pupils
    result.findings = outcome.findings
    return result


def _is_template(path: Path) -> bool:
    with contextlib.suppress(OSError), path.open("rb") as file:
        return looks_like_zip(file.read(4))
    return False


def _validate_template(
    path: Path,
    result: FileResult,
    codeset: Codeset | None,
    school: SchoolRef | None,
    previous: Mapping[str, Pupil] | None,
    max_bytes: int,
) -> FileResult:
    """A filled spreadsheet template: the same rules, each finding with its cell."""
    # openpyxl (about 0.3 s to import): loaded only when a spreadsheet is validated
    from keystage.template.check import check_template

    result.format = "xlsx-template"
    if path.stat().st_size > max_bytes:
        result.findings = [_template_too_big(max_bytes)]
        return result
    data = path.read_bytes()
    if codeset is None:
        codeset = _template_codeset(data)
    context = Context(
        codeset=codeset,
        collection=result.collection,
        school=school,
        file_name=path.name,
        previous=previous,
    )
    outcome = check_template(data, context)
    result.header = outcome.header
    result.collection = outcome.collection
    result.pupils = len(outcome.pupils)
    result.findings = outcome.findings
    return result


def _template_too_big(max_bytes: int) -> Finding:
    message = (
        f"The file is larger than {max_bytes / (1024 * 1024):g} MB, the largest Keystage "
        "accepts. A template for one school is far smaller: check that this is the right file."
    )
    return finding("FILE-HOSTILE", message)


def _template_codeset(data: bytes) -> Codeset:
    """The code table of the template's own year, when there is one (else this year's: the
    reader then refuses the template with TEMPLATE-COLLECTION)."""
    from keystage.template.workbook import template_info  # openpyxl: as in _validate_template

    try:
        year = template_info(data).academic_year
    except TemplateRefusedError:
        return default_codeset()  # the check that follows refuses it again, with the reason
    return codesets.load(year) if year in codesets.available_years() else default_codeset()


def _where(error: CTFError) -> str | None:
    if error.line is None:
        return None
    return f"line {error.line}" + (f", column {error.column}" if error.column else "")
