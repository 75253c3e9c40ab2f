"""Every CSV Keystage writes, with each cell safe to open in a spreadsheet.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula (CSV injection):
a pupil's name typed in a MIS as =HYPERLINK("http://x","Click") becomes a link in the LA's
copy of the file, and worse formulas can reach other cells or the network. Some spreadsheets
also start a formula at a leading tab or carriage return, take the full-width forms typed on
East Asian keyboards (U+FF1D, U+FF0B, U+FF0D, U+FF20), and skip spaces before any of them.
A cell that begins so gets a leading apostrophe, which spreadsheets read as "this is text"
(OWASP's advice).

    write_csv(response, [["UPN", "Surname"], *rows])   # any object with write(str)
    body = csv_bytes([["UPN", "Surname"], *rows])      # UTF-8, for a file in a ZIP

Numbers (int, float, Decimal; not bool) are written as they are, even negative ones: every
such cell is made by Keystage's own code (a count, a percentage, a progress score such as
-1.5), its text is only a sign, digits and a point, so it cannot carry a formula, and a
leading apostrophe would turn an LA's figures into text its sums skip. Text is always checked,
even text that looks like a number: it came from outside, and "-1+1" is a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

# Where a spreadsheet may start reading a formula, the full-width forms included.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# Skipped before the first character: a space, a no-break space, a full-width space.
_SPACES = " \u00a0\u3000"
TEXT_MARK = "'"


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read the text as a formula."""
    first = text.lstrip(_SPACES)[:1]
    return first != "" and first in FORMULA_STARTS


def inert(value: object) -> object:
    """The cell as it is safe to write: None blank, our own numbers as they are, anything
    else as text with a leading apostrophe when it could start a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value  # see the module's docstring: a number cannot carry a formula
    text = str(value)
    return TEXT_MARK + text if is_formula_like(text) else text


def write_csv(out: Writable, rows: Iterable[Iterable[object]]) -> None:
    """Writes the rows as CSV (Excel's CRLF line endings), every cell made inert."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([inert(value) for value in row] for row in rows)


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    write_csv(out, rows)
    return out.getvalue()


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """The CSV as UTF-8 bytes."""
    return csv_text(rows).encode()
