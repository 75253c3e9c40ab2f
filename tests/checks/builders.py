"""Keyword-default builders of valid CTF records for tests: every builder gives a record that
passes every check, and a test overrides only what it is about.

    pupil = make_pupil("KS1", surname="SMITH")
    pupil = with_result(pupil, "ks1_science", "PK2")
    found = check(pupil, collection="KS1")

Import as `from builders import ...` (pytest puts this folder on sys.path).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from keystage import codesets
from keystage.checks import CheckOutcome, Context, Finding, run_checks
from keystage.codesets import Codeset
from keystage.ctf import upn as upns
from keystage.ctf.model import Assessment, Header, Pupil, SchoolRef

CODESET = codesets.load("2025-26")
LA, ESTAB, URN = "330", "2001", "103210"
SCHOOL = SchoolRef(la=LA, estab=ESTAB, urn=URN, name="Oak Lane Primary", academic_year="2025")

# The NC year of each collection's pupils, and a valid, unremarkable result for each role.
NC_YEAR = {"EYFSP": "R", "PHON": "1", "KS1": "2", "KS2": "6"}
_NC = {"R": 0, "1": 1, "2": 2, "6": 6}
GOOD = {
    "phonics_mark": "35",
    "ks1_reading": "EXS",
    "ks1_writing": "EXS",
    "ks1_maths": "GDS",
    "ks1_science": "EXS",
    "ks2_reading_test": "105",
    "ks2_gps_test": "104",
    "ks2_maths_test": "103",
    "ks2_writing_ta": "EXS",
    "ks2_science_ta": "EXS",
    "ks2_mtc": "20",
}
ELG_GOOD = "2"


def make_header(codeset: Codeset = CODESET, **overrides: Any) -> Header:
    """A header this year's collection accepts, from Oak Lane Primary (330/2001)."""
    school = replace(SCHOOL, academic_year=str(codeset.start_year))
    fields: dict[str, Any] = {
        "document_name": "Common Transfer File",
        "ctf_version": codeset.ctf_versions[0],
        "date_time": f"{codeset.assessment_year}-06-20T10:15:00",
        "document_qualifier": "partial",
        "supplier_id": "Test MIS",
        "source": school,
        "dest": SchoolRef(la=LA, estab="LLLL"),
    }
    fields.update(overrides)
    return Header(**fields)


def make_result(
    role: str, value: str | None, *, year: str | None = None, codeset: Codeset = CODESET
) -> Assessment:
    """One result for a code-table role, this summer's unless `year` says otherwise."""
    key = codeset.role(role).key
    return Assessment(
        stage=key.stage,
        subject=key.subject,
        method=key.method,
        component=key.component,
        qualifier=key.qualifier,
        result=value,
        locale="ENG",
        year=year or codeset.assessment_year,
        result_status="R",
    )


def make_results(collection: str, codeset: Codeset = CODESET) -> tuple[Assessment, ...]:
    """A full, valid set of one collection's results (the optional phonics outcome left out)."""
    kinds = [k for k in codeset.for_collection(collection) if k.required or k.role in GOOD]
    return tuple(make_result(k.role, GOOD.get(k.role, ELG_GOOD), codeset=codeset) for k in kinds)


def make_upn(collection: str = "KS1", serial: int = 1, codeset: Codeset = CODESET) -> str:
    """A valid permanent UPN, allocated by the school when the pupil joined Reception."""
    year = codeset.start_year - _NC[NC_YEAR[collection]]
    return upns.make(LA, ESTAB, year, serial)


def make_dob(nc_year: str = "2", codeset: Codeset = CODESET) -> str:
    """A date of birth in the middle of the year group's normal range (born in January)."""
    return dt.date(codeset.start_year - _NC[nc_year] - 4, 1, 15).isoformat()


def make_pupil(
    collection: str = "KS1", serial: int = 1, codeset: Codeset = CODESET, **overrides: Any
) -> Pupil:
    """A pupil who passes every check of `collection`; `serial` keeps UPNs apart."""
    nc_year = overrides.get("nc_year") or NC_YEAR[collection]
    fields: dict[str, Any] = {
        "upn": make_upn(collection, serial, codeset),
        "surname": "Smith",
        "forename": "Amy",
        "dob": make_dob(nc_year if nc_year in _NC else NC_YEAR[collection], codeset),
        "sex": "F",
        "nc_year": nc_year,
        "assessments": make_results(collection, codeset),
        "line": 20 + 40 * serial,
    }
    fields.update(overrides)
    return Pupil(**fields)


def make_pupils(
    collection: str = "KS1", count: int = 3, first: int = 1, **overrides: Any
) -> list[Pupil]:
    """`count` valid pupils with serials (so UPNs and lines) from `first` on."""
    return [make_pupil(collection, serial=n, **overrides) for n in range(first, first + count)]


def with_result(pupil: Pupil, role: str, value: str | None, **kwargs: Any) -> Pupil:
    """The pupil with the role's result set to `value` (added if it was absent)."""
    codeset: Codeset = kwargs.get("codeset", CODESET)
    key = codeset.role(role).key
    kept = tuple(a for a in pupil.assessments if a.key != key)
    return replace(pupil, assessments=(*kept, make_result(role, value, **kwargs)))


def without(pupil: Pupil, *roles: str, codeset: Codeset = CODESET) -> Pupil:
    """The pupil with the roles' results taken out."""
    keys = {codeset.role(r).key for r in roles}
    return replace(pupil, assessments=tuple(a for a in pupil.assessments if a.key not in keys))


def make_context(codeset: Codeset = CODESET, **overrides: Any) -> Context:
    return Context(codeset=codeset, **overrides)


def run(
    *pupils: Pupil | Iterable[Pupil],
    collection: str | None = "KS1",
    header: Header | None = None,
    **context: Any,
) -> CheckOutcome:
    """Runs the checks over the pupils (single pupils or lists of them)."""
    flat: list[Pupil] = []
    for item in pupils:
        flat.extend([item] if isinstance(item, Pupil) else item)
    ctx = make_context(collection=collection, **context)
    return run_checks(header or make_header(ctx.codeset), flat, ctx)


def check(*pupils: Pupil | Iterable[Pupil], **kwargs: Any) -> list[Finding]:
    return run(*pupils, **kwargs).findings


def codes(*pupils: Pupil | Iterable[Pupil], **kwargs: Any) -> list[str]:
    return [f.code for f in check(*pupils, **kwargs)]
