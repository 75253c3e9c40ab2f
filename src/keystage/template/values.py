"""A cell's value as the text a CTF would carry, or the problem that stops it being read: a
formula's error, a UPN Excel turned into a number, a result Excel turned into a date, a date
of birth that is not a date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.datetime import from_excel

from keystage.template.cells import shown
from keystage.template.layout import Column

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DATE_HELP = "Type it as day/month/year, for example 03/02/2019, and upload the file again."
_TYPE_IT = "Type the value itself (not a formula) and upload the file again."


@dataclass(frozen=True, slots=True)
class CellValue:
    text: str | None
    problem: tuple[str, str] | None = None  # (code, message with {cell})


def has_value(cell: Any) -> bool:
    value = getattr(cell, "value", None)
    return value is not None and not (isinstance(value, str) and not value.strip())


def read_cell(column: Column, cell: Any) -> CellValue:
    value = getattr(cell, "value", None)
    if value is None or (isinstance(value, str) and not value.strip()):
        return CellValue(None)
    if getattr(cell, "data_type", None) == "e":
        said = f"cell {{cell}} holds the Excel error {shown(str(value))}. {_TYPE_IT}"
        return CellValue(None, ("TEMPLATE-TEXT", said))
    if column.field == "DOB":
        return _date(value)
    if isinstance(value, bool | dt.datetime | dt.date | dt.time):
        return CellValue(None, ("TEMPLATE-TEXT", _not_text(column, value)))
    if isinstance(value, int | float):
        return _number_cell(column, value)
    return CellValue(str(value).strip())


def _not_text(column: Column, value: bool | dt.datetime | dt.date | dt.time) -> str:
    """What to say of a TRUE or FALSE, or a date, where text belongs."""
    if isinstance(value, bool):
        return (
            f"cell {{cell}} holds {str(value).upper()}, where {_what(column)} belongs. {_TYPE_IT}"
        )
    return (
        f"cell {{cell}} holds a date, where {_what(column)} belongs: Excel may have turned "
        f"what was typed into a date. Format the cell as Text. {_TYPE_IT}"
    )


def _number_cell(column: Column, value: int | float) -> CellValue:
    text = _number(value)
    if column.field != "UPN":
        return CellValue(text)
    said = (
        f"the UPN in cell {{cell}} is a number ({shown(text)}), not text: Excel turns a UPN "
        "typed into a General cell into a number, which loses its letters and leading "
        "zeros. Format the UPN column as Text, type the UPN again and upload the file."
    )
    return CellValue(text, ("TEMPLATE-TEXT", said))


def _what(column: Column) -> str:
    if column.kind is not None:
        return f"a result for {column.heading}"
    return {"UPN": "a UPN", "Surname": "a surname", "Forename": "a forename", "Sex": "M or F",
            "NCyearActual": "an NC year"}.get(column.field, "text")  # fmt: skip


def _number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _date(value: object) -> CellValue:
    """A date of birth as the CTF writes it (YYYY-MM-DD)."""
    if isinstance(value, dt.datetime):
        return CellValue(value.date().isoformat())
    if isinstance(value, dt.date):
        return CellValue(value.isoformat())
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = _serial_date(value)
        if day is not None:
            return CellValue(day.isoformat())
        said = f"the date of birth in cell {{cell}} is the number {_number(value)}, not a date."
        return CellValue(_number(value), ("TEMPLATE-DATE", f"{said} {_DATE_HELP}"))
    text = str(value).strip()
    parsed = _parse_text_date(text)
    if parsed is not None:
        return CellValue(parsed.isoformat())
    said = (
        f"the date of birth in cell {{cell}}, “{shown(text)}”, is not a date Keystage can "
        f"read{_why(text)}."
    )
    return CellValue(text, ("TEMPLATE-DATE", f"{said} {_DATE_HELP}"))


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
