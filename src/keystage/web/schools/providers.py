"""Reading the LA's early years provider list: the private, voluntary and independent (PVI)
settings (nurseries, childminders) that send the EYFSP for their funded children. Reading only,
as gias.py reads the register: plan.py compares, register.py writes.

The list is the LA's own CSV (from its early years team or its provider database), so its
headings vary: each column is found by its heading with case, spaces and punctuation ignored
("EY URN", "EYURN", "Early years URN", "Setting name", "Contact email", ...). A setting is known
by its early years URN, 6 digits starting 5, 6 or 7 (as in the early years census and the
DfE's EYFSP return, dfe-returns.md §2.1); a row without one is refused with its row number, and
nothing of the file is loaded until every row reads.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from keystage.codesets.providers import EY_URN
from keystage.web.models import School
from keystage.web.models.schools import SCHOOL, SETTING
from keystage.web.schools.gias import Establishment, Extract, RegisterError, Value

MOST_PROBLEMS_SHOWN = 10

# A School field -> the headings that mean it, folded (lower case, letters and digits only).
HEADINGS: dict[str, tuple[str, ...]] = {
    "urn": ("eyurn", "earlyyearsurn", "urn", "settingurn", "providerurn", "ofstedurn"),
    "name": ("name", "settingname", "providername", "setting", "provider"),
    "type": ("type", "settingtype", "providertype", "typeofsetting", "typeofprovider"),
    "contact": ("contactname", "contact", "managername", "manager", "leadname"),
    "head_email": ("email", "contactemail", "emailaddress", "settingemail", "contactemailaddress"),
    "telephone": ("phone", "telephone", "contactphone", "telephonenumber", "phonenumber", "tel"),
    "district": ("postcode", "district", "postcodedistrict", "area", "ward"),
    "la_number": ("la", "lacode", "lanumber", "localauthority", "lea"),
}
REQUIRED = ("urn", "name")
SAY = {"urn": "EY URN", "name": "Name"}


def _fold(heading: str) -> str:
    return re.sub(r"[^a-z0-9]", "", heading.lower())


def _columns(heading: list[str], name: str) -> dict[str, int]:
    folded = [_fold(cell) for cell in heading]
    found = {}
    for field, names in HEADINGS.items():
        index = next((folded.index(n) for n in names if n in folded), None)
        if index is not None:
            found[field] = index
    missing = [SAY[f] for f in REQUIRED if f not in found]
    if missing:
        raise RegisterError(
            f"{name} has no column {' or '.join(missing)}: the list needs each setting's early "
            "years URN and name (headings such as “EY URN” and “Setting name”)."
        )
    return found


def schools_la() -> str | None:
    """The LA number the LA's schools share (the most common, should the register hold a
    neighbour's school): a setting's LA when its list does not say."""
    numbers = Counter(s.la for s in School.objects.filter(kind=SCHOOL).exclude(laestab=""))
    return numbers.most_common(1)[0][0] if numbers else None


def read_settings(text: str, name: str = "The provider list", *, la: str | None = None) -> Extract:
    """Every setting in the list, as establishments with no LAESTAB; RegisterError naming each
    bad row (up to ten) when any row cannot be read."""
    reader = csv.reader(io.StringIO(text, newline=""))
    columns = _columns(next(reader, []), name)
    la = la or schools_la()
    extract, problems, seen = Extract(), [], dict[str, int]()
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        number = reader.line_num
        cells = [c.strip() for c in cells] + [""] * (len(columns) + 10)
        try:
            found = _setting(number, {f: cells[i] for f, i in columns.items()}, la)
        except ValueError as problem:
            problems.append(f"Row {number}: {problem}")
            continue
        if found.urn in seen:
            problems.append(f"Row {number}: EY URN {found.urn} is on row {seen[found.urn]} too")
        seen[found.urn] = number
        extract.establishments.append(found)
    if problems:
        more = len(problems) - MOST_PROBLEMS_SHOWN
        shown = problems[:MOST_PROBLEMS_SHOWN] + ([f"and {more} more rows"] if more > 0 else [])
        raise RegisterError(f"{name} was not loaded. " + "; ".join(shown) + ".")
    return extract


def _setting(number: int, row: dict[str, str], la: str | None) -> Establishment:
    who = row["name"] or "a setting with no name"
    urn = row["urn"]
    if not EY_URN.fullmatch(urn):
        raise ValueError(
            f"{who}: EY URN {urn!r} is not an early years URN (6 digits starting 5, 6 or 7, as "
            "on the setting's Ofsted registration). Correct it in the list and load it again."
        )
    if not row["name"]:
        raise ValueError(f"EY URN {urn} has no name")
    number_given = row.get("la_number", "")
    la_number = number_given or la
    if not la_number or not la_number.isdigit() or len(la_number) != 3:
        raise ValueError(
            f"{who}: no LA number (3 digits): add an LA column to the list, or load the "
            "register of schools first"
        )
    values: dict[str, Value] = {
        "kind": SETTING, "la_number": la_number, "name": row["name"], "status": "Open",
        **_contact(row.get("contact", "")),
    }  # fmt: skip
    for field in ("type", "telephone", "district", "head_email"):
        if row.get(field):
            values[field] = row[field]
    if email := row.get("head_email"):
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError(f"{who}: {email!r} is not an email address") from None
    for field, value in values.items():
        limit = getattr(School._meta.get_field(field), "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            raise ValueError(f"{who}: {field.replace('_', ' ')} is longer than {limit} characters")
    return Establishment(row=number, urn=urn, laestab="", values=values)


def _contact(name: str) -> dict[str, Value]:
    """The contact, kept in the head's fields (the person the setting's account goes to): the
    last word as the surname, as an invitation addresses them."""
    first, _, last = name.rpartition(" ")
    return {"head_first_name": first, "head_last_name": last} if first else {
        "head_first_name": "", "head_last_name": last}  # fmt: skip
