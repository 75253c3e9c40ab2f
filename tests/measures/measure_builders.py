"""Hand-built pupils for the measures tests: results keyed by the code table's roles.

Import as `from measure_builders import ...` (pytest puts this folder on sys.path).
"""

from __future__ import annotations

from typing import Any

from keystage import codesets
from keystage.ctf.model import Assessment, Header, Language, Pupil, SchoolRef
from keystage.measures import Measure

CODESET = codesets.load("2025-26")
THIS_YEAR = CODESET.assessment_year
LAST_YEAR = str(int(THIS_YEAR) - 1)
HEADER = Header(
    document_name="Common Transfer File",
    ctf_version=CODESET.ctf_versions[0],
    date_time="2026-06-20T10:15:00",
    document_qualifier="partial",
    source=SchoolRef(la="330", estab="2001", urn="103210", name="Oak Lane Primary",
                     academic_year=str(CODESET.start_year)),
)  # fmt: skip


def result(role: str, value: str | None, year: str | None = THIS_YEAR) -> Assessment:
    key = CODESET.role(role).key
    return Assessment(*key, result=value, locale="ENG", year=year, result_status="R")


def pupil(n: int, *results: Assessment, **fields: Any) -> Pupil:
    """Pupil number n (UPN "P0000n"): an unremarkable girl unless `fields` say otherwise."""
    details: dict[str, Any] = dict(
        upn=f"P{n:05d}",
        surname=f"SURNAME{n}",
        forename="Alex",
        dob="2019-01-15",
        sex="F",
        ethnicity="WBRI",
        languages=(Language("F", "ENG"),),
    )
    details.update(fields)
    return Pupil(assessments=results, **details)


def with_roles(n: int, values: dict[str, str | None], **fields: Any) -> Pupil:
    """A pupil with one result per role (None: the result is missing altogether)."""
    found = [result(role, value) for role, value in values.items() if value is not None]
    return pupil(n, *found, **fields)


def ks1(n: int, reading: str | None, writing: str | None, maths: str | None,
        science: str | None = None, **fields: Any) -> Pupil:  # fmt: skip
    values = {"ks1_reading": reading, "ks1_writing": writing, "ks1_maths": maths,
              "ks1_science": science}  # fmt: skip
    return with_roles(n, values, nc_year="2", **fields)


def find(measures: list[Measure], name: str, group: str = "all") -> Measure:
    found = [m for m in measures if m.measure == name and m.group == group]
    assert len(found) == 1, f"{name} {group}: {len(found)} figures"
    return found[0]


def figure(measures: list[Measure], name: str, group: str = "all") -> tuple[Any, ...]:
    """(numerator, denominator, percent) of a percentage; (value, denominator) of a mean."""
    m = find(measures, name, group)
    if m.kind == "average":
        return m.value, m.denominator
    return m.numerator, m.denominator, m.percent
