"""What a CTF holds, as frozen values.

Text fields keep the file's own spelling (stripped of surrounding white space, None when the
element is absent or empty) so that the checks can say exactly what the school sent; parsed
views (dates) are properties that return None for anything that does not parse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple


def parse_date(text: str | None) -> dt.date | None:
    """A CTF date (YYYY-MM-DD, sometimes with a time part), or None if it is not a real date."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


class AssessmentKey(NamedTuple):
    """The tuple a result is keyed by; the qualifier tells a mark from an outcome."""

    stage: str
    subject: str
    method: str
    component: str
    qualifier: str


@dataclass(frozen=True, slots=True)
class Assessment:
    stage: str = ""
    subject: str = ""
    method: str = ""
    component: str = ""
    qualifier: str = ""
    result: str | None = None
    locale: str | None = None
    year: str | None = None
    result_status: str | None = None
    result_date: str | None = None

    @property
    def key(self) -> AssessmentKey:
        return AssessmentKey(self.stage, self.subject, self.method, self.component, self.qualifier)


@dataclass(frozen=True, slots=True)
class SchoolRef:
    """A school as a header names it (SourceSchool or DestSchool)."""

    la: str | None = None
    estab: str | None = None
    urn: str | None = None
    name: str | None = None
    academic_year: str | None = None

    @property
    def laestab(self) -> str | None:
        return f"{self.la}{self.estab}" if self.la and self.estab else None


@dataclass(frozen=True, slots=True)
class Header:
    document_name: str | None = None
    ctf_version: str | None = None
    date_time: str | None = None
    document_qualifier: str | None = None
    data_qualifier: str | None = None
    data_descriptor: str | None = None
    supplier_id: str | None = None
    source: SchoolRef = field(default_factory=SchoolRef)
    dest: SchoolRef = field(default_factory=SchoolRef)


@dataclass(frozen=True, slots=True)
class Language:
    type: str | None = None  # F first language, H home, ...
    code: str | None = None  # ENG, ENB, URD, ...


@dataclass(frozen=True, slots=True)
class FSMInstance:
    start: str | None = None
    end: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class SENInstance:
    start: str | None = None
    provision: str | None = None  # N none, K SEN support, E EHC plan


@dataclass(frozen=True, slots=True)
class SchoolHistoryEntry:
    la: str | None = None
    estab: str | None = None
    name: str | None = None
    entry_date: str | None = None
    leaving_date: str | None = None
    leaving_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Pupil:
    upn: str | None = None
    surname: str | None = None
    forename: str | None = None
    dob: str | None = None
    sex: str | None = None  # from <Sex>, or <Gender> in older files
    former_upn: str | None = None
    uln: str | None = None
    preferred_surname: str | None = None
    middle_names: str | None = None
    nc_year: str | None = None  # NCyearActual: R, 1 .. 6 (others pass through)
    ethnicity: str | None = None
    languages: tuple[Language, ...] = ()
    fsm: tuple[FSMInstance, ...] = ()
    sen: tuple[SENInstance, ...] = ()
    school_history: tuple[SchoolHistoryEntry, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    line: int | None = field(default=None, compare=False)  # where the pupil starts in the file

    @property
    def dob_date(self) -> dt.date | None:
        return parse_date(self.dob)

    @property
    def display_name(self) -> str:
        """'SURNAME, Forename', as schools see pupils listed in their MIS."""
        surname = (self.surname or "").upper() or "(no surname)"
        return f"{surname}, {self.forename or '(no forename)'}"

    @property
    def first_language(self) -> str | None:
        for language in self.languages:
            if language.type == "F":
                return language.code
        return None

    @property
    def sen_provision(self) -> str | None:
        """The provision of the latest SEN record (N when none is recorded)."""
        if not self.sen:
            return None
        latest = max(self.sen, key=lambda s: s.start or "")
        return latest.provision

    def results(self, key: AssessmentKey) -> list[Assessment]:
        return [a for a in self.assessments if a.key == key]

    def result(self, key: AssessmentKey) -> str | None:
        """The result recorded for this tuple (the last one when a file repeats it)."""
        found = self.results(key)
        return found[-1].result if found else None


_NESTED: dict[str, type] = {
    "languages": Language,
    "fsm": FSMInstance,
    "sen": SENInstance,
    "school_history": SchoolHistoryEntry,
    "assessments": Assessment,
}


def pupil_from_dict(data: Mapping[str, Any]) -> Pupil:
    """The Pupil that `dataclasses.asdict` gave `data` (as the portal stores it), unknown keys
    ignored so a record stored by an older version still loads."""
    known = {f.name for f in fields(Pupil)}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known:
            continue
        kind = _NESTED.get(name)
        if kind is not None:
            names = {f.name for f in fields(kind)}
            value = tuple(kind(**{k: v for k, v in item.items() if k in names}) for item in value)
        values[name] = value
    return Pupil(**values)


_PUPIL_FIELDS = tuple(f.name for f in fields(Pupil))
_NESTED_FIELDS = {name: tuple(f.name for f in fields(kind)) for name, kind in _NESTED.items()}


def pupil_to_dict(pupil: Pupil) -> dict[str, Any]:
    """`dataclasses.asdict(pupil)`, faster: the shape is known (plain values, and tuples of
    flat records), so there is no recursion and nothing to copy. The portal stores one per
    pupil: at national size (600,000) this saves a worker about 20 s."""
    data = {name: getattr(pupil, name) for name in _PUPIL_FIELDS}
    for name, names in _NESTED_FIELDS.items():
        data[name] = tuple({n: getattr(item, n) for n in names} for item in data[name])
    return data
