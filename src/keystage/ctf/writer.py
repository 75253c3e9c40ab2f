"""Writing CTFs: UTF-8, elements in the order of reference/ctf.md, streamed pupil by pupil.

The writer is the reader's inverse: `read_all(to_bytes(header, pupils))` gives back equal
objects, with one canonical form to know about. A CTF keeps assessments in <KeyStage>
blocks, one per stage, so the writer groups a pupil's assessments by stage (stages in the
order they first appear, each stage's assessments in their own order). A pupil whose
assessments interleave stages (KS1, KS2, KS1) reads back grouped (KS1, KS1, KS2);
`canonical(pupil)` is the pupil in that form, to compare with what is read back.

Fields that are None (or "") are left out; text is written as given (the reader strips it,
so text with surrounding blanks does not come back the same), and text XML cannot carry
(control characters) makes lxml raise ValueError. The writer always writes `Sex` and
`CTFversion`, the current spellings, whatever the file they were read from said.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO

from lxml import etree

from keystage.ctf.model import Assessment, Header, Pupil, SchoolRef

__all__ = ["canonical", "group_by_stage", "to_bytes", "write_ctf"]

Target = str | os.PathLike[str] | IO[bytes]
_INDENT = "  "
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def group_by_stage(assessments: Iterable[Assessment]) -> list[tuple[str, list[Assessment]]]:
    """(stage, its assessments) in order of first appearance, as the KeyStage blocks go."""
    groups: dict[str, list[Assessment]] = {}
    for assessment in assessments:
        groups.setdefault(assessment.stage, []).append(assessment)
    return list(groups.items())


def canonical(pupil: Pupil) -> Pupil:
    """The pupil as it reads back after writing: assessments grouped by stage."""
    grouped = tuple(a for _, items in group_by_stage(pupil.assessments) for a in items)
    return pupil if grouped == pupil.assessments else replace(pupil, assessments=grouped)


def write_ctf(header: Header, pupils: Iterable[Pupil], out: Target) -> None:
    """Writes a CTF to a path or a binary file object (left open), one pupil at a time."""
    if isinstance(out, str | os.PathLike):
        with Path(out).open("wb") as file:
            _write(header, pupils, file)
    else:
        _write(header, pupils, out)


def _write(header: Header, pupils: Iterable[Pupil], out: IO[bytes]) -> None:
    # The declaration by hand: xmlfile's has single quotes and a lower-case encoding name,
    # which is valid XML but not what MIS exports look like.
    out.write(_DECLARATION)
    with etree.xmlfile(out, encoding="utf-8") as xf, xf.element("CTfile"):
        xf.write("\n" + _INDENT)
        xf.write(_indented(_header(header), level=1))
        xf.write("\n" + _INDENT)
        with xf.element("CTFpupilData"):
            for pupil in pupils:
                xf.write("\n" + _INDENT * 2)
                xf.write(_indented(_pupil(pupil), level=2))
            xf.write("\n" + _INDENT)
        xf.write("\n")
    out.write(b"\n")


def to_bytes(header: Header, pupils: Iterable[Pupil]) -> bytes:
    buffer = io.BytesIO()
    write_ctf(header, pupils, buffer)
    return buffer.getvalue()


def _indented(element: etree._Element, *, level: int) -> etree._Element:
    """Indents the element's content as if it sat `level` deep (the file reads well)."""
    etree.indent(element, space=_INDENT, level=level)
    element.tail = None
    return element


def _leaf(parent: etree._Element, tag: str, value: str | None) -> None:
    if value:
        etree.SubElement(parent, tag).text = value


def _leaves(parent: etree._Element, pairs: Sequence[tuple[str, str | None]]) -> None:
    for tag, value in pairs:
        _leaf(parent, tag, value)


def _header(header: Header) -> etree._Element:
    element = etree.Element("Header")
    _leaves(
        element,
        [
            ("DocumentName", header.document_name),
            ("CTFversion", header.ctf_version),
            ("DateTime", header.date_time),
            ("DocumentQualifier", header.document_qualifier),
            ("DataQualifier", header.data_qualifier),
            ("DataDescriptor", header.data_descriptor),
            ("SupplierID", header.supplier_id),
        ],
    )
    _school(element, "SourceSchool", header.source)
    _school(element, "DestSchool", header.dest)
    return element


