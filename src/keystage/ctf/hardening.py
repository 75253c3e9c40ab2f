"""What stands between a file from outside and lxml.

Before lxml sees a byte, the head of the file is sniffed: empty files, PDFs, spreadsheets,
encodings Keystage does not read (keystage.ctf.encodings) and any DOCTYPE (which is where entity
bombs and external entities live) are refused. lxml then reads UTF-8, transcoded as it streams
when the file is in another encoding, through a stream that counts every byte of the file
against the size cap, and runs with entities unresolved, no network and no DTD. The DOCTYPE and
prolog checks run on the decoded text, so the file's encoding cannot hide a DOCTYPE.
"""

from __future__ import annotations

import re
from typing import IO, Any

from lxml import etree

from keystage.ctf.encodings import Transcoder, encoding_of
from keystage.ctf.errors import CTFError
from keystage.ctf.limits import CHUNK, HEAD_BYTES, MAX_HELD_BYTES
from keystage.ctf.refusals import CTF_IS, REMAKE, doctype, too_big, too_large_record

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
    """The file as lxml reads it, in UTF-8: the sniffed head first, then the rest, counting
    every byte of the file (before any transcoding) against the file's size cap, and the UTF-8
    passed on (after it) against the per-record cap, since that is what lxml holds.

    Counting here (not only os.stat) also caps streams and files that grow while being read.
    `text` turns a file in another encoding into UTF-8; None for a UTF-8 file, passed as it is.
    """

    def __init__(
        self, raw: IO[bytes], head: bytes, max_bytes: int, text: Transcoder | None = None
    ) -> None:
        self._raw = raw
        self._text = text
        self._ends = LineEnds()
        self.head = text.head(head) if text else head  # what the prolog checks read
        self._pending = self._ends.feed(self.head)
        self._max_bytes = max_bytes
        self.count = len(head)  # bytes of the file read
        self.passed = len(self.head)  # bytes of UTF-8 text made from them
        # lines of the text passed on so far: tells a cut-off file from a broken one
        self.lines = self._pending.count(b"\n") + 1
        self.eof = False
        self.released_at = 0  # `passed` when the reader last released a record

    def read(self, size: int = CHUNK) -> bytes:
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        while not self.eof:  # b"" tells lxml the file ended: never return it before then
            data = self._utf8(self._raw.read(size))
            if data:
                self.lines += data.count(b"\n")
                return data
        return b""

    def _utf8(self, data: bytes) -> bytes:
        """The next chunk of the file, counted, as UTF-8 (b"" while a character is unfinished)."""
        if not data:
            self.eof = True
            return self._ends.feed(self._text.finish() if self._text else b"", final=True)
        self.count += len(data)
        if self.count > self._max_bytes:
            raise too_big(self.count, self._max_bytes, exact=False)
        text = self._text.feed(data) if self._text else data
        self.passed += len(text)
        # Checked here, per chunk, since lxml reads on while a start tag or text is unfinished
        # and yields no event to check it at. Counted in UTF-8: a Windows-1252 byte such as
        # 0x80 (€) becomes three, so raw bytes would let a record hold three times the cap.
        if self.passed - self.released_at > MAX_HELD_BYTES + len(text):
            raise too_large_record()
        return self._ends.feed(text)


class LineEnds:
    """Makes each CR not followed by an LF (old Mac line ends) an LF, as the XML parser would
    anyway (XML 1.0, 2.11): the text lxml gives is the same, but libxml2 counts only LFs as
    line ends, so without this every fault in such a file would be "line 1". Lengths are kept,
    so columns and counts do not move; a CR at a chunk's end waits to see what follows it.
    """

    def __init__(self) -> None:
        self._held = b""

    def feed(self, data: bytes, *, final: bool = False) -> bytes:
        data, self._held = self._held + data, b""
        if data.endswith(b"\r") and not final:
            data, self._held = data[:-1], b"\r"
        return _LONE_CR.sub(b"\n", data) if b"\r" in data else data


_LONE_CR = re.compile(rb"\r(?!\n)")


def open_stream(raw: IO[bytes], max_bytes: int) -> CappedStream:
    """The file's head read and sniffed, and the stream lxml is to read it through."""
    head = read_head(raw, max_bytes)
    whole = len(head) < HEAD_BYTES
    if not head:
        raise CTFError("FILE-NOT-XML", f"The file is empty (0 bytes). {REMAKE}")
    _sniff_magic(head)
    encoding = encoding_of(head)
    stream = CappedStream(raw, head, max_bytes, Transcoder(encoding) if encoding.codec else None)
    sniff(stream.head, whole=whole)
    return stream


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
        encoding="utf-8",  # the stream is UTF-8: never let a declaration switch it
        chunk_size=CHUNK,
    )


# --- sniffing the head --------------------------------------------------------------------


def sniff(head: bytes, *, whole: bool) -> None:
    """Refuses, from the head of the text in UTF-8, what is plainly not an XML CTF and any
    DOCTYPE, before lxml runs."""
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
