"""The LA's EYFSP and phonics returns as the DfE's COLLECT takes them: one XML file a school or
setting (dfe-returns §2.2), each the shared COLLECT envelope (Message/Header/CollectionDetails,
Source, Content/CBDSLevels, §2.4), an establishment block, and a block a child with the data
items and results. Every detail not confirmed by a source is a setting of `collect_spec`.

    entries = [(establishment, children_of(pupils, spec, codeset)) for ...]
    findings = collect_checks.run(draft)          # the DfE's checks that run locally, first
    made = return_file(header, establishment, children, spec)

Pure Python, no Django. Written with lxml's xmlfile, a child at a time.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

import keystage
from keystage.checks.run import Lookup
from keystage.codesets import Codeset
from keystage.codesets.model import as_mark
from keystage.codesets.providers import setting_label
from keystage.ctf.model import Assessment, Pupil
from keystage.exports.collect_spec import CollectSpec
from keystage.exports.packaging import Producer
from keystage.measures.phonics import PhonicsScorer
from keystage.measures.results import by_role, latest

_INDENT = "  "
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True)
class Establishment:
    """A school (LA + 4-digit DfE number) or a PVI setting (LA + 6-digit early years URN).
    `key` is the caller's own id for it (the portal's school), so a finding can be chased."""

    la: str
    estab: str | None = None
    ey_urn: str | None = None
    name: str = ""
    is_setting: bool = False
    key: object = field(default=None, compare=False)

    @property
    def number(self) -> str:
        """What identifies it within the LA: the DfE number, or a setting's EY URN."""
        return (self.ey_urn if self.is_setting else self.estab) or ""

    @property
    def label(self) -> str:
        """How a message names it: "Oak Primary (3302001)", "Little Acorns (EY URN 512345)"."""
        if self.is_setting:
            return setting_label(self.name, self.ey_urn or "missing")
        return f"{self.name} ({self.la}{self.estab or '????'})"


@dataclass(frozen=True)
class Child:
    """A child's block: the data items and the results as (A_comp, value), in the spec's order."""

    upn: str | None
    surname: str | None
    forename: str | None
    dob: str | None
    sex: str | None
    nc_year: str | None = None
    results: tuple[tuple[str, str], ...] = ()

    @property
    def display_name(self) -> str:
        return f"{(self.surname or '(no surname)').upper()}, {self.forename or '(no forename)'}"

    def result(self, component: str) -> str | None:
        return next((value for comp, value in self.results if comp == component), None)


@dataclass(frozen=True)
class ReturnHeader:
    collection: str
    term: str
    year: str
    reference_date: str
    source_level: str
    la: str
    software_code: str
    release: str
    serial_no: str
    date_time: str
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class CollectFile:
    name: str
    body: bytes
    establishment: Establishment
    children: int


def header_for(spec: CollectSpec, codeset: Codeset, la: str, producer: Producer) -> ReturnHeader:
    """The header of every file of one export: the LA's, numbered by the export."""
    return ReturnHeader(
        collection=spec.collection.value,
        term=spec.term.value,
        year=spec.year(codeset),
        reference_date=spec.reference_date(codeset).isoformat(),
        source_level=spec.source_level.value,
        la=la,
        software_code=spec.software_code.value,
        release=keystage.__version__,
        serial_no=f"{producer.number:03d}",
        date_time=producer.made_at.strftime("%Y-%m-%dT%H:%M:%S"),
        levels=spec.levels.value,
    )


# -- From the portal's pupils to children ----------------------------------------------------


def children_of(pupils: Iterable[Pupil], spec: CollectSpec, codeset: Codeset) -> list[Child]:
    """Each pupil as the return carries them: this year's results only, the latest given."""
    lookup = Lookup(codeset)
    phonics = PhonicsScorer(codeset, None) if spec.kind == "PHON" else None
    made = []
    for pupil in pupils:
        results = by_role(pupil, lookup, spec.kind)
        if phonics is None:
            nc_year, values = pupil.nc_year, _goals(results, spec)
        else:
            nc_year, _, current = phonics.current(pupil, results)
            values = _phonics(current.result if current else None, spec, codeset)
        made.append(
            Child(pupil.upn, pupil.surname, pupil.forename, pupil.dob, pupil.sex,
                  nc_year if spec.nc_year.value else None, values)
        )  # fmt: skip
    return made


def _goals(results: dict[str, list[Assessment]], spec: CollectSpec) -> tuple[tuple[str, str], ...]:
    found = ((comp, latest(results, role)) for role, comp in spec.components.value.items())
    return tuple((comp, value) for comp, value in found if value is not None)