def _school(parent: etree._Element, tag: str, school: SchoolRef) -> None:
    pairs = [
        ("LEA", school.la),
        ("Estab", school.estab),
        ("URN", school.urn),
        ("SchoolName", school.name),
        ("AcademicYear", school.academic_year),
    ]
    if any(value for _, value in pairs):
        _leaves(etree.SubElement(parent, tag), pairs)


def _pupil(pupil: Pupil) -> etree._Element:
    element = etree.Element("Pupil")
    _leaves(
        element,
        [
            ("UPN", pupil.upn),
            ("UniqueLearnerNumber", pupil.uln),
            ("Surname", pupil.surname),
            ("Forename", pupil.forename),
            ("DOB", pupil.dob),
            ("Sex", pupil.sex),
        ],
    )
    _basic_details(element, pupil)
    _history(element, "FSMhistory", "FSMinstance", pupil.fsm, _FSM)
    _history(element, "SENhistory", "SEN", pupil.sen, _SEN)
    _stage_assessments(element, pupil.assessments)
    _history(element, "SchoolHistory", "School", pupil.school_history, _SCHOOL_HISTORY)
    return element


def _basic_details(parent: etree._Element, pupil: Pupil) -> None:
    pairs = [
        ("FormerUPN", pupil.former_upn),
        ("PreferredSurname", pupil.preferred_surname),
        ("MiddleNames", pupil.middle_names),
        ("NCyearActual", pupil.nc_year),
        ("Ethnicity", pupil.ethnicity),
    ]
    if not pupil.languages and not any(value for _, value in pairs):
        return
    details = etree.SubElement(parent, "BasicDetails")
    _leaves(details, pairs)
    if pupil.languages:
        languages = etree.SubElement(details, "Languages")
        for language in pupil.languages:
            entry = etree.SubElement(languages, "Type")
            _leaves(entry, [("LanguageType", language.type), ("Language", language.code)])


# (element tag, attribute) for the repeated blocks, in the order the CTF lists them
_FSM = (("FSMstartDate", "start"), ("FSMendDate", "end"), ("UKcountry", "country"))
_SEN = (("StartDate", "start"), ("SENprovision", "provision"))
_SCHOOL_HISTORY = (
    ("LEA", "la"),
    ("Estab", "estab"),
    ("SchoolName", "name"),
    ("EntryDate", "entry_date"),
    ("LeavingDate", "leaving_date"),
    ("LeavingReason", "leaving_reason"),
)
_ASSESSMENT = (
    ("Locale", "locale"),
    ("Year", "year"),
    ("Subject", "subject"),
    ("Method", "method"),
    ("Component", "component"),
    ("ResultStatus", "result_status"),
    ("ResultQualifier", "qualifier"),
    ("Result", "result"),
    ("ResultDate", "result_date"),
)


def _history(
    parent: etree._Element,
    tag: str,
    item_tag: str,
    items: Sequence[object],
    fields: Sequence[tuple[str, str]],
) -> None:
    if not items:
        return
    block = etree.SubElement(parent, tag)
    for item in items:
        _record(block, item_tag, item, fields)


def _record(
    parent: etree._Element, tag: str, item: object, fields: Sequence[tuple[str, str]]
) -> None:
    """One repeated record (an FSM instance, an assessment...) from a model object."""
    _leaves(
        etree.SubElement(parent, tag),
        [(name, getattr(item, attribute)) for name, attribute in fields],
    )


def _stage_assessments(parent: etree._Element, assessments: Sequence[Assessment]) -> None:
    if not assessments:
        return
    block = etree.SubElement(parent, "StageAssessments")
    for stage, items in group_by_stage(assessments):
        key_stage = etree.SubElement(block, "KeyStage")
        _leaf(key_stage, "Stage", stage)
        for item in items:
            _record(key_stage, "StageAssessment", item, _ASSESSMENT)
