"""Loading schools from a CSV laid out like the DfE's register of establishments (GIAS)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from keystage.web.models import School

REQUIRED = ("URN", "LA (code)", "EstablishmentNumber", "EstablishmentName")


class RegisterError(ValueError):
    pass


@dataclass
class Loaded:
    created: int = 0
    updated: int = 0


def load_register(path: Path | str) -> Loaded:
    """Adds or updates every school in the file by its URN; all rows or none."""
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    if rows:
        missing = [c for c in REQUIRED if c not in rows[0]]
        if missing:
            raise RegisterError(f"{path}: the register has no column {', '.join(missing)}")
    loaded = Loaded()
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            _, created = School.objects.update_or_create(
                urn=_digits(row["URN"], 6, number, "URN"),
                defaults=_fields(row, number),
            )
            loaded.created += created
            loaded.updated += not created
    return loaded


def _fields(row: dict[str, str], number: int) -> dict[str, str]:
    la = _digits(row["LA (code)"], 3, number, "LA (code)")
    estab = _digits(row["EstablishmentNumber"], 4, number, "EstablishmentNumber")
    return {
        "laestab": la + estab,
        "name": row["EstablishmentName"].strip(),
        "phase": row.get("PhaseOfEducation (name)", "").strip(),
        "type": row.get("TypeOfEstablishment (name)", "").strip(),
        "main_email": row.get("MainEmail", "").strip(),
        "district": row.get("DistrictAdministrative (name)", "").strip(),
    }


def _digits(value: str, width: int, number: int, column: str) -> str:
    value = (value or "").strip()
    if not value.isdigit() or len(value) > width:
        raise RegisterError(f"row {number}: {column} {value!r} is not a number of {width} digits")
    return value.zfill(width)
