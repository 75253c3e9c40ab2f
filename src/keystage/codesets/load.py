"""Loads and validates code tables: the data files shipped with Keystage (one TOML file per
academic year), and the same format from anywhere else (codesets.text, for the LA's files).

The schema is strict: an unknown or missing key fails loudly at load, never at check time, and
each message says what to change.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from importlib import resources
from types import MappingProxyType
from typing import Any

from keystage.codesets import meanings, text
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
    "meanings",
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
_YEAR = re.compile(r"(\d{4})-(\d{2})")


@functools.cache  # the package's files do not change while it runs; asked on every check
def available_years() -> tuple[str, ...]:
    """The academic years with a shipped code table, oldest first ("2024-25", "2025-26")."""
    files = resources.files("keystage.codesets").joinpath("data").iterdir()
    return tuple(sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml")))


def year_for(day: dt.date) -> str:
    """The academic year a date falls in (1 September to 31 August)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def shipped_text(academic_year: str) -> str:
    """The text of the data file shipped for a year, as it would be downloaded."""
    if academic_year not in available_years():
        raise CodesetError(
            f"no code table for {academic_year}; there are: {', '.join(available_years())}"
        )
    path = resources.files("keystage.codesets").joinpath("data", f"{academic_year}.toml")
    return path.read_text(encoding="utf-8")


@functools.cache
def load(academic_year: str) -> Codeset:
    """The shipped code table of one academic year, e.g. load("2025-26"). Loaded once,
    immutable. (codesets.codeset_for gives the table in force, which the LA may have replaced.)"""
    return parse_text(shipped_text(academic_year), source=f"{academic_year}.toml")


