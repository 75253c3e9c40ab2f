"""The spreadsheet template route (keystage.template): what only the template reader can see.

A filled template is turned into pupils and checked by every other rule here, like a CTF. These
codes are the template's own: the workbook refused as a whole (scope "reader"), or a cell that
cannot be read as the template means it (scope "template"; the rest of the sheet is still
checked). The template reader raises them; each one names its sheet, row and column.
"""

from __future__ import annotations

from keystage.checks.model import ERROR
from keystage.checks.registry import declare

declare(
    code="TEMPLATE-NOT-XLSX",
    severity=ERROR,
    scope="reader",
    summary="A spreadsheet upload that is not a plain Excel workbook (.xlsx): damaged, "
    "password-protected, or with macros.",
)
declare(
    code="TEMPLATE-NOT-KEYSTAGE",
    severity=ERROR,
    scope="reader",
    summary="An Excel workbook that is not a Keystage template, or whose Pupils sheet has been "
    "renamed or deleted.",
)
declare(
    code="TEMPLATE-COLLECTION",
    severity=ERROR,
    scope="reader",
    summary="A Keystage template for another collection or academic year.",
)
declare(
    code="TEMPLATE-ROWS",
    severity=ERROR,
    scope="reader",
    summary="The Pupils sheet has something below the template's last pupil row.",
)
declare(
    code="TEMPLATE-COLUMNS",
    severity=ERROR,
    scope="template",
    fields=("header row",),
    summary="The header row was changed: a column missing or renamed, or an extra column with "
    "values in it.",
)
declare(
    code="TEMPLATE-DATE",
    severity=ERROR,
    scope="template",
    fields=("DOB",),
    summary="A date of birth Keystage cannot read as a date (text such as 31/02/2019).",
)
declare(
    code="TEMPLATE-TEXT",
    severity=ERROR,
    scope="template",
    fields=("UPN", "Result"),
    summary="A cell that must hold text holds a number Excel made of it (a UPN), a date, "
    "TRUE/FALSE or an Excel error such as #N/A.",
)
