"""The DfE's checks on the EYFSP and phonics returns that can be run before the files are made:
one function a rule, declared in `collect_registry` (codes: dfe-returns §2.5's "our ids" for
the EYFSP, PHR-... their phonics equivalents). Every message names the school or setting for
the LA to chase, and says what to do.

    findings = collect_checks.run(draft)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator

from keystage.checks.model import ERROR, NOTE, QUERY
from keystage.checks.rules.pupil import (
    NC_YEARS,
    RECHECK_YEAR,
    USUAL_YEAR,
    day_text,
    year_group_range,
)
from keystage.codesets.model import as_mark
from keystage.codesets.providers import EY_URN
from keystage.ctf import upn
from keystage.ctf.model import parse_date
from keystage.exports.collect import Child, Establishment
from keystage.exports.collect_registry import Draft, Problem, ReturnFinding, rule, rules_for
from keystage.exports.collect_registry import run as _run
from keystage.exports.collect_spec import funded_window

_LA = re.compile(r"[0-9]{3}")
_ESTAB = re.compile(r"[0-9]{4}")
FIX_AT_SCHOOL = "Ask them to correct it in their system and send their file again."


def run(draft: Draft) -> list[ReturnFinding]:
    """Every finding: those of the children returned (`funded_only`), and a note of each
    unfunded child left out (EYR-FUNDED, from the whole draft)."""
    found = _run(funded_only(draft))
    code = _funded_code(draft)
    if code is not None:
        found += [ReturnFinding(code, NOTE.value, message, establishment,
                                child.upn if child else None)
                  for establishment, child, message in funded(draft)]  # fmt: skip
    return found


def _children(draft: Draft) -> Iterator[tuple[Establishment, Child]]:
    for establishment, children in draft.entries:
        for child in children:
            yield establishment, child


def _who(establishment: Establishment, child: Child) -> str:
    return f"{establishment.label}: {child.display_name} (UPN {child.upn or 'none'})"


# -- The header -------------------------------------------------------------------------------


@rule(
    eyfsp="EYR-HDR-COMPLETE",
    phon="PHR-HDR-COMPLETE",
    severity=ERROR,
    summary="Every header item is given, in its form (dates, the LA's 3 digits).",
)
def header_complete(draft: Draft) -> Iterator[Problem]:
    header = draft.header
    items = {
        "Collection": header.collection, "Term": header.term, "Year": header.year,
        "ReferenceDate": header.reference_date, "SourceLevel": header.source_level,
        "LEA": header.la, "SoftwareCode": header.software_code, "Release": header.release,
        "SerialNo": header.serial_no, "DateTime": header.date_time,
    }  # fmt: skip
    empty = [name for name, value in items.items() if not value]
    if empty:
        yield None, None, f"The return's header has no {', '.join(empty)}. " + _KEYSTAGE
    if header.reference_date and parse_date(header.reference_date) is None:
        yield None, None, f"The header's ReferenceDate {header.reference_date!r} is not a date."
    if header.date_time and not _is_date_time(header.date_time):
        yield None, None, f"The header's DateTime {header.date_time!r} is not a date and time."


_KEYSTAGE = "Keystage writes every item: tell the service's support team."


def _is_date_time(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return "T" in text


@rule(
    eyfsp="EYR-HDR-LA",
    phon="PHR-HDR-LA",
    severity=ERROR,
    summary="The header's LA is the submitting LA; every school and setting is in it.",
)
def header_la(draft: Draft) -> Iterator[Problem]:
    la, ours = draft.header.la, draft.submitting_la
    if la != ours or not _LA.fullmatch(la):
        message = f"The return's header names LA {la or '(none)'}, not {ours}, the LA making it."
        yield None, None, f"{message} {_KEYSTAGE}"
    for establishment, _ in draft.entries:
        if establishment.la != ours:
            message = (
                f"{establishment.label} is in LA {establishment.la or '(none)'}, not {ours}: "
                "the return is the LA's own schools and settings. Check its LA number in the "
                "register, or leave it to its own LA's return."
            )
            yield establishment, None, message


# -- The establishments -----------------------------------------------------------------------


@rule(
    eyfsp="EYR-SETTING-ID",
    phon="PHR-ESTAB-ID",
    severity=ERROR,
    summary="A school: LA and 4-digit DfE number. A PVI setting: a 6-digit early years URN "
    "starting 5, 6 or 7 (EYFSP only).",
)
def establishment_id(draft: Draft) -> Iterator[Problem]:
    for establishment, _ in draft.entries:
        if establishment.is_setting and not draft.spec.takes_settings.value:
            message = (
                f"{establishment.label} is an early years setting: the phonics return takes "
                "schools only. Leave it out of the collection's expected list."
            )
            yield establishment, None, message
        elif establishment.is_setting and not EY_URN.fullmatch(establishment.ey_urn or ""):
            message = (
                f"{establishment.label}: the early years URN must be 6 digits starting 5, 6 "
                "or 7, as in the early years census. Correct the setting's URN in the "
                "providers list."
            )
            yield establishment, None, message
        elif not establishment.is_setting and not _ESTAB.fullmatch(establishment.estab or ""):
            message = (
                f"{establishment.label}: the DfE establishment number must be 4 digits. "
                "Correct the school's LAESTAB in the register."
            )
            yield establishment, None, message


@rule(
    eyfsp="EYR-ESTAB-ONCE",
    phon="PHR-ESTAB-ONCE",
    severity=ERROR,
    summary="Each school or setting once in the return.",
)
def establishment_once(draft: Draft) -> Iterator[Problem]:
    seen: dict[tuple[str, str, bool], Establishment] = {}
    for establishment, _ in draft.entries:
        ident = (establishment.la, establishment.number, establishment.is_setting)
        if ident in seen:
            message = (
                f"{establishment.label} has the same number as {seen[ident].label}: a school "
                "or setting goes in the return once. Correct the number in the register."
            )
            yield establishment, None, message
        else:
            seen[ident] = establishment


# -- Each child -------------------------------------------------------------------------------


@rule(
    eyfsp="EYR-CHILD-ONCE",
    phon="PHR-PUPIL-ONCE",
    severity=ERROR,
    summary="Each child once in the whole return (one UPN, one record).",
)
def child_once(draft: Draft) -> Iterator[Problem]:
    where: dict[str, list[tuple[Establishment, Child]]] = defaultdict(list)
    for establishment, child in _children(draft):
        if child.upn:
            where[child.upn].append((establishment, child))
    for places in where.values():
        if len(places) < 2:
            continue
        names = "; ".join(sorted({e.label for e, _ in places}))
        for establishment, child in dict(places).items():
            message = (
                f"{_who(establishment, child)} is in the return {len(places)} times ({names}). "
                "Decide which school or setting reports the child on the shared pupils page, "
                "or ask the school to correct the UPN."
            )
            yield establishment, child, message


@rule(
    eyfsp="EYR-UPN",
    phon="PHR-UPN",
    severity=ERROR,
    summary="A 13-character UPN with a valid check letter.",
)
def child_upn(draft: Draft) -> Iterator[Problem]:
    for establishment, child in _children(draft):
        state = upn.status(child.upn)
        if state in (upn.UPNStatus.MISSING, upn.UPNStatus.INVALID):
            problem = "has no UPN" if state is upn.UPNStatus.MISSING else "has an invalid UPN"
            yield establishment, child, f"{_who(establishment, child)} {problem}. {FIX_AT_SCHOOL}"


@rule(eyfsp="EYR-NAME", phon="PHR-NAME", severity=ERROR, summary="Surname and forename given.")
def child_name(draft: Draft) -> Iterator[Problem]:
    for establishment, child in _children(draft):
        if not (child.surname and child.forename):
            message = f"{_who(establishment, child)} lacks a name. {FIX_AT_SCHOOL}"
            yield establishment, child, message


@rule(
    eyfsp="EYR-SEX",
    phon="PHR-SEX",
    severity=ERROR,
    summary="Sex given (it replaced Gender in 2024), one of the code table's values.",
)
def child_sex(draft: Draft) -> Iterator[Problem]:
    allowed = draft.codeset.code_set("sex")
    for establishment, child in _children(draft):
        if child.sex not in allowed:
            message = (
                f"{_who(establishment, child)}: sex is {child.sex or 'missing'}; the return "
                f"takes {' or '.join(sorted(allowed))}. {FIX_AT_SCHOOL}"
            )
            yield establishment, child, message


@rule(
    eyfsp="EYR-DOB",
    phon="PHR-DOB",
    severity=ERROR,
    summary="A real date of birth, before the return's reference date.",
)
def child_dob(draft: Draft) -> Iterator[Problem]:
    reference = draft.spec.reference_date(draft.codeset)
    for establishment, child in _children(draft):
        born = parse_date(child.dob)
        if born is None or born >= reference:
            if born is not None:
                problem = (
                    f"born {day_text(born)}, on or after the reference date {day_text(reference)}"
                )
            elif child.dob:
                problem = f"the date of birth {child.dob!r} is not a real date"
            else:
                problem = "there is no date of birth"
            yield establishment, child, f"{_who(establishment, child)}: {problem}. {FIX_AT_SCHOOL}"


@rule(
    eyfsp="EYR-DOB-RANGE",
    phon="PHR-DOB-RANGE",
    severity=QUERY,
    summary="A school's child born in the year group's range (settings: EYR-FUNDED).",
)
def child_dob_range(draft: Draft) -> Iterator[Problem]:
    for establishment, child in _children(draft):
        born = parse_date(child.dob)
        year = NC_YEARS.get(child.nc_year or USUAL_YEAR[draft.spec.kind])
        if born is None or year is None or establishment.is_setting:
            continue
        first, last = year_group_range(draft.codeset.start_year, year)
        if not first <= born <= last:
            message = (
                f"{_who(establishment, child)}: born {day_text(born)}, outside the year group's "
                f"usual range ({day_text(first)} to {day_text(last)}). If the child is taught out "
                "of their year group, explain it in COLLECT's notepad; otherwise ask the school "
                "to correct the date of birth."
            )
            yield establishment, child, message


@rule(
    eyfsp="EYR-FUNDED",
    severity=NOTE,
    summary="A PVI setting's child born outside the cohort's funded window (2026: 1 April to "
    "31 August 2021) is left out of the setting's file; the setting stays in the return.",
)
def funded(draft: Draft) -> Iterator[Problem]:
    first, last = funded_window(draft.codeset)
    for establishment, child in _children(draft):
        born = parse_date(child.dob)
        if born is not None and _unfunded(establishment, child, first, last):
            message = (
                f"{_who(establishment, child)}: born {day_text(born)}, so not funded (a setting "
                f"returns only children born {day_text(first)} to {day_text(last)}, and the DfE "
                "takes no others). The child is left out of the setting's file; if the date of "
                "birth is wrong, ask the setting to correct it and send its file again."
            )
            yield establishment, child, message


def _funded_code(draft: Draft) -> str | None:
    return next((code for code, r in rules_for(draft.spec.kind) if r.check is funded), None)


def _unfunded(establishment: Establishment, child: Child, first: dt.date, last: dt.date) -> bool:
    born = parse_date(child.dob)
    return establishment.is_setting and born is not None and not first <= born <= last


def funded_only(draft: Draft) -> Draft:
    """The draft without the settings' unfunded children: the files are made from it, and the
    other checks read it, so nothing about a child who is not returned keeps a setting out."""
    if _funded_code(draft) is None:
        return draft  # a return that takes no settings (phonics): EYR-ESTAB-ID stops them
    first, last = funded_window(draft.codeset)
    entries = [
        (establishment, [c for c in children if not _unfunded(establishment, c, first, last)])
        for establishment, children in draft.entries
    ]
    return dataclasses.replace(draft, entries=entries)


# -- The results ------------------------------------------------------------------------------


@rule(
    eyfsp="EYR-ELG17",
    severity=ERROR,
    summary="All 17 goals, each 1, 2 or A; A for one goal means A for all.",
)
def all_goals(draft: Draft) -> Iterator[Problem]:
    components = draft.spec.components.value
    not_assessed = draft.codeset.code_set("elg_not_assessed")
    for establishment, child in _children(draft):
        given = dict(child.results)
        missing = [comp for comp in components.values() if comp not in given]
        wrong = [
            f"{comp} {given[comp]!r}" for role, comp in components.items()
            if comp in given and not draft.codeset.role(role).results.accepts(given[comp])
        ]  # fmt: skip
        partial = {v in not_assessed for v in given.values()} == {True, False}
        problems = [
            *([f"no result for {', '.join(missing)}"] if missing else []),
            *([f"results not 1, 2 or A: {', '.join(wrong)}"] if wrong else []),
            *(["some goals are A but not all (A is for the whole profile)"] if partial else []),
        ]
        if problems:
            text = "; ".join(problems)
            yield establishment, child, f"{_who(establishment, child)}: {text}. {FIX_AT_SCHOOL}"


@rule(
    phon="PHR-RESULT",
    severity=ERROR,
    summary="A mark 0-40 or a code A, D, L or Q: one of them, not both.",
)
def phonics_result(draft: Draft) -> Iterator[Problem]:
    components = draft.spec.components.value
    marks = draft.codeset.role("phonics_mark").results
    for establishment, child in _children(draft):
        mark = child.result(components["phonics_mark"])
        outcome = child.result(components["phonics_outcome"])
        code = outcome if outcome in marks.codes else None
        if mark is None and code is None:
            problem = "has no mark and no code (A, D, L or Q)"
        elif mark is not None and code is not None:
            problem = f"has both a mark ({mark}) and a code ({code}): give one"
        elif mark is not None and (as_mark(mark) is None or not marks.accepts(mark)):
            problem = f"has the mark {mark!r}, not a whole number from 0 to 40"
        else:
            continue
        yield establishment, child, f"{_who(establishment, child)} {problem}. {FIX_AT_SCHOOL}"


@rule(phon="PHR-NCYEAR", severity=ERROR, summary="NC year 1 (the check) or 2 (the re-check).")
def phonics_year(draft: Draft) -> Iterator[Problem]:
    for establishment, child in _children(draft):
        if child.nc_year not in (USUAL_YEAR["PHON"], RECHECK_YEAR):
            message = (
                f"{_who(establishment, child)}: NC year {child.nc_year or 'missing'}; the "
                f"phonics return takes Year 1 and Year 2 pupils. {FIX_AT_SCHOOL}"
            )
            yield establishment, child, message
