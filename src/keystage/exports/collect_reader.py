"""Reading a COLLECT return file back: the header, the establishment and the children as
`keystage.exports.collect` wrote them, and the children as pupils with the code table's
results, so the measures can be worked out from the file itself (the round trip that proves
a return says what the LA's results page says).

lxml without DTDs, entities or the network, as everywhere Keystage reads XML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from keystage.codesets import Codeset
from keystage.codesets.model import as_mark
from keystage.ctf.model import Assessment, Pupil
from keystage.exports.collect import Child, Establishment, ReturnHeader
from keystage.exports.collect_spec import CollectSpec

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class ReturnReadError(ValueError):
    """The bytes are not a return file of this shape."""


@dataclass(frozen=True)
class ReadReturn:
    header: ReturnHeader
    establishment: Establishment
    children: list[Child]


def read_return(body: bytes, spec: CollectSpec) -> ReadReturn:
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as broken:
        raise ReturnReadError(f"not well-formed XML: {broken}") from None
    tags = spec.tags.value
    if root.tag != tags.root:
        raise ReturnReadError(f"the root is {root.tag}, not {tags.root}")
    return ReadReturn(_header(root, spec), _establishment(root, spec), _children(root, spec))


def _text(parent: etree._Element | None, path: str) -> str | None:
    if parent is None:
        return None
    found = parent.find(path)
    return (found.text or "").strip() or None if found is not None else None


def _header(root: etree._Element, spec: CollectSpec) -> ReturnHeader:
    tags = spec.tags.value
    header = root.find(tags.header)
    details = header.find(tags.collection_details) if header is not None else None
    source = header.find(tags.source) if header is not None else None
    levels = root.findall(f"{tags.header}/{tags.content}/{tags.levels}/{tags.level}")
    return ReturnHeader(
        collection=_text(details, "Collection") or "",
        term=_text(details, "Term") or "",
        year=_text(details, "Year") or "",
        reference_date=_text(details, "ReferenceDate") or "",
        source_level=_text(source, "SourceLevel") or "",
        la=_text(source, "LEA") or "",
        software_code=_text(source, "SoftwareCode") or "",
        release=_text(source, "Release") or "",
        serial_no=_text(source, "SerialNo") or "",
        date_time=_text(source, "DateTime") or "",
        levels=tuple((level.text or "").strip() for level in levels),
    )


def _establishment(root: etree._Element, spec: CollectSpec) -> Establishment:
    tags = spec.tags.value
    block = root.find(tags.establishment)
    ey_urn = _text(block, tags.ey_urn)
    return Establishment(
        la=_text(block, "LEA") or "",
        estab=_text(block, "Estab"),
        ey_urn=ey_urn,
        is_setting=ey_urn is not None,
    )


def _children(root: etree._Element, spec: CollectSpec) -> list[Child]:
    tags = spec.tags.value
    found = []
    for element in root.iterfind(f"{tags.children}/{tags.child}"):
        results = tuple(
            (_text(item, tags.component) or "", _text(item, tags.value) or "")
            for item in element.iterfind(f"{tags.results}/{tags.result}")
        )
        found.append(
            Child(
                upn=_text(element, "UPN"),
                surname=_text(element, "Surname"),
                forename=_text(element, "Forename"),
                dob=_text(element, "DOB"),
                sex=_text(element, "Sex"),
                nc_year=_text(element, "NCyearActual"),
                results=results,
            )
        )
    return found


def pupils_of(children: Iterable[Child], spec: CollectSpec, codeset: Codeset) -> list[Pupil]:
    """The children as pupils with the code table's tuples, dated this year: what the
    measures take. A phonics child's code (A, D, L, Q) goes back as the mark tuple's result."""
    roles = {comp: role for role, comp in spec.components.value.items()}
    made = []
    for child in children:
        assessments = []
        for component, value in child.results:
            role = roles.get(component)
            if role is None:
                continue
            if spec.kind == "PHON" and role == "phonics_outcome":
                if as_mark(child.result(spec.components.value["phonics_mark"]) or "") is not None:
                    continue  # derived from the mark, which is there
                role = "phonics_mark"
            key = codeset.role(role).key
            assessments.append(Assessment(*key, result=value, year=codeset.assessment_year))
        made.append(
            Pupil(upn=child.upn, surname=child.surname, forename=child.forename, dob=child.dob,
                  sex=child.sex, nc_year=child.nc_year, assessments=tuple(assessments))
        )  # fmt: skip
    return made
