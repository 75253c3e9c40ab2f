"""Reading a filled template into the pupils a MIS CTF would carry, and pointing every finding
at its sheet, row and column.

    read = read_template(data, codeset, school)       # TemplateRefusedError for a refused workbook
    outcome = run_checks(read.header, read.pupils, context)   # the same rules as for a CTF
    findings = read.merge(outcome.findings)            # + the template's own, each located

A pupil's `line` is its row on the Pupils sheet, so a finding leads back to its row through
the pupil; its field (UPN, DOB, a result's tuple) leads to its column.

This module puts the parts together: `workbook` (opening it safely), `info` (what its hidden
sheet says, and the header it stands for), `rows` and `headings` (walking the Pupils sheet),
`values` (a cell as a CTF's text).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from keystage.checks.model import Finding
from keystage.codesets import Codeset
from keystage.ctf.model import Header, Pupil, SchoolRef
from keystage.template.cells import location
from keystage.template.info import TemplateInfo, expect_for, info_of, template_header
from keystage.template.layout import PUPILS, Column, columns
from keystage.template.rows import EXTRA_COLUMNS, HARD_ROW_CAP, read_pupils
from keystage.template.workbook import opened, pupils_sheet, template_info

__all__ = [
    "EXTRA_COLUMNS",
    "HARD_ROW_CAP",
    "TemplateInfo",
    "TemplateRead",
    "expect_for",
    "read_template",
    "template_header",
    "template_info",
]

_SEVERITY_RANK = {"error": 0, "query": 1, "note": 2}


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
    with opened(data) as book:
        info = info_of(book)
        expect_for(info, codeset, collection)
        layout = columns(info.collection, codeset)
        sheet = read_pupils(pupils_sheet(book), layout)
    return TemplateRead(
        info=info,
        header=template_header(info, codeset, school),
        pupils=sheet.pupils,
        problems=sheet.problems,
        layout=layout,
        found=sheet.found,
        texts=sheet.texts,
    )
