"""A streaming, hardened CTF reader.

    with read_ctf(path) as reader:
        header = reader.header        # complete before the first pupil
        for pupil in reader:          # one Pupil at a time; memory stays flat
            ...

Files come from outside, so the reader trusts nothing: before lxml sees a byte it refuses
empty files, PDFs, spreadsheets, other encodings than UTF-8 and any DOCTYPE (which is where
entity bombs and external entities live); lxml runs with entities unresolved, no network and
no DTD; the reader caps the file's size, the nesting depth, how much one record may hold
and how many records there are. Every failure is a CTFError with a message for a school
office, raised where it is met: a truncated file may yield some pupils before the error (the
caller refuses the whole file).

Speed: one pass of lxml events, and one pass over each finished <Pupil>'s children with a
dispatch on the tag; records that recur (the same assessment for many pupils) are built once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NamedTuple, Self

from lxml import etree

from keystage.ctf.errors import CTFError
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

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH", "CTFReader", "read_all", "read_ctf"]

Source = str | os.PathLike[str] | IO[bytes]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_DEPTH = 32
# What the tree may hold at once, between two releases (a pupil, the header). A pupil with
# every optional block is a few hundred elements and tens of KB. One giant record, or a
# start tag with millions of attributes, would otherwise grow the tree (at up to 25 bytes of
# memory per byte of file) without bound inside the size cap.
MAX_HELD_ELEMENTS = 50_000
MAX_HELD_BYTES = 2 * 1024 * 1024
# Pupils (and any other elements at pupil level) in one file. A school sends a few hundred;
# millions of tiny records would cost the reader, and the checks after it, far more time
# per megabyte than real pupils do.
MAX_RECORDS = 200_000
_HEAD_BYTES = 64 * 1024  # read before lxml starts: magic bytes, BOM, XML declaration, prolog
_CHUNK = 64 * 1024

_REMAKE = "Make the CTF again in your MIS and upload the new file."
_UTF8 = (
    "Keystage reads CTFs saved as UTF-8 only: export the CTF again from your MIS (do not "
    "open and re-save it in another program) and upload that file."
)


# --- the raw bytes ------------------------------------------------------------------------


class _CappedStream:
    """The file as lxml reads it: the sniffed head first, then the rest, counting every byte.

    Counting here (not only os.stat) also caps streams and files that grow while being read.
    """

    def __init__(self, raw: IO[bytes], head: bytes, max_bytes: int) -> None:
        self._raw = raw
        self._head = head
        self._max_bytes = max_bytes
        self.count = len(head)
        self.lines = head.count(b"\n") + 1  # so far: tells a cut-off file from a broken one
        self.eof = False
        self.released_at = 0  # the count when the reader last released a record

    def read(self, size: int = _CHUNK) -> bytes:
        if self._head:
            data, self._head = self._head, b""
            return data
        data = self._raw.read(size)
        if not data:
            self.eof = True
            return b""
        self.count += len(data)
        self.lines += data.count(b"\n")
        if self.count > self._max_bytes:
            raise _too_big(self.count, self._max_bytes, exact=False)
        # Checked here, per chunk, since lxml reads on while a start tag or text is unfinished
        # and yields no event to check it at.
        if self.count - self.released_at > MAX_HELD_BYTES + _CHUNK:
            raise _too_large_record()
        return data


def _read_head(raw: IO[bytes], max_bytes: int) -> bytes:
    """Up to _HEAD_BYTES from the start (a stream may return less than asked for)."""
    parts: list[bytes] = []
    got = 0
    while got < _HEAD_BYTES:
        data = raw.read(_HEAD_BYTES - got)
        if not data:
            break
        parts.append(data)
        got += len(data)
    head = b"".join(parts)
    if len(head) > max_bytes:
        raise _too_big(len(head), max_bytes, exact=False)
    return head


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _too_big(size: int, max_bytes: int, *, exact: bool) -> CTFError:
    """`exact` when the size is known (a path); a stream is refused as soon as it passes."""
    if exact and _size(size) != _size(max_bytes):
        said = f"The file is {_size(size)}; the largest Keystage accepts is {_size(max_bytes)}."
    else:
        said = f"The file is larger than {_size(max_bytes)}, the largest Keystage accepts."
    return CTFError(
        "FILE-HOSTILE",
        f"{said} A CTF for one school is far smaller: check that this is the right file, "
        "or ask the LA data team.",
    )


# --- sniffing the head --------------------------------------------------------------------

_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_NOT_CTF_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "This is a PDF document, not a CTF."),
    (
        b"\xd0\xcf\x11\xe0",
        "This is an older Microsoft Office file (an Excel spreadsheet or "
        "Word document), not a CTF.",
    ),
    (b"\x1f\x8b", "This is a compressed (gzip) file, not a CTF."),
    (b"\x89PNG", "This is a picture (PNG), not a CTF."),
    (b"\xff\xd8\xff", "This is a picture (JPEG), not a CTF."),
)
_CTF_IS = (
    "A CTF is an XML file your MIS exports (for example 3302001_CTF_330LLLL_001.xml): "
    "export it again and upload that file."
)


def _sniff(head: bytes, *, whole: bool) -> None:
    """Refuses what is plainly not a UTF-8 XML CTF, and any DOCTYPE, before lxml runs."""
    if not head:
        raise CTFError("FILE-NOT-XML", f"The file is empty (0 bytes). {_REMAKE}")
    _sniff_magic(head)
    _sniff_encoding(head)
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not body:
        if whole:
            raise CTFError("FILE-NOT-XML", f"The file holds only blank space, no CTF. {_REMAKE}")
        return  # a long run of blanks: the parser will find what, if anything, follows
    if not body.startswith(b"<"):
        raise CTFError(
            "FILE-NOT-XML",
            f"The file is not XML: it does not start with '<' (it may be a CSV or text file). "
            f"{_CTF_IS}",
            line=1,
            column=1,
        )
    _sniff_prolog(body, whole=whole)


def _sniff_magic(head: bytes) -> None:
    for magic, said in _NOT_CTF_MAGIC:
        if head.startswith(magic):
            raise CTFError("FILE-NOT-CTF", f"{said} {_CTF_IS}")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise CTFError("FILE-NOT-CTF", f"{_zip_kind(head)}, not a CTF. {_CTF_IS}")


def _zip_kind(head: bytes) -> str:
    """A zip's first entries name what it is: Office files keep their parts in known folders."""
    if b"xl/" in head:
        return "This is a spreadsheet (Excel)"
    if b"word/" in head:
        return "This is a Word document"
    if b"[Content_Types].xml" in head:
        return "This is a Microsoft Office document (probably an Excel spreadsheet)"
    return "This is a zip file"


