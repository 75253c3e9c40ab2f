"""Reading the files that describe the LA's schools: the register of establishments' extract
(GIAS), its links extract (which establishment replaced which), and the LA's own list of email
addresses (the public extract has none). Reading only: plan.py compares, register.py writes.

GIAS writes its CSVs in Windows-1252; a file opened and saved again in Excel may be UTF-8 with
a byte-order mark. Both are read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from keystage.web.models import School

REQUIRED = ("URN", "LA (code)", "EstablishmentNumber", "EstablishmentName")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")  # GIAS's first; the others as Excel saves


class RegisterError(ValueError):
    """A file that cannot be loaded as it is: nothing of it is applied."""


Value = str | int | dt.date | None
Parser = Callable[[str, str], Value]  # (text, column) -> value


@dataclass(frozen=True)
class Establishment:
    """One row of the extract: its URN and LAESTAB, and the School fields its columns give."""

    row: int
    urn: str
    laestab: str
    values: dict[str, Value]

    @property
    def name(self) -> str:
        return str(self.values["name"])


@dataclass
class Extract:
    establishments: list[Establishment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows left out, and why


@dataclass(frozen=True)
class Link:
    """`successor` replaced `predecessor` (URNs), as GIAS's links extract says."""

    predecessor: str
    successor: str
    link_type: str
    established_on: dt.date | None


@dataclass(frozen=True)
class Addresses:
    """A school's addresses from the LA's list; None where the list gives none."""

    row: int
    urn: str
    head_email: str | None
    school_email: str | None


# Files people upload instead of the CSV, by their first bytes: what to do instead.
SAVE_AS_CSV = "Open it in Excel and save it as CSV (Save As, then CSV), then upload that."
NOT_CSV = (
    (b"PK\x03\x04", f"This file is an Excel workbook or a zip file. {SAVE_AS_CSV}"),
    (b"\xd0\xcf\x11\xe0", f"This file is an older Excel or Office document. {SAVE_AS_CSV}"),
    (b"%PDF", "This file is a PDF. Download the CSV from Get Information about Schools."),
)


def not_a_csv(head: bytes) -> str | None:
    """Why a file that starts with these bytes is not one of the CSVs; None if it may be."""
    return next((said for magic, said in NOT_CSV if head.startswith(magic)), None)


def decode(data: bytes, name: str) -> str:
    refused = not_a_csv(data[:8])
    if refused:
        raise RegisterError(refused)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegisterError(f"{name} is not text in UTF-8 or Windows-1252: is it the CSV file?")


def read_text(path: Path | str) -> str:
    path = Path(path)
    return decode(path.read_bytes(), path.name)


