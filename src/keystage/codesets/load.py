"""Loads and validates the code table data files (one TOML file per academic year).

The schema is strict: an unknown or missing key fails loudly at load, never at check time.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from importlib import resources
from types import MappingProxyType
from typing import Any

from keystage.codesets.model import COLLECTIONS, AssessmentType, Codeset, CodesetError, ResultSet
from keystage.ctf.model import AssessmentKey

_TOP = {
    "academic_year",
    "start_year",
    "assessment_year",
    "ctf_versions",
    "phonics_threshold",
    "gld",
    "results",
    "codes",
    "aliases",
    "assessment",
}
_ASSESSMENT = {
    "role",
    "collection",
    "stage",
    "subject",
    "method",
    "qualifier",
    "results",
    "required",
    "required_one_of",
    "area",
    "components",
}
_RESULT_SET = {"codes", "marks"}


def available_years() -> tuple[str, ...]:
    """The academic years with a code table, oldest first ("2024-25", "2025-26")."""
    files = resources.files("keystage.codesets").joinpath("data").iterdir()
    return tuple(sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml")))


def year_for(day: dt.date) -> str:
    """The academic year a date falls in (1 September to 31 August)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


@functools.cache
def load(academic_year: str) -> Codeset:
    """The code table of one academic year, e.g. load("2025-26"). Loaded once, immutable."""
    if academic_year not in available_years():
        raise CodesetError(
            f"no code table for {academic_year}; there are: {', '.join(available_years())}"
        )
    path = resources.files("keystage.codesets").joinpath("data", f"{academic_year}.toml")
    return parse(tomllib.loads(path.read_text(encoding="utf-8")), source=f"{academic_year}.toml")


def codeset_for(academic_year: str) -> Codeset:
    """The code table a collection of `academic_year` is checked against: its own year's, or
    the newest shipped where the year has none yet."""
    available = available_years()
    return load(academic_year if academic_year in available else available[-1])


def _keys(where: str, table: dict[str, Any], allowed: set[str], required: set[str]) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise CodesetError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    missing = required - set(table)
    if missing:
        raise CodesetError(f"{where}: missing key(s) {', '.join(sorted(missing))}")


def _result_set(where: str, table: dict[str, Any]) -> ResultSet:
    _keys(where, table, _RESULT_SET, set())
    marks = table.get("marks")
    if marks is not None and (len(marks) != 2 or not all(isinstance(m, int) for m in marks)):
        raise CodesetError(f"{where}: marks must be [lowest, highest]")
    return ResultSet(
        codes=frozenset(str(c) for c in table.get("codes", ())),
        marks=(marks[0], marks[1]) if marks else None,
    )


def _assessments(
    source: str, entries: list[dict[str, Any]], result_sets: dict[str, ResultSet]
) -> tuple[AssessmentType, ...]:
    found: list[AssessmentType] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}: assessment {number}"
        _keys(
            where, entry, _ASSESSMENT, _ASSESSMENT - {"role", "required", "required_one_of", "area"}
        )
        if entry["collection"] not in COLLECTIONS:
            raise CodesetError(f"{where}: unknown collection {entry['collection']!r}")
        if entry["results"] not in result_sets:
            raise CodesetError(f"{where}: unknown result set {entry['results']!r}")
        components: dict[str, str] = entry["components"]
        if "role" in entry and len(components) != 1:
            raise CodesetError(f"{where}: a role names exactly one component")
        for component, label in components.items():
            key = AssessmentKey(
                entry["stage"], entry["subject"], entry["method"], component, entry["qualifier"]
            )
            found.append(
                AssessmentType(
                    role=entry.get("role", component.lower()),
                    collection=entry["collection"],
                    key=key,
                    label=label,
                    results=result_sets[entry["results"]],
                    result_set=entry["results"],
                    required=bool(entry.get("required", False)),
                    required_one_of=entry.get("required_one_of"),
                    area=entry.get("area"),
                )
            )
    keys = [a.key for a in found]
    roles = [a.role for a in found]
    if len(set(keys)) != len(keys) or len(set(roles)) != len(roles):
        raise CodesetError(f"{source}: an assessment tuple or role is declared twice")
    return tuple(found)


def parse(data: dict[str, Any], source: str = "code table") -> Codeset:
    """Builds a Codeset from a parsed data file, refusing anything off-schema."""
    _keys(source, data, _TOP, _TOP - {"aliases"})
    result_sets = {
        name: _result_set(f"{source}: results.{name}", table)
        for name, table in data["results"].items()
    }
    assessments = _assessments(source, data["assessment"], result_sets)
    roles = {a.role for a in assessments}
    unknown_gld = set(data["gld"]) - {r.upper() for r in roles}
    if unknown_gld:
        raise CodesetError(f"{source}: gld names unknown goals {sorted(unknown_gld)}")
    aliases = data.get("aliases", {})
    bad = set(aliases) - set(AssessmentKey._fields)
    if bad:
        raise CodesetError(f"{source}: aliases for unknown field(s) {sorted(bad)}")
    return Codeset(
        academic_year=data["academic_year"],
        start_year=int(data["start_year"]),
        assessment_year=str(data["assessment_year"]),
        ctf_versions=tuple(data["ctf_versions"]),
        phonics_threshold=int(data["phonics_threshold"]),
        gld=tuple(g.lower() for g in data["gld"]),
        assessments=assessments,
        codes=MappingProxyType({k: frozenset(v) for k, v in data["codes"].items()}),
        aliases=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in aliases.items()}),
    )