def parse_text(toml_text: str, source: str = "code table") -> Codeset:
    """A code table from a data file's text; a CodesetError's `line` says where it is wrong."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as broken:
        raise text.syntax_error(source, broken) from None
    try:
        return parse(data, source)
    except CodesetError as problem:
        problem.line = problem.line or text.line_of(toml_text, problem.at)
        raise


def _keys(
    where: str,
    table: dict[str, Any],
    allowed: set[str],
    required: set[str],
    at: tuple[str | int, ...] = (),
) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise CodesetError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}: remove them or check the "
            f"spelling (the keys allowed here: {', '.join(sorted(allowed))})",
            at=at or (sorted(unknown)[0],),
        )
    missing = required - set(table)
    if missing:
        raise CodesetError(
            f"{where}: missing key(s) {', '.join(sorted(missing))}: add them, as in the table "
            "of the year before",
            at=at,
        )


def _result_set(where: str, table: dict[str, Any], name: str) -> ResultSet:
    at = ("results", name)
    _keys(where, table, _RESULT_SET, set(), at)
    marks = table.get("marks")
    if marks is not None and (len(marks) != 2 or not all(isinstance(m, int) for m in marks)):
        raise CodesetError(f"{where}: marks must be [lowest, highest], e.g. [0, 40]", at=at)
    return ResultSet(
        codes=frozenset(str(c) for c in table.get("codes", ())),
        marks=(marks[0], marks[1]) if marks else None,
    )


def _assessment(
    where: str, entry: dict[str, Any], result_sets: dict[str, ResultSet]
) -> list[AssessmentType]:
    _keys(where, entry, _ASSESSMENT, _ASSESSMENT - {"role", "required", "required_one_of", "area"})
    if entry["collection"] not in COLLECTIONS:
        raise CodesetError(
            f"{where}: unknown collection {entry['collection']!r}: use one of "
            f"{', '.join(COLLECTIONS)}"
        )
    if entry["results"] not in result_sets:
        raise CodesetError(
            f"{where}: unknown result set {entry['results']!r}: use one of the names under "
            f"[results] ({', '.join(result_sets)})"
        )
    components: dict[str, str] = entry["components"]
    if "role" in entry and len(components) != 1:
        raise CodesetError(f"{where}: a role names exactly one component")
    return [
        AssessmentType(
            role=entry.get("role", component.lower()),
            collection=entry["collection"],
            key=AssessmentKey(
                entry["stage"], entry["subject"], entry["method"], component, entry["qualifier"]
            ),
            label=label,
            results=result_sets[entry["results"]],
            result_set=entry["results"],
            required=bool(entry.get("required", False)),
            required_one_of=entry.get("required_one_of"),
            area=entry.get("area"),
        )
        for component, label in components.items()
    ]


def _assessments(
    source: str, entries: list[dict[str, Any]], result_sets: dict[str, ResultSet]
) -> tuple[AssessmentType, ...]:
    found: list[AssessmentType] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}: assessment {number}"
        try:
            found += _assessment(where, entry, result_sets)
        except CodesetError as problem:
            problem.at = ("assessment", number)
            raise
    keys = [a.key for a in found]
    roles = [a.role for a in found]
    if len(set(keys)) != len(keys) or len(set(roles)) != len(roles):
        raise CodesetError(
            f"{source}: an assessment tuple or role is declared twice: remove the copy"
        )
    return tuple(found)


def _years(source: str, data: dict[str, Any]) -> None:
    """The year's name, start and summer agree, so a table cannot pose as another year's."""
    year = str(data["academic_year"])
    match = _YEAR.fullmatch(year)
    if match is None or (int(match[1]) + 1) % 100 != int(match[2]):
        raise CodesetError(
            f'{source}: academic_year must be written like "2026-27", not {year!r}',
            at=("academic_year",),
        )
    start = int(match[1])
    if data["start_year"] != start:
        raise CodesetError(
            f"{source}: start_year must be {start}, the year {year} starts, not "
            f"{data['start_year']!r}",
            at=("start_year",),
        )
    if str(data["assessment_year"]) != str(start + 1):
        raise CodesetError(
            f'{source}: assessment_year must be "{start + 1}", the summer of {year}, not '
            f"{data['assessment_year']!r}",
            at=("assessment_year",),
        )


def _settings(source: str, data: dict[str, Any]) -> None:
    versions = data["ctf_versions"]
    if not versions or not all(isinstance(v, str) and v for v in versions):
        raise CodesetError(
            f"{source}: ctf_versions must list this year's and last year's, e.g. [\"26.0\", "
            '"25.0"]',
            at=("ctf_versions",),
        )
    threshold = data["phonics_threshold"]
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 0:
        raise CodesetError(
            f"{source}: phonics_threshold must be a whole number, e.g. 32",
            at=("phonics_threshold",),
        )


# The named code sets the checks and measures look up: a table without one would pass here and
# then fail every check of its year.
REQUIRED_CODE_SETS = frozenset({
    "sex", "elg_expected", "elg_not_assessed", "expected_or_above", "greater_depth",
    "ks1_left_out", "ks2_left_out", "la_only", "phonics_counted_codes", "pre_key_stage",
})  # fmt: skip


def _required_code_sets(source: str, data: dict[str, Any]) -> None:
    missing = sorted(REQUIRED_CODE_SETS - set(data.get("codes", {})))
    if missing:
        raise CodesetError(
            f"{source}: the [codes] table has no {', '.join(missing)}: the checks need "
            "every one of them; copy them from last year's tables",
            at=("codes",),
        )


def parse(data: dict[str, Any], source: str = "code table") -> Codeset:
    """Builds a Codeset from a parsed data file, refusing anything off-schema."""
    _keys(source, data, _TOP, _TOP - {"aliases"})
    _years(source, data)
    _settings(source, data)
    _required_code_sets(source, data)
    result_sets = {
        name: _result_set(f"{source}: results.{name}", table, name)
        for name, table in data["results"].items()
    }
    assessments = _assessments(source, data["assessment"], result_sets)
    roles = {a.role for a in assessments}
    unknown_gld = set(data["gld"]) - {r.upper() for r in roles}
    if unknown_gld:
        raise CodesetError(
            f"{source}: gld names unknown goals {sorted(unknown_gld)}: use the goals' "
            "components (ELG01 ...)",
            at=("gld",),
        )
    aliases = data.get("aliases", {})
    bad = set(aliases) - set(AssessmentKey._fields)
    if bad:
        raise CodesetError(
            f"{source}: aliases for unknown field(s) {sorted(bad)}: use "
            f"{', '.join(AssessmentKey._fields)}",
            at=("aliases",),
        )
    codes_in_order = {
        name: [str(c) for c in table.get("codes", ())] for name, table in data["results"].items()
    }
    return Codeset(
        academic_year=str(data["academic_year"]),
        start_year=int(data["start_year"]),
        assessment_year=str(data["assessment_year"]),
        ctf_versions=tuple(data["ctf_versions"]),
        phonics_threshold=int(data["phonics_threshold"]),
        gld=tuple(g.lower() for g in data["gld"]),
        assessments=assessments,
        codes=MappingProxyType({k: frozenset(v) for k, v in data["codes"].items()}),
        aliases=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in aliases.items()}),
        meanings=meanings.resolve(source, data["meanings"], codes_in_order),
    )
