"""What stands between a file from outside and lxml.

Before lxml sees a byte, the head of the file is sniffed: empty files, PDFs, spreadsheets,
other encodings than UTF-8 and any DOCTYPE (which is where entity bombs and external entities
live) are refused. lxml then reads through a stream that counts every byte against the size
cap, and runs with entities unresolved, no network and no DTD.
"""

from __future__ import annotations

import re
from typing import IO, Any

from lxml import etree

from keystage.ctf.errors import CTFError
from keystage.ctf.limits import CHUNK, HEAD_BYTES, MAX_HELD_BYTES
from keystage.ctf.refusals import CTF_IS, REMAKE, UTF8, doctype, too_big, too_large_record

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


# --- the raw bytes ------------------------------------------------------------------------


class CappedStream:
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

    def read(self, size: int = CHUNK) -> bytes:
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
            raise too_big(self.count, self._max_bytes, exact=False)
        # Checked here, per chunk, since lxml reads on while a start tag or text is unfinished
        # and yields no event to check it at.
        if self.count - self.released_at > MAX_HELD_BYTES + CHUNK:
            raise too_large_record()
        return data


def read_head(raw: IO[bytes], max_bytes: int) -> bytes:
    """Up to HEAD_BYTES from the start (a stream may return less than asked for)."""
    parts: list[bytes] = []
    got = 0
    while got < HEAD_BYTES:
        data = raw.read(HEAD_BYTES - got)
        if not data:
            break
        parts.append(data)
        got += len(data)
    head = b"".join(parts)
    if len(head) > max_bytes:
        raise too_big(len(head), max_bytes, exact=False)
    return head


def iterparse(stream: CappedStream) -> Any:
    """lxml's events over the stream, with everything that could reach outside the file off."""
    return etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
        encoding="utf-8",  # the sniff refused other declarations: never let one switch it
        chunk_size=CHUNK,
    )


# --- sniffing the head --------------------------------------------------------------------


def sniff(head: bytes, *, whole: bool) -> None:
    """Refuses what is plainly not a UTF-8 XML CTF, and any DOCTYPE, before lxml runs."""
    if not head:
        raise CTFError("FILE-NOT-XML", f"The file is empty (0 bytes). {REMAKE}")
    _sniff_magic(head)
    _sniff_encoding(head)
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not body:
        if whole:
            raise CTFError("FILE-NOT-XML", f"The file holds only blank space, no CTF. {REMAKE}")
        return  # a long run of blanks: the parser will find what, if anything, follows
    if not body.startswith(b"<"):
        raise CTFError(
            "FILE-NOT-XML",
            f"The file is not XML: it does not start with '<' (it may be a CSV or text file). "
            f"{CTF_IS}",
            line=1,
            column=1,
        )
    _sniff_prolog(body, whole=whole)


def _sniff_magic(head: bytes) -> None:
    for magic, said in _NOT_CTF_MAGIC:
        if head.startswith(magic):
            raise CTFError("FILE-NOT-CTF", f"{said} {CTF_IS}")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise CTFError("FILE-NOT-CTF", f"{_zip_kind(head)}, not a CTF. {CTF_IS}")


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
        raise CTFError("FILE-NOT-XML", f"The file is saved as UTF-16, not UTF-8. {UTF8}")
    start = head[:1024]
    if b"\x00" in start:
        if _looks_utf16(start):
            said = "The file is saved as UTF-16, not UTF-8."
        else:
            said = "The file is not a text file: it holds binary data."
        raise CTFError("FILE-NOT-XML", f"{said} {UTF8}")
    found = _DECL_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if found:
        name = found.group(1).decode("ascii", "replace").strip()
        if name.lower() not in _UTF8_NAMES:
            shown = re.sub(r"[^A-Za-z0-9._-]", "?", name)[:40]
            raise CTFError(
                "FILE-NOT-XML", f"The file says it is in the {shown} encoding. {UTF8}", line=1
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
            raise doctype(html=body[at + 9 : at + 20].strip().lower().startswith(b"html"))
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


def refuse_declared_doctype(root: Any) -> None:
    """A DOCTYPE the sniff could not see (past the head): lxml's document info names it."""
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.system_url:
        raise doctype()
