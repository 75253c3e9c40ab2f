"""What a workbook's hidden sheet says it is, whether that is the template wanted, and the
CTF header it stands for."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from keystage.checks.model import COLLECTION_NAMES
from keystage.checks.rules.header import DOCUMENT_NAME
from keystage.codesets import COLLECTIONS, Codeset
from keystage.ctf.model import Header, SchoolRef
from keystage.template.build import MARK, META_ROWS
from keystage.template.cells import shown
from keystage.template.layout import META, TEMPLATE_VERSION
from keystage.template.safety import TemplateRefusedError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

AGAIN = "Download the template again from the collection's page in Keystage and copy your "
_DIGITS = {"la": 3, "estab": 4, "urn": 6}


@dataclass(frozen=True)
class TemplateInfo:
    """What the hidden sheet says the workbook is."""

    collection: str
    academic_year: str
    version: str
    school: SchoolRef  # filled in when the portal made the template for a school


def info_of(book: Workbook) -> TemplateInfo:
    """The hidden sheet's details of an open workbook; TemplateRefusedError when it has none
    or they are not this version's."""
    if META not in book.sheetnames:
        raise _not_keystage(
            "This spreadsheet is not a Keystage template. Keystage reads only its own template: "
        )
    rows = list(book[META].iter_rows(min_row=1, max_row=len(META_ROWS) + 1, max_col=2,
                                     values_only=True))  # fmt: skip
    values = [_meta_text(row[1] if len(row) > 1 else None) for row in rows]
    marked = rows and _meta_text(rows[0][0]) == MARK
    if not marked or len(values) < len(META_ROWS) + 1:
        raise _not_keystage(
            "This spreadsheet is not a Keystage template, or its hidden details have been changed. "
        )
    version, collection, year, la, estab, urn, name = values[: len(META_ROWS) + 1]
    if version != TEMPLATE_VERSION or collection not in COLLECTIONS:
        raise _not_keystage(
            "This template was made by another version of Keystage and cannot be read. "
        )
    school = SchoolRef(
        la=_digits(la, "la"), estab=_digits(estab, "estab"), urn=_digits(urn, "urn"),
        name=(name or "")[:200] or None,
    )  # fmt: skip
    return TemplateInfo(collection or "", year or "", version or "", school)


def _not_keystage(said: str) -> TemplateRefusedError:
    return TemplateRefusedError(
        "TEMPLATE-NOT-KEYSTAGE", f"{said}{AGAIN}pupils and results into it."
    )


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
    if collection is not None and info.collection != collection:
        raise TemplateRefusedError(
            "TEMPLATE-COLLECTION",
            f"This is the template for the {COLLECTION_NAMES[info.collection]}, not the "
            f"{COLLECTION_NAMES.get(collection, collection)}. Download the template from this "
            "collection's page, copy your pupils and results into it, and upload it here.",
        )
    if info.academic_year != codeset.academic_year:
        year = shown(info.academic_year) or "no year"
        raise TemplateRefusedError(
            "TEMPLATE-COLLECTION",
            f"This template is for {year}, not {codeset.academic_year}: the codes change from "
            f"year to year. {AGAIN}pupils and results into this year's template.",
        )


def template_header(info: TemplateInfo, codeset: Codeset, school: SchoolRef | None) -> Header:
    """The CTF header a template stands for: its own school when it names one (a school by its
    LAESTAB, a PVI setting by its early years URN), else `school`."""
    own = info.school
    named = own if own.la and (own.estab or own.urn) else (school or SchoolRef())
    source = dataclasses.replace(named, academic_year=str(codeset.start_year))
    return Header(
        document_name=DOCUMENT_NAME,
        ctf_version=codeset.ctf_versions[0],
        document_qualifier="partial",
        supplier_id=f"Keystage spreadsheet template {info.version}",
        source=source,
        dest=SchoolRef(la=source.la, estab="LLLL") if source.la else SchoolRef(),
    )