def _rows(text: str, name: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    reader.fieldnames = [c.strip() for c in reader.fieldnames or ()]
    missing = [c for c in required if c not in reader.fieldnames]
    if missing:
        raise RegisterError(f"{name} has no column {', '.join(missing)}")
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


# -- The establishments ----------------------------------------------------------------------


def _text(value: str, column: str) -> str:
    return value


def _age(value: str, column: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) > 25:
        raise ValueError(f"{column} {value!r} is not an age in years")
    return int(value)


def _date(value: str, column: str) -> dt.date | None:
    if not value:
        return None
    for form in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise ValueError(f"{column} {value!r} is not a date like 01-09-2025")


# The extract's column -> (School field, how to read it). A column the file lacks leaves its
# field as it is; "MainEmail" is not in the public extract, and a blank one clears nothing.
COLUMNS: dict[str, tuple[str, Parser]] = {
    "EstablishmentName": ("name", _text),
    "TypeOfEstablishment (name)": ("type", _text),
    "EstablishmentStatus (name)": ("status", _text),
    "PhaseOfEducation (name)": ("phase", _text),
    "StatutoryLowAge": ("low_age", _age),
    "StatutoryHighAge": ("high_age", _age),
    "OpenDate": ("opened_on", _date),
    "CloseDate": ("closed_on", _date),
    "HeadTitle (name)": ("head_title", _text),
    "HeadTitle": ("head_title", _text),
    "HeadFirstName": ("head_first_name", _text),
    "HeadLastName": ("head_last_name", _text),
    "TelephoneNum": ("telephone", _text),
    "DistrictAdministrative (name)": ("district", _text),
    "MainEmail": ("main_email", _text),
}
KEPT_WHEN_BLANK = {"main_email"}


def read_establishments(text: str, name: str = "The register") -> Extract:
    """Every establishment with an establishment number (a school with a LAESTAB); a row
    without one (a children's centre, say) is noted and left out."""
    extract = Extract()
    seen: dict[str, int] = {}
    for number, row in _rows(text, name, REQUIRED):
        if not row["EstablishmentNumber"]:
            extract.notes.append(
                f"Row {number} ({row['EstablishmentName'] or row['URN']}) has no establishment "
                "number, so no LAESTAB: left out."
            )
            continue
        found = _establishment(number, row)
        if found.urn in seen:
            raise RegisterError(f"row {number}: URN {found.urn} is on row {seen[found.urn]} too")
        seen[found.urn] = number
        extract.establishments.append(found)
    return extract


def _establishment(number: int, row: dict[str, str]) -> Establishment:
    try:
        urn = _digits(row["URN"], 6, "URN")
        laestab = _digits(row["LA (code)"], 3, "LA (code)")
        laestab += _digits(row["EstablishmentNumber"], 4, "EstablishmentNumber")
        values = _values(row)
    except ValueError as problem:
        raise RegisterError(f"row {number}: {problem}") from None
    if not values.get("name"):
        raise RegisterError(f"row {number}: EstablishmentName is empty")
    return Establishment(row=number, urn=urn, laestab=laestab, values=values)


def _values(row: dict[str, str]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for column, (name, parse) in COLUMNS.items():
        if column not in row or (name in KEPT_WHEN_BLANK and not row[column]):
            continue
        value = parse(row[column], column)
        limit = getattr(School._meta.get_field(name), "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            raise ValueError(f"{column} is longer than {limit} characters")
        values[name] = value
    return values


def _digits(value: str, width: int, column: str) -> str:
    if not value.isdigit() or len(value) > width:
        raise ValueError(f"{column} {value!r} is not a number of {width} digits")
    return value.zfill(width)


# -- The links --------------------------------------------------------------------------------


def read_links(text: str, name: str = "The links file") -> tuple[list[Link], list[str]]:
    """Predecessor and successor links, each pair once (GIAS lists both directions); other
    kinds of link (a sixth-form centre's, say) are noted and left out."""
    links: dict[tuple[str, str], Link] = {}
    notes: list[str] = []
    for number, row in _rows(text, name, ("URN", "LinkURN", "LinkType")):
        kind = row["LinkType"]
        try:
            urn, other = _digits(row["URN"], 6, "URN"), _digits(row["LinkURN"], 6, "LinkURN")
            when = _date(row.get("LinkEstablishedDate", ""), "LinkEstablishedDate")
        except ValueError as problem:
            raise RegisterError(f"{name}, row {number}: {problem}") from None
        if kind.startswith("Predecessor"):
            pair = (other, urn)
        elif kind.startswith("Successor"):
            pair = (urn, other)
        else:
            notes.append(f"{name}, row {number}: a link of type {kind!r} is not followed.")
            continue
        if pair[0] != pair[1]:
            links.setdefault(pair, Link(pair[0], pair[1], kind, when))
    return list(links.values()), notes


# -- The LA's addresses -------------------------------------------------------------------------

HEAD_COLUMNS = ("heademail", "headteacheremail", "headsemail")
SCHOOL_COLUMNS = ("schoolemail", "mainemail", "email")


def read_addresses(text: str, name: str = "The addresses file") -> list[Addresses]:
    """The LA's CSV: URN, the head's address, the school's; its headings as people write them
    ("Head email", "HeadEmail", "School email", ...)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    heading = [re.sub(r"[^a-z]", "", cell.lower()) for cell in next(reader, [])]
    if "urn" not in heading:
        raise RegisterError(f"{name} has no column URN")
    head = next((heading.index(c) for c in HEAD_COLUMNS if c in heading), None)
    school = next((heading.index(c) for c in SCHOOL_COLUMNS if c in heading), None)
    if head is None and school is None:
        raise RegisterError(f"{name} has no column of heads' or schools' email addresses")
    found = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        cells += [""] * (len(heading) - len(cells))
        number = reader.line_num
        try:
            urn = _digits(cells[heading.index("urn")].strip(), 6, "URN")
            found.append(Addresses(number, urn, _email(cells, head), _email(cells, school)))
        except ValueError as problem:
            raise RegisterError(f"{name}, row {number}: {problem}") from None
    return found


def _email(cells: list[str], index: int | None) -> str | None:
    if index is None or not cells[index].strip():
        return None
    address = cells[index].strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ValueError(f"{address!r} is not an email address") from None
    return address
