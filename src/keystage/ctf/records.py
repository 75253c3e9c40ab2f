"""Model records from finished CTF elements: the header, each pupil and what it holds
(assessments, languages, FSM and SEN history, school history).

Speed: one pass over each finished element's children with a dispatch on the tag (no XPath);
records that recur (the same assessment for many pupils) are built once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from lxml import etree

from keystage.ctf.model import (
    Assessment,
    FSMInstance,
    Header,
    Language,
    Pupil,
    SchoolHistoryEntry,
    SchoolRef,
    SENInstance,
)
from keystage.ctf.refusals import doctype


class _Spec(NamedTuple):
    """A record read from one element's leaf children: which tag fills which positional field."""

    kind: Callable[..., Any]
    positions: dict[str, int]  # tag -> position in the class's fields
    size: int
    blank_as_empty: int = 0  # the first n fields are plain str in the model: absent reads ""


def _spec(kind: Callable[..., Any], *tags: str | None, blank_as_empty: int = 0) -> _Spec:
    positions = {tag: at for at, tag in enumerate(tags) if tag is not None}
    return _Spec(kind, positions, len(tags), blank_as_empty)


_SCHOOL_REF = _spec(SchoolRef, "LEA", "Estab", "URN", "SchoolName", "AcademicYear")
_LANGUAGE = _spec(Language, "LanguageType", "Language")
_FSM = _spec(FSMInstance, "FSMstartDate", "FSMendDate", "UKcountry")
_SEN = _spec(SENInstance, "StartDate", "SENprovision")
_HISTORY = _spec(
    SchoolHistoryEntry, "LEA", "Estab", "SchoolName", "EntryDate", "LeavingDate", "LeavingReason"
)
# Assessment's fields in order; the stage (None here) comes from the enclosing KeyStage.
_ASSESSMENT = _spec(
    Assessment,
    None,
    "Subject",
    "Method",
    "Component",
    "ResultQualifier",
    "Result",
    "Locale",
    "Year",
    "ResultStatus",
    "ResultDate",
    blank_as_empty=5,
)
_HEADER = {
    "DocumentName": "document_name",
    "CTFversion": "ctf_version",
    "CTFVersion": "ctf_version",
    "DateTime": "date_time",
    "DocumentQualifier": "document_qualifier",
    "DataQualifier": "data_qualifier",
    "DataDescriptor": "data_descriptor",
    "SupplierID": "supplier_id",
}
# BasicDetails fields; some MIS write them straight under <Pupil>, so both places are read.
_BASIC = {
    "FormerUPN": "former_upn",
    "PreferredSurname": "preferred_surname",
    "MiddleNames": "middle_names",
    "NCyearActual": "nc_year",
    "Ethnicity": "ethnicity",
}
_PUPIL = {
    "UPN": "upn",
    "UniqueLearnerNumber": "uln",
    "Surname": "surname",
    "Forename": "forename",
    "DOB": "dob",
    "Sex": "sex",
    "Gender": "sex",
    **_BASIC,
}
# container tag -> (Pupil field, tag of each record inside, record spec)
_LISTS = {
    "Languages": ("languages", "Type", _LANGUAGE),
    "FSMhistory": ("fsm", "FSMinstance", _FSM),
    "SENhistory": ("sen", "SEN", _SEN),
    "SchoolHistory": ("school_history", "School", _HISTORY),
}
_SHARED_MAX = 4096  # distinct records remembered per reader
_RAW_KEY_MAX = 2048  # bytes: a StageAssessment is about 300
_serialise = etree.tostring


def _text(element: Any) -> str | None:
    """The element's own text, stripped; None when absent or blank."""
    text: str | None = element.text
    if text is not None:
        text = text.strip() or None
    return text


