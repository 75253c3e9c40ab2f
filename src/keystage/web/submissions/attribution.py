"""Whose file it is, and for which collection: a file from another channel (secure transfer,
the data team's own uploads) is attributed to its school by the CTF header and to a collection
by its results, read with the hardened reader. The header's own words are kept to show the
data team when it cannot be attributed.
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from keystage.checks import infer_collection
from keystage.codesets import codeset_for
from keystage.ctf.errors import CTFError
from keystage.ctf.model import Header, Pupil, SchoolRef
from keystage.ctf.reader import read_ctf
from keystage.web.common.clock import today
from keystage.web.models import Collection, School, UnattributedFile

Source = bytes | str | os.PathLike[str] | IO[bytes]

# Pupils read to tell the collection: a file holds one collection, so a few agree.
SAMPLE_PUPILS = 25
_YEAR = re.compile(r"\s*(\d{4})")


@dataclass(frozen=True)
class Attribution:
    """Whose file it is and for which collection; `reason` says how we know, or why we don't."""

    school: School | None
    collection: Collection | None
    reason: str
    header: Header | None = None


def attribute(source: Source, *, collection: Collection | str | None = None) -> Attribution:
    """Reads the header (and, to tell the collection, the first pupils) with the hardened reader.

    `collection` is a Collection to use as it is, or a kind ("KS1") to match with the header's
    academic year; without it, the collection is told from the pupils' results.
    """
    pupils: list[Pupil] = []
    late: CTFError | None = None
    try:
        with (
            _reader_source(source) as raw,
            read_ctf(raw, max_bytes=settings.MAX_UPLOAD_BYTES) as reader,
        ):
            header = reader.header
            if collection is None:
                late = _sample(iter(reader), pupils)
    except CTFError as problem:
        return Attribution(None, None, _unreadable(problem))
    except OSError as problem:
        return Attribution(None, None, f"It could not be read: {problem.strerror or problem}")
    school = _school(header.source)
    if school is None:
        return Attribution(None, None, _unknown_school(header.source), header)
    year = _academic_year(header.source.academic_year)
    window, how = _collection(collection, pupils, year, late)
    if window is None:
        return Attribution(school, None, how, header)
    return Attribution(school, window, f"{school.reference}, {window.short_name} ({how})", header)


def _unreadable(problem: CTFError) -> str:
    return f"It could not be read as a CTF ({problem.code}): {problem.message}"


@contextmanager
def _reader_source(source: Source) -> Iterator[str | os.PathLike[str] | IO[bytes]]:
    """What read_ctf takes; a file object is read from its start and left there for its owner."""
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        yield source
    else:
        source.seek(0)
        try:
            yield source
        finally:
            source.seek(0)


def _sample(pupils: Iterator[Pupil], into: list[Pupil]) -> CTFError | None:
    """The first pupils; an error further on is left for the checks to report to the school."""
    try:
        for pupil in pupils:
            into.append(pupil)
            if len(into) >= SAMPLE_PUPILS:
                break
    except CTFError as problem:
        return problem
    return None


def _school(ref: SchoolRef) -> School | None:
    """By LAESTAB; by URN only when the LAESTAB is missing or unknown (academies change it)."""
    if ref.laestab:
        found = School.objects.filter(laestab=ref.laestab.strip()).first()
        if found is not None:
            return found
    if ref.urn:
        return School.objects.filter(urn=ref.urn.strip()).first()
    return None


def _unknown_school(ref: SchoolRef) -> str:
    named = [
        f"LAESTAB {ref.laestab}" if ref.laestab else "",
        f"URN {ref.urn}" if ref.urn else "",
        f"“{ref.name}”" if ref.name else "",
    ]
    said = ", ".join(n for n in named if n)
    if not said:
        return "The header names no school (no LEA and Estab, no URN). Attribute it by hand."
    return (
        f"The header names a school we do not have: {said}. Check the school register, "
        "or attribute it by hand."
    )


def _academic_year(said: str | None) -> str | None:
    """The header's AcademicYear (the year it starts, 2025) as collections name it (2025-26)."""
    found = _YEAR.match(said or "")
    if found is None:
        return None
    start = int(found.group(1))
    return f"{start}-{(start + 1) % 100:02d}"


def _collection(
    given: Collection | str | None, pupils: list[Pupil], year: str | None, late: CTFError | None
) -> tuple[Collection | None, str]:
    """The collection, and how it was found (or why not)."""
    if isinstance(given, Collection):
        return given, "collection chosen by hand"
    kind, how = (given, "collection given") if given else (_infer(pupils, year), "from results")
    if kind is None:
        if late is not None and not pupils:
            return None, _unreadable(late)
        return None, (
            "No collection can be told from the pupils' results (there are none we know). "
            "Attribute it by hand, or import it again naming the collection."
        )
    windows = list(Collection.objects.filter(kind=kind))
    if year is not None:
        window = next((w for w in windows if w.academic_year == year), None)
        if window is None:
            return None, f"There is no {kind} collection for {year} in Keystage."
        return window, how
    # No year in the header: only a collection open now can be meant.
    open_now = [w for w in windows if w.is_open(today())]
    if len(open_now) != 1:
        return None, (
            f"The header gives no academic year, and there is not exactly one {kind} "
            "collection open now. Attribute it by hand."
        )
    return open_now[0], how


def _infer(pupils: list[Pupil], year: str | None) -> str | None:
    codeset = codeset_for(year or "")
    votes = Counter(kind for p in pupils if (kind := infer_collection(p, codeset)))
    return votes.most_common(1)[0][0] if votes else None


def as_xml(upload: UploadedFile[bytes]) -> UploadedFile[bytes]:
    """Transfer tools rename files (".XML.pgp.out", ".txt"); receive() takes only ".xml" names,
    to stop a school picking the wrong file. Here the header has been read, so it is XML.
    """
    name = upload.name or "ctf"
    if name.lower().endswith(".xml"):
        return upload
    upload.seek(0)
    return UploadedFile(
        file=upload.file, name=f"{name[:250]}.xml", content_type="application/xml",
        size=upload.size,
    )  # fmt: skip


def read_again(kept: UnattributedFile) -> Attribution | None:
    """The stored file read again: the header's own words, and where it points now."""
    try:
        with kept.file.open("rb") as raw:
            return attribute(raw)
    except OSError:
        return None


def header_said(found: Attribution | None) -> list[tuple[str, str]]:
    """What the header says of the school and the file, as labelled lines for a page."""
    if found is None or found.header is None:
        return []
    source = found.header.source
    said = [
        ("LAESTAB", source.laestab),
        ("URN", source.urn),
        ("School name", source.name),
        ("Academic year", source.academic_year),
        ("Exported by", found.header.supplier_id),
        ("Exported at", found.header.date_time),
    ]
    return [(label, value) for label, value in said if value]
