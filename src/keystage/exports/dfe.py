"""The LA's return to the DfE for the EYFSP and the phonics check: one CTF per school.

Each file is the school's own return as the LA locked it: SourceSchool is the school (so the
file reads back as that school's, and the project's checks pass for it), the header says the
LA made it (SupplierID, DataDescriptor), DestSchool is the DfE. Only the collection's own
results go: a phonics file's stray KS1 teacher assessments, say, stay behind.

The DfE's destination code is WORKING (reference/ctf.md): LA number `000`, which no LA has,
so the name is `LLLEEEE_CTF_000LLLL_NNN.xml` and fits the convention every LA tool parses
(`keystage.ctf.filename`). Confirm it against the DfE's guidance for the year's return.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Buffer, Iterable, Iterator
from dataclasses import dataclass, replace

from keystage.checks import COLLECTION_NAMES, ERROR, Context, Finding, run_checks
from keystage.checks.run import Lookup
from keystage.codesets import Codeset
from keystage.ctf.errors import CTFError
from keystage.ctf.filename import expected_name
from keystage.ctf.model import Assessment, Header, Pupil, SchoolRef
from keystage.ctf.reader import read_ctf
from keystage.ctf.writer import to_bytes

DFE_COLLECTIONS = ("EYFSP", "PHON")
DFE_LA = "000"  # working: see the module's docstring
DFE_NAME = "Department for Education"
DOCUMENT_NAME = "Common Transfer File"


@dataclass(frozen=True)
class Producer:
    """Who makes the files and when, and the file number (NNN) this export takes."""

    la_name: str
    made_at: dt.datetime
    number: int = 1


@dataclass(frozen=True)
class ReturnFile:
    name: str
    body: bytes
    school: SchoolRef
    pupils: int


def header_for(school: SchoolRef, collection: str, codeset: Codeset, producer: Producer) -> Header:
    """The header of a school's return: from the school (for the year), to the DfE."""
    what = COLLECTION_NAMES.get(collection, collection)
    return Header(
        document_name=DOCUMENT_NAME,
        ctf_version=codeset.ctf_versions[0],
        date_time=producer.made_at.strftime("%Y-%m-%dT%H:%M:%S"),
        document_qualifier="partial",
        data_descriptor=(
            f"{what} results {codeset.academic_year} for the DfE, "
            f"made by {producer.la_name} from the school's locked return"
        ),
        supplier_id=f"Keystage ({producer.la_name})",
        source=replace(school, academic_year=str(codeset.start_year)),
        dest=SchoolRef(la=DFE_LA, name=DFE_NAME),
    )


def return_name(school: SchoolRef, number: int) -> str:
    """`3302001_CTF_000LLLL_001.xml`: the school, to the DfE, the export's number."""
    if not (school.la and school.estab):
        raise ValueError("a school's return needs its LA and establishment numbers")
    return expected_name(school.la, school.estab, DFE_LA, number)


def own_results(pupil: Pupil, collection: str, lookup: Lookup) -> Pupil:
    """The pupil with only the collection's results (tuples the code table places in it)."""
    kept = tuple(a for a in pupil.assessments if _belongs(a, collection, lookup))
    return pupil if kept == pupil.assessments else replace(pupil, assessments=kept)


def _belongs(a: Assessment, collection: str, lookup: Lookup) -> bool:
    kind = lookup.kind(a)
    return kind is not None and kind.collection == collection


def return_file(
    school: SchoolRef,
    pupils: Iterable[Pupil],
    collection: str,
    codeset: Codeset,
    producer: Producer,
) -> ReturnFile:
    """One school's return as CTF bytes, with its conventional name."""
    if collection not in DFE_COLLECTIONS:
        raise ValueError(f"the DfE return is for {' and '.join(DFE_COLLECTIONS)} only")
    lookup = Lookup(codeset)
    chosen = [own_results(p, collection, lookup) for p in pupils]
    header = header_for(school, collection, codeset, producer)
    return ReturnFile(
        name=return_name(school, producer.number),
        body=to_bytes(header, chosen),
        school=header.source,
        pupils=len(chosen),
    )


def read_back_errors(file: ReturnFile, collection: str, codeset: Codeset) -> list[Finding]:
    """The errors the project's own checks find in the file, read back as the school's own
    upload would be: none for a return made from a confirmed (error-free) version."""
    context = Context(
        codeset=codeset, collection=collection, school=file.school, file_name=file.name
    )
    try:
        with read_ctf(io.BytesIO(file.body)) as reader:
            outcome = run_checks(reader.header, reader, context)
    except CTFError as refused:
        return [Finding(refused.code, ERROR, refused.message)]
    return [f for f in outcome.findings if f.severity == ERROR]


def zip_of(members: Iterable[tuple[str, bytes]], made_at: dt.datetime) -> bytes:
    """A ZIP of the named files, each dated when the export was made."""
    return b"".join(zip_stream(members, made_at))


def zip_stream(members: Iterable[tuple[str, bytes]], made_at: dt.datetime) -> Iterator[bytes]:
    """The same ZIP, given out as it is made: each member's bytes as soon as it is added, so
    300 schools' files never sit in memory together (and `members` may make them lazily)."""
    stamp = made_at.timetuple()[:6]
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, body)
            yield sink.take()
    yield sink.take()  # the central directory, written on closing


class _Sink(io.RawIOBase):
    """A write-only stream zipfile writes to (it cannot seek, so zipfile streams)."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        return len(chunk)

    def take(self) -> bytes:
        taken, self._parts = b"".join(self._parts), []
        return taken