def _sniff_encoding(head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CTFError("FILE-NOT-XML", f"The file is saved as UTF-16, not UTF-8. {_UTF8}")
    start = head[:1024]
    if b"\x00" in start:
        if _looks_utf16(start):
            said = "The file is saved as UTF-16, not UTF-8."
        else:
            said = "The file is not a text file: it holds binary data."
        raise CTFError("FILE-NOT-XML", f"{said} {_UTF8}")
    found = _DECL_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if found:
        name = found.group(1).decode("ascii", "replace").strip()
        if name.lower() not in _UTF8_NAMES:
            shown = re.sub(r"[^A-Za-z0-9._-]", "?", name)[:40]
            raise CTFError(
                "FILE-NOT-XML", f"The file says it is in the {shown} encoding. {_UTF8}", line=1
            )


def _looks_utf16(start: bytes) -> bool:
    """UTF-16 text without a BOM: XML is mostly ASCII, so every other byte is a zero."""
    even, odd = start[0::2], start[1::2]
    return max(even.count(0) / max(len(even), 1), odd.count(0) / max(len(odd), 1)) > 0.7


def _sniff_prolog(body: bytes, *, whole: bool) -> None:
    """Walks the prolog (declaration, comments, processing instructions) up to the root.

    A DOCTYPE there is refused without parsing it: it is where entity expansion bombs and
    external entities are declared, and a CTF never has one.
    """
    at = 0
    while True:
        at = _skip_blanks(body, at)
        if body.startswith(b"<!--", at):
            at = _past(body, b"-->", at, whole=whole)
        elif body.startswith(b"<?", at):
            at = _past(body, b"?>", at, whole=whole)
        elif body[at : at + 9].upper() == b"<!DOCTYPE":  # any case: HTML writes <!doctype
            raise _doctype(html=body[at + 9 : at + 20].strip().lower().startswith(b"html"))
        else:
            return  # the root element, or something the parser will call malformed
        if at < 0:
            return  # the prolog runs past the head: the parser and the docinfo check take over


def _skip_blanks(body: bytes, at: int) -> int:
    while at < len(body) and body[at] in b" \t\r\n":
        at += 1
    return at


def _past(body: bytes, end: bytes, at: int, *, whole: bool) -> int:
    found = body.find(end, at)
    if found < 0:
        return len(body) if whole else -1
    return found + len(end)


def _doctype(*, html: bool = False) -> CTFError:
    if html:
        return CTFError("FILE-NOT-CTF", f"This is a web page (HTML), not a CTF. {_CTF_IS}")
    return CTFError(
        "FILE-HOSTILE",
        "The file has a DOCTYPE declaration, which a CTF never has and which can hide "
        f"instructions to read other files. Keystage refuses such files. {_REMAKE}",
    )


# --- mapping parser errors -----------------------------------------------------------------

# libxml2 error numbers (xmlerror.h) that get their own words
_ERR_DOCUMENT_END = 5  # more after the root element
_ERR_INVALID_CHAR = 9
_ERR_ENTITYREF_SEMICOL_MISSING = 23
_ERR_UNDECLARED_ENTITY = 26
_ERR_TAG_NAME_MISMATCH = 76
_ERR_INVALID_ENCODING = 81
# Errors that name a fault in what was read, never the input running out.
_NOT_TRUNCATION = {
    _ERR_DOCUMENT_END,
    _ERR_INVALID_CHAR,
    _ERR_ENTITYREF_SEMICOL_MISSING,
    _ERR_UNDECLARED_ENTITY,
    _ERR_TAG_NAME_MISMATCH,
    _ERR_INVALID_ENCODING,
}
_AMPERSAND = "it has an '&' that is not written as '&amp;'"
_MALFORMED = {
    _ERR_TAG_NAME_MISMATCH: "a closing tag does not match its opening tag",
    _ERR_DOCUMENT_END: "there is more after the end of the CTF",
    _ERR_INVALID_CHAR: "it has a character XML does not allow",
    _ERR_ENTITYREF_SEMICOL_MISSING: _AMPERSAND,
    _ERR_UNDECLARED_ENTITY: _AMPERSAND,
}
_LIMIT_WORDS = ("excessive depth", "amplification", "huge", "limit", "too long", "too big")


class _Fault(NamedTuple):
    """What libxml2 said went wrong, and where."""

    code: int
    text: str
    line: int | None
    column: int | None


def _fault(error: etree.XMLSyntaxError, log: Any) -> _Fault:
    """The parser's own record of the error: with entities unresolved, lxml sometimes raises
    a generic "no element found" at position 0 while its error log holds the real one.
    """
    entry = log.last_error if log is not None else None
    if entry is not None:
        return _Fault(entry.type, entry.message or "", entry.line or None, entry.column or None)
    line, column = error.position if error.position else (0, 0)
    code: int = getattr(error, "code", 0)  # missing from the type stubs
    return _Fault(code, error.msg or "", line or None, column or None)


def _syntax_error(
    error: etree.XMLSyntaxError, log: Any, stream: _CappedStream, seen_root: bool
) -> CTFError:
    """A parser error in plain English: libxml2's own words are too technical for a school."""
    fault = _fault(error, log)
    where = f"line {fault.line}, column {fault.column}" if fault.line else "the start"
    place = {"line": fault.line, "column": fault.column}
    if any(word in fault.text.lower() for word in _LIMIT_WORDS):
        return CTFError(
            "FILE-HOSTILE",
            f"The file goes beyond the limits Keystage sets for a CTF (at {where}): it nests "
            f"too deep or has a part far too large. {_REMAKE}",
            **place,
        )
    if fault.code == _ERR_INVALID_ENCODING:
        return CTFError(
            "FILE-NOT-XML",
            f"The file has characters that are not UTF-8 at {where}. {_UTF8}",
            **place,
        )
    if not seen_root and stream.eof:
        return CTFError("FILE-NOT-XML", f"The file holds no XML element. {_REMAKE}", **place)
    if _truncated(fault, stream):
        return CTFError(
            "FILE-NOT-XML",
            f"The file is not complete XML: it stops at {where}. It may have been cut short "
            f"when it was saved or uploaded. {_REMAKE}",
            **place,
        )
    return CTFError("FILE-NOT-XML", f"{_malformed(fault)} at {where}. {_REMAKE}", **place)


def _malformed(fault: _Fault) -> str:
    said = _MALFORMED.get(fault.code)
    if said is None and "entityref" in fault.text.lower():  # a lone '&' ("no name")
        said = _AMPERSAND
    return f"The file is not well-formed XML: {said}" if said else "The file is not well-formed XML"


def _truncated(fault: _Fault, stream: _CappedStream) -> bool:
    """The input ran out mid-document: the whole file was read and the parser stopped on its
    last line, for want of more rather than for something wrong in what it read.
    """
    on_last_line = fault.line is None or fault.line >= stream.lines
    return stream.eof and on_last_line and fault.code not in _NOT_TRUNCATION


def _not_ctf_root(tag: Any, line: int | None) -> CTFError:
    # by hand, not etree.QName: that raises on a name with an undeclared prefix ("a:b")
    name = tag.rpartition("}")[2] if isinstance(tag, str) else "?"
    if name == "ATfile":
        return CTFError(
            "FILE-NOT-CTF",
            "This is an admissions transfer file (ATF), not a CTF with assessment results. "
            "In your MIS, export a CTF (Common Transfer File) with the assessment results "
            "and upload that.",
        )
    if name == "CTfile":
        return CTFError(
            "FILE-NOT-CTF",
            "This file's <CTfile> element carries an XML namespace, which a CTF does not have. "
            + _CTF_IS,
            line=line,
        )
    shown = re.sub(r"[^A-Za-z0-9._:-]", "?", name)[:60]
    return CTFError(
        "FILE-NOT-CTF",
        f"This XML file is not a CTF: its main element is <{shown}>, where a CTF has "
        f"<CTfile>. {_CTF_IS}",
        line=line,
    )


def _too_deep(max_depth: int, line: int | None) -> CTFError:
    return CTFError(
        "FILE-HOSTILE",
        f"The file nests elements more than {max_depth} deep, far deeper than a CTF does. "
        "Keystage refuses such files. " + _REMAKE,
        line=line,
    )


def _too_large_record() -> CTFError:
    return CTFError(
        "FILE-HOSTILE",
        f"One part of the file is larger than {_size(MAX_HELD_BYTES)}, far larger than any "
        f"pupil record. Keystage refuses such files. {_REMAKE}",
    )


def _too_many_records() -> CTFError:
    return CTFError(
        "FILE-HOSTILE",
        f"The file holds more than {MAX_RECORDS:,} pupil records, far more than a CTF from "
        "one school. Keystage refuses such files: check that this is the right file, or ask "
        "the LA data team.",
    )


def _too_many(line: int | None) -> CTFError:
    return CTFError(
        "FILE-HOSTILE",
        f"One part of the file holds more than {MAX_HELD_ELEMENTS:,} elements, far more than "
        "any pupil record. Keystage refuses such files. " + _REMAKE,
        line=line,
    )


# --- building the model from finished elements -------------------------------------------


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


class _Builder:
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
                raise _doctype()

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


# --- the reader ----------------------------------------------------------------------------


class CTFReader:
    """One CTF being read: `.header`, then iterate for the pupils. Use it as a context manager.

    The header is read on first access (or when iteration starts): everything before
    <CTFpupilData>. A file with no <Header> gives Header() with every field None.
    `Pupil.line` is the line of the <Pupil> start tag; past line 65,535 libxml2 knows an
    element's line only from its first content, so it may be one line later there.
    """

    def __init__(
        self,
        raw: IO[bytes],
        *,
        close: bool,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_depth: int = DEFAULT_MAX_DEPTH,
        size: int | None = None,
    ) -> None:
        self._raw = raw
        self._close_raw = close
        self._max_depth = max_depth
        self._header: Header | None = None
        self._seen_root = False
        self._parser: Any = None  # lxml's iterparse, once it runs (for its error log)
        try:
            if size is not None and size > max_bytes:
                raise _too_big(size, max_bytes, exact=True)
            head = _read_head(raw, max_bytes)
            _sniff(head, whole=len(head) < _HEAD_BYTES)
        except OSError as problem:
            self.close()
            raise _unreadable(problem) from None
        except CTFError:
            self.close()
            raise
        self._stream = _CappedStream(raw, head, max_bytes)
        self._items = self._parse()

    @property
    def header(self) -> Header:
        if self._header is None:
            first = next(self._items, None)
            # _parse always yields the header first; the fallback is for an exhausted reader
            self._header = first if isinstance(first, Header) else Header()
        return self._header

    def __iter__(self) -> Iterator[Pupil]:
        self.header  # noqa: B018 - reads up to the pupils, so the header is complete first
        for item in self._items:
            if isinstance(item, Pupil):
                yield item

    def close(self) -> None:
        if self._close_raw:
            self._raw.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _parse(self) -> Iterator[Header | Pupil]:
        """The header once, then each pupil; every parser failure becomes a CTFError."""
        try:
            yield from self._walk()
        except CTFError:
            self.close()
            raise
        except etree.XMLSyntaxError as error:
            self.close()
            log = self._parser.error_log if self._parser is not None else None
            raise _syntax_error(error, log, self._stream, self._seen_root) from None
        except (etree.Error, UnicodeError) as error:
            self.close()
            del error  # its text is libxml2's or Python's, not for a school office
            raise CTFError(
                "FILE-NOT-XML", f"The file could not be read as XML. {_REMAKE}"
            ) from None
        except OSError as problem:
            self.close()
            raise _unreadable(problem) from None

    def _events(self) -> Iterator[tuple[str, Any]]:
        events = etree.iterparse(
            self._stream,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            remove_blank_text=True,
            encoding="utf-8",  # the sniff refused other declarations: never let one switch it
            chunk_size=_CHUNK,
        )
        self._parser = events
        return iter(events)

    def _walk(self) -> Iterator[Header | Pupil]:
        """The event loop. Depth is counted by hand: 1 is <CTfile>, 2 its children (Header,
        CTFpupilData), 3 the pupils. Finished elements at depth 2 and 3 are cleared and
        unlinked, so the tree never holds more than one pupil.
        """
        max_depth = self._max_depth
        build = _Builder()
        stream = self._stream
        depth = held = records = 0
        header = Header()
        header_sent = in_data = False
        for event, element in self._events():
            if event == "start":
                depth += 1
                held += 1
                if depth > max_depth:
                    raise _too_deep(max_depth, element.sourceline)
                if held > MAX_HELD_ELEMENTS:
                    raise _too_many(element.sourceline)
                if depth > 2:
                    continue
                if depth == 1:
                    self._check_root(element)
                elif element.tag == "CTFpupilData":
                    in_data = True
                    if not header_sent:
                        header_sent = True
                        yield header
                continue
            depth -= 1  # now the depth of the finished element's parent
            if depth > 2:
                continue
            if depth == 2:
                if in_data and element.tag == "Pupil":
                    yield build.pupil(element)
                elif element.getparent().tag == "Header":
                    continue  # the header is read as a whole when it ends
            elif depth == 1:
                tag = element.tag
                if tag == "Header" and not header_sent:
                    header = build.header(element)
                elif tag == "CTFpupilData":
                    in_data = False
            else:
                continue  # the root ended; read on so the parser objects to anything after it
            _release(element)
            held = 0
            stream.released_at = stream.count
            records += 1
            if records > MAX_RECORDS:
                raise _too_many_records()
        if not header_sent:
            yield header

    def _check_root(self, element: Any) -> None:
        self._seen_root = True
        if element.tag != "CTfile":
            raise _not_ctf_root(element.tag, element.sourceline)
        info = element.getroottree().docinfo
        if info.doctype or info.internalDTD is not None or info.system_url:
            raise _doctype()


def _release(element: Any) -> None:
    """Frees a finished element and the siblings before it (the iterparse memory idiom)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _unreadable(problem: OSError) -> CTFError:
    reason = problem.strerror or "it could not be read"
    return CTFError("FILE-NOT-XML", f"Keystage could not read the file ({reason}). {_REMAKE}")


def read_ctf(
    source: Source,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> CTFReader:
    """Opens a CTF (a path, or a binary file object) for streaming; see CTFReader.

    A path is closed by the reader; a file object passed in is left for its owner to close.
    """
    if not isinstance(source, str | os.PathLike):
        return CTFReader(source, close=False, max_bytes=max_bytes, max_depth=max_depth)
    try:
        raw = Path(source).open("rb")  # noqa: SIM115 - the reader owns and closes it
    except OSError as problem:
        raise _unreadable(problem) from None
    try:
        # the size of what was opened, not of what the name points to a moment later
        size = os.fstat(raw.fileno()).st_size
    except OSError as problem:
        raw.close()
        raise _unreadable(problem) from None
    return CTFReader(raw, close=True, max_bytes=max_bytes, max_depth=max_depth, size=size)


def read_all(
    source: Source,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> tuple[Header, list[Pupil]]:
    """The header and every pupil, for small files and tests."""
    with read_ctf(source, max_bytes=max_bytes, max_depth=max_depth) as reader:
        return reader.header, list(reader)
