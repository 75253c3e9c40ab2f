"""Where a finding points in a workbook, written the way Excel writes it: "Pupils!D9" for a
cell, "Pupils!9:9" for a whole row, "Pupils!D:D" for a whole column; and a cell's text as a
message quotes it."""

from __future__ import annotations

import re
from typing import Any

_LOCATION = re.compile(
    r"^(?P<sheet>[^!]+)!"
    r"(?:(?P<column>[A-Z]+)(?P<row>\d+)|(?P<whole_row>\d+):\d+|(?P<whole_column>[A-Z]+):[A-Z]+)$"
)
_SHOWN = 40  # characters of a cell's value quoted in a message


def location(sheet: str, row: int | None, column: str | None) -> str:
    if row is not None and column is not None:
        return f"{sheet}!{column}{row}"
    if row is not None:
        return f"{sheet}!{row}:{row}"
    if column is not None:
        return f"{sheet}!{column}:{column}"
    return sheet


def parts(text: str | None) -> dict[str, Any]:
    """{"sheet", "row", "column"} of a location (None where it names no row or column)."""
    found = _LOCATION.match(text or "")
    if found is None:
        return {"sheet": text or None, "row": None, "column": None}
    row = found["row"] or found["whole_row"]
    return {
        "sheet": found["sheet"],
        "row": int(row) if row else None,
        "column": found["column"] or found["whole_column"],
    }


def shown(text: str) -> str:
    """A cell's text as a message quotes it: printable, and not too long."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= _SHOWN else clean[: _SHOWN - 1] + "…"