class Builder:
    """Builds model objects from finished elements, one pass over the children (no XPath).

    Records are shared: a file repeats the same values over and over (every pupil's KS1
    reading EXS), a frozen dataclass is slow to construct, and equal frozen values are
    interchangeable, so one object per distinct record serves every pupil. The cache is per
    reader and bounded.
    """

    def __init__(self) -> None:
        self._shared: dict[tuple[Any, ...], Any] = {}
        self._raw: dict[tuple[str, bytes], Assessment] = {}

    def record(self, element: Any, spec: _Spec, first: str | None = None) -> Any:
        values: list[str | None] = [None] * spec.size
        values[0] = first
        positions = spec.positions
        for child in element:
            at = positions.get(child.tag)
            if at is not None:
                text = child.text  # _text inlined: this loop runs for nearly every element
                values[at] = (text and text.strip()) or None
        key = (spec.kind, *values)
        found = self._shared.get(key)
        if found is None:
            for at in range(spec.blank_as_empty):
                values[at] = values[at] or ""
            found = spec.kind(*values)
            if len(self._shared) >= _SHARED_MAX:
                self._shared.clear()
            self._shared[key] = found
        return found

    def records(self, element: Any, tag: str, spec: _Spec, first: str | None = None) -> list[Any]:
        return [self.record(child, spec, first) for child in element if child.tag == tag]

    def header(self, element: Any) -> Header:
        fields: dict[str, Any] = {}
        for child in element:
            tag = child.tag
            name = _HEADER.get(tag)
            if name is not None:
                fields[name] = _text(child)
            elif tag == "SourceSchool":
                fields["source"] = self.record(child, _SCHOOL_REF)
            elif tag == "DestSchool":
                fields["dest"] = self.record(child, _SCHOOL_REF)
        return Header(**fields)

    def pupil(self, element: Any) -> Pupil:
        fields: dict[str, Any] = {}
        self._children(element, _PUPIL, fields)
        for name, value in fields.items():
            if type(value) is list:
                fields[name] = tuple(value)
        return Pupil(line=element.sourceline, **fields)

    def _children(self, element: Any, leaves: dict[str, str], fields: dict[str, Any]) -> None:
        for child in element:
            tag = child.tag
            name = leaves.get(tag)
            if name is not None:
                fields[name] = _text(child)
            elif tag == "StageAssessments":
                fields.setdefault("assessments", []).extend(self.assessments(child))
            elif tag in _LISTS:
                name, item_tag, spec = _LISTS[tag]
                fields.setdefault(name, []).extend(self.records(child, item_tag, spec))
            elif tag == "BasicDetails" and leaves is _PUPIL:
                self._children(child, _BASIC, fields)
            elif not isinstance(tag, str):
                # Comments and PIs are dropped by the parser; an entity reference is all that
                # is left, and it cannot exist without the DOCTYPE that was refused. Belt and
                # braces.
                raise doctype()

    def assessments(self, element: Any) -> list[Assessment]:
        """Each KeyStage's Stage applies to the StageAssessments inside it."""
        found: list[Assessment] = []
        for key_stage in element:
            if key_stage.tag != "KeyStage":
                continue
            stage = ""
            for child in key_stage:
                if child.tag == "Stage":
                    stage = _text(child) or ""
            for child in key_stage:
                if child.tag == "StageAssessment":
                    found.append(self.assessment(child, stage))
        return found

    def assessment(self, element: Any, stage: str) -> Assessment:
        # Assessments are most of a file, and the same block recurs across pupils byte for
        # byte. Serialising it is one C call, cheaper than visiting its nine children in
        # Python, and equal bytes read as equal records.
        raw = (stage, _serialise(element, with_tail=False))
        found: Assessment | None = self._raw.get(raw)
        if found is None:
            found = self.record(element, _ASSESSMENT, stage)
            if len(raw[1]) <= _RAW_KEY_MAX:  # an odd giant block is read, never kept
                if len(self._raw) >= _SHARED_MAX:
                    self._raw.clear()
                self._raw[raw] = found
        return found
