"""The file as a whole: what the reader refuses, and the header."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePath

from keystage.checks.model import ERROR, QUERY, Finding
from keystage.checks.registry import declare, finding, rule
from keystage.checks.run import Run
from keystage.codesets.providers import setting_label
from keystage.ctf.model import Header, SchoolRef

# A CTF's fixed document name (a format constant, not a yearly code).
DOCUMENT_NAME = "Common Transfer File"
# School to LA: "3302001_CTF_330LLLL_001.xml" (LA number, the school's DfE number, ...);
# the EYFSP and phonics variants write FSP and PHO in place of CTF.
_FILE_NAME = re.compile(r"^(\d{3})(\d{4})_(?:CTF|FSP|PHO)_", re.IGNORECASE)

declare(
    code="FILE-NOT-XML",
    severity=ERROR,
    scope="reader",
    summary=(
        "Not well-formed XML (with the line and column), empty, or not in the encoding it "
        "declares (UTF-8, ISO-8859-1, Windows-1252, or UTF-16 with a byte-order mark)."
    ),
)
declare(
    code="FILE-HOSTILE",
    severity=ERROR,
    scope="reader",
    summary="Has a DOCTYPE or entity declarations, or exceeds the size or depth limit.",
)
declare(
    code="FILE-NOT-CTF",
    severity=ERROR,
    scope="reader",
    summary="The root is not CTfile (an admissions file, a spreadsheet or a PDF is named as such).",
)


@rule(
    code="HDR-DOCNAME",
    severity=ERROR,
    scope="header",
    fields=("DocumentName",),
    summary=f'DocumentName is not "{DOCUMENT_NAME}".',
)
def document_name(header: Header, run: Run) -> Iterable[Finding]:
    name = header.document_name
    # case and spacing are a supplier's whim, not a different document
    if name is not None and " ".join(name.split()).casefold() == DOCUMENT_NAME.casefold():
        return ()
    said = f'"{name}"' if name else "nothing"
    message = (
        f'The file\'s DocumentName is {said}, not "{DOCUMENT_NAME}": it may not be a CTF. '
        "Make the file again with your MIS's CTF export."
    )
    return (finding("HDR-DOCNAME", message, field="DocumentName"),)


@rule(
    code="HDR-VERSION",
    severity=QUERY,
    scope="header",
    fields=("CTFversion",),
    summary="CTFversion is neither this year's nor last year's.",
)
def ctf_version(header: Header, run: Run) -> Iterable[Finding]:
    accepted = run.codeset.ctf_versions
    if header.ctf_version in accepted:
        return ()
    said = header.ctf_version or "missing"
    message = (
        f"The file's CTF version is {said}; this year's is {accepted[0]}. Your MIS may need "
        "its latest update. If the results are right, say which MIS version made the file."
    )
    return (finding("HDR-VERSION", message, field="CTFversion"),)


def school_name(school: SchoolRef) -> str:
    """'Oak Lane Primary (330/2001)'; a PVI setting, which has no establishment number,
    'Little Acorns Nursery (EY URN 512345)'."""
    if school.urn and not school.estab:
        return setting_label(school.name or "", school.urn)
    number = f"{school.la or '?'}/{school.estab or '?'}"
    return f"{school.name} ({number})" if school.name else f"school {number}"


def _same_school(source: SchoolRef, school: SchoolRef) -> bool:
    if school.urn and not school.estab:
        # A PVI setting has no establishment number: its early years URN is all that names it,
        # so the file must carry it (in SourceSchool's URN, or the template's hidden details).
        return source.urn == school.urn and (
            not source.la or not school.la or source.la == school.la
        )
    pairs = [(source.la, school.la), (source.estab, school.estab)]
    if source.urn and school.urn:  # the URN is compared only when both sides have it
        pairs.append((source.urn, school.urn))
    return all(theirs == ours for theirs, ours in pairs if ours)


@rule(
    code="HDR-SCHOOL",
    severity=ERROR,
    scope="header",
    fields=("LEA", "Estab", "URN"),
    summary="SourceSchool LEA + Estab (and URN when present) is not the school uploading; for a "
    "PVI setting, its early years URN.",
)
def source_school(header: Header, run: Run) -> Iterable[Finding]:
    school = run.school
    if school is None or _same_school(header.source, school):
        return ()
    message = (
        f"This file was made for {school_name(header.source)}. You are signed in as "
        f"{school_name(school)}. Check that you chose the right file, or make the CTF again "
        "from your own MIS."
    )
    return (finding("HDR-SCHOOL", message, field="SourceSchool"),)


@rule(
    code="HDR-ACYEAR",
    severity=QUERY,
    scope="header",
    fields=("AcademicYear",),
    summary="AcademicYear is not the collection's (the year the academic year starts).",
)
def academic_year(header: Header, run: Run) -> Iterable[Finding]:
    expected = str(run.codeset.start_year)
    year = header.source.academic_year
    if year == expected:
        return ()
    said = f"{year}" if year else "missing"
    message = (
        f"The file's AcademicYear is {said}, but this collection is for {expected} "
        f"(the {run.codeset.academic_year} school year). Check that the file is this year's, "
        "or make it again from your MIS."
    )
    return (finding("HDR-ACYEAR", message, field="AcademicYear"),)


def laestab_of_name(file_name: str) -> tuple[str, str] | None:
    """The LA and establishment numbers a conventional file name starts with, else None."""
    match = _FILE_NAME.match(PurePath(file_name).name)
    return (match[1], match[2]) if match else None


@rule(
    code="FILE-NAME",
    severity=QUERY,
    scope="header",
    fields=("file name",),
    summary="The file name's LA/establishment numbers disagree with the header.",
)
def file_name(header: Header, run: Run) -> Iterable[Finding]:
    named = laestab_of_name(run.file_name) if run.file_name else None
    source = header.source
    if named is None or not (source.la and source.estab) or named == (source.la, source.estab):
        return ()
    message = (
        f"The file name {PurePath(run.file_name or '').name} is for school "
        f"{named[0]}/{named[1]}, but the file inside is from {school_name(source)}. "
        "The file, not its name, decides the school: check that this is the right file."
    )
    return (finding("FILE-NAME", message, field="file name"),)
