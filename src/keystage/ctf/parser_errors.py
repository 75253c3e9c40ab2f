"""libxml2's errors in words for a school office: its own are too technical for one."""

from __future__ import annotations

from typing import Any, NamedTuple

from lxml import etree

from keystage.ctf.errors import CTFError
from keystage.ctf.hardening import CappedStream
from keystage.ctf.refusals import REMAKE, not_utf8

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

    @property
    def where(self) -> str:
        return f"line {self.line}, column {self.column}" if self.line else "the start"


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


def syntax_error(
    error: etree.XMLSyntaxError, log: Any, stream: CappedStream, seen_root: bool
) -> CTFError:
    """A parser error in plain English. `log` is the parser's error log, when it ran."""
    fault = _fault(error, log)
    place = {"line": fault.line, "column": fault.column}
    if any(word in fault.text.lower() for word in _LIMIT_WORDS):
        return CTFError(
            "FILE-HOSTILE",
            f"The file goes beyond the limits Keystage sets for a CTF (at {fault.where}): it "
            f"nests too deep or has a part far too large. {REMAKE}",
            **place,
        )
    if fault.code == _ERR_INVALID_ENCODING:
        return not_utf8(fault.where, fault.line, fault.column)
    return CTFError("FILE-NOT-XML", _not_xml(fault, stream, seen_root), **place)


def _not_xml(fault: _Fault, stream: CappedStream, seen_root: bool) -> str:
    if not seen_root and stream.eof:
        return f"The file holds no XML element. {REMAKE}"
    if _truncated(fault, stream):
        return (
            f"The file is not complete XML: it stops at {fault.where}. It may have been cut "
            f"short when it was saved or uploaded. {REMAKE}"
        )
    return f"{_malformed(fault)} at {fault.where}. {REMAKE}"


def _malformed(fault: _Fault) -> str:
    said = _MALFORMED.get(fault.code)
    if said is None and "entityref" in fault.text.lower():  # a lone '&' ("no name")
        said = _AMPERSAND
    return f"The file is not well-formed XML: {said}" if said else "The file is not well-formed XML"


def _truncated(fault: _Fault, stream: CappedStream) -> bool:
    """The input ran out mid-document: the whole file was read and the parser stopped on its
    last line, for want of more rather than for something wrong in what it read.
    """
    on_last_line = fault.line is None or fault.line >= stream.lines
    return stream.eof and on_last_line and fault.code not in _NOT_TRUNCATION