def _phonics(
    result: str | None, spec: CollectSpec, codeset: Codeset
) -> tuple[tuple[str, str], ...]:
    """The mark and the outcome (Wa/Wt from the mark), or the code alone as the outcome."""
    if result is None:
        return ()
    components, outcomes = spec.components.value, spec.outcomes
    mark = as_mark(result)
    if mark is None or outcomes is None:
        return ((components["phonics_outcome"], result),)
    met, not_met = outcomes.value
    outcome = met if mark >= codeset.phonics_threshold else not_met
    return ((components["phonics_mark"], result), (components["phonics_outcome"], outcome))


# -- The file ---------------------------------------------------------------------------------


def file_name(spec: CollectSpec, establishment: Establishment, number: int) -> str:
    if not (establishment.la and establishment.number):
        raise ValueError(f"{establishment.label} needs its LA and DfE number or EY URN")
    return spec.name(establishment.la, establishment.number, number)


def return_file(
    header: ReturnHeader,
    establishment: Establishment,
    children: Iterable[Child],
    spec: CollectSpec,
    number: int,
) -> CollectFile:
    """One school's or setting's file, with its name."""
    buffer = io.BytesIO()
    count = write_return(header, establishment, children, spec, buffer)
    return CollectFile(file_name(spec, establishment, number), buffer.getvalue(), establishment,
                       count)  # fmt: skip


def write_return(
    header: ReturnHeader,
    establishment: Establishment,
    children: Iterable[Child],
    spec: CollectSpec,
    out: io.BufferedIOBase | io.BytesIO,
) -> int:
    """Writes the file a child at a time; gives the number of children written."""
    tags = spec.tags.value
    count = 0
    out.write(_DECLARATION)
    with etree.xmlfile(out, encoding="utf-8") as xf, xf.element(tags.root):
        for element in (_header(header, spec), _establishment(establishment, spec)):
            xf.write("\n" + _INDENT)
            xf.write(_indented(element, level=1))
        xf.write("\n" + _INDENT)
        with xf.element(tags.children):
            for child in children:
                xf.write("\n" + _INDENT * 2)
                xf.write(_indented(_child(child, spec), level=2))
                count += 1
            xf.write("\n" + _INDENT)
        xf.write("\n")
    out.write(b"\n")
    return count


def _indented(element: etree._Element, *, level: int) -> etree._Element:
    etree.indent(element, space=_INDENT, level=level)
    element.tail = None
    return element


def _leaves(parent: etree._Element, pairs: Iterable[tuple[str, str | None]]) -> None:
    for tag, value in pairs:
        if value:
            etree.SubElement(parent, tag).text = value


def _header(header: ReturnHeader, spec: CollectSpec) -> etree._Element:
    tags = spec.tags.value
    element = etree.Element(tags.header)
    _leaves(
        etree.SubElement(element, tags.collection_details),
        [("Collection", header.collection), ("Term", header.term), ("Year", header.year),
         ("ReferenceDate", header.reference_date)],
    )  # fmt: skip
    _leaves(
        etree.SubElement(element, tags.source),
        [("SourceLevel", header.source_level), ("LEA", header.la),
         ("SoftwareCode", header.software_code), ("Release", header.release),
         ("SerialNo", header.serial_no), ("DateTime", header.date_time)],
    )  # fmt: skip
    levels = etree.SubElement(etree.SubElement(element, tags.content), tags.levels)
    _leaves(levels, [(tags.level, level) for level in header.levels])
    return element


def _establishment(establishment: Establishment, spec: CollectSpec) -> etree._Element:
    tags = spec.tags.value
    element = etree.Element(tags.establishment)
    number_tag = tags.ey_urn if establishment.is_setting else "Estab"
    _leaves(element, [("LEA", establishment.la), (number_tag, establishment.number)])
    return element


def _child(child: Child, spec: CollectSpec) -> etree._Element:
    tags = spec.tags.value
    element = etree.Element(tags.child)
    _leaves(
        element,
        [("UPN", child.upn), ("Surname", child.surname), ("Forename", child.forename),
         ("DOB", child.dob), ("Sex", child.sex), ("NCyearActual", child.nc_year)],
    )  # fmt: skip
    if child.results:
        block = etree.SubElement(element, tags.results)
        for component, value in child.results:
            _leaves(etree.SubElement(block, tags.result),
                    [(tags.component, component), (tags.value, value)])  # fmt: skip
    return element
