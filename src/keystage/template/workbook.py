"""Opening an uploaded workbook safely: looked at by `safety` before openpyxl touches it, then
opened read-only, with values instead of formulas and no links followed."""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

from openpyxl import load_workbook

from keystage.template.info import AGAIN, TemplateInfo, info_of
from keystage.template.layout import PUPILS
from keystage.template.safety import TemplateRefusedError, inspect

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # what read_only=True opens


@contextlib.contextmanager
def opened(data: bytes) -> Iterator[Workbook]:
    """The workbook, open while the block runs; TemplateRefusedError if it is not safe to open
    or cannot be read."""
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
            f"The workbook cannot be read as an Excel file: it may be damaged. {AGAIN}pupils "
            "into it.",
        ) from None
    try:
        yield book
    finally:
        book.close()


def template_info(data: bytes) -> TemplateInfo:
    """What a workbook says it is (collection, year, version); TemplateRefusedError if it is not a
    Keystage template or not safe to open."""
    with opened(data) as book:
        return info_of(book)


def pupils_sheet(book: Workbook) -> ReadOnlyWorksheet:
    """The Pupils sheet, sized by what is in it; TemplateRefusedError when there is none."""
    if PUPILS not in book.sheetnames:
        raise TemplateRefusedError(
            "TEMPLATE-NOT-KEYSTAGE",
            f"The template has no sheet called {PUPILS}: it has been renamed or deleted. "
            f"Name the sheet {PUPILS} again, or {AGAIN[0].lower()}{AGAIN[1:]}pupils "
            "into it.",
        )
    sheet = book[PUPILS]
    sheet.reset_dimensions()  # never trust the sheet's stated size: read what is there
    return sheet
