"""A streaming, hardened CTF reader.

    with read_ctf(path) as reader:
        header = reader.header        # complete before the first pupil
        for pupil in reader:          # one Pupil at a time; memory stays flat
            ...

Files come from outside, so the reader trusts nothing: before lxml sees a byte it refuses
empty files, PDFs, spreadsheets, encodings it does not read and any DOCTYPE (which is where
entity bombs and external entities live); a file in ISO-8859-1, Windows-1252 or UTF-16 is
read as it declares (ISO-8859-1 as Windows-1252, keystage.ctf.encodings says why), turned into
UTF-8 as it streams; lxml runs with entities unresolved, no
network and no DTD; the reader caps the file's size, the nesting depth, how much one record
may hold and how many records there are. Every failure is a CTFError with a message for a
school office, raised where it is met: a truncated file may yield some pupils before the
error (the caller refuses the whole file).

This module puts the parts together: `hardening` (the sniff, the capped stream, lxml's
settings), `encodings` (which encoding, and the transcoding), `walk` (one pass of lxml
events), `records` (model records from finished elements), `limits` (the numbers),
`refusals` and `parser_errors` (the words).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from lxml import etree

from keystage.ctf.errors import CTFError
from keystage.ctf.hardening import iterparse, open_stream
from keystage.ctf.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH
from keystage.ctf.model import Header, Pupil
from keystage.ctf.parser_errors import syntax_error
from keystage.ctf.refusals import REMAKE, too_big, unreadable
from keystage.ctf.walk import Walk

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH", "CTFReader", "read_all", "read_ctf"]

Source = str | os.PathLike[str] | IO[bytes]


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
        self._header: Header | None = None
        self._parser: Any = None  # lxml's iterparse, once it runs (for its error log)
        try:
            if size is not None and size > max_bytes:
                raise too_big(size, max_bytes, exact=True)
            self._stream = open_stream(raw, max_bytes)
        except OSError as problem:
            self.close()
            raise unreadable(problem) from None
        except CTFError:
            self.close()
            raise
        self._walk = Walk(self._stream, max_depth)
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
            self._parser = iterparse(self._stream)
            yield from self._walk.items(self._parser)
        except CTFError:
            self.close()
            raise
        except etree.XMLSyntaxError as error:
            self.close()
            log = self._parser.error_log if self._parser is not None else None
            raise syntax_error(error, log, self._stream, self._walk.seen_root) from None
        except (etree.Error, UnicodeError) as error:
            self.close()
            del error  # its text is libxml2's or Python's, not for a school office
            raise CTFError("FILE-NOT-XML", f"The file could not be read as XML. {REMAKE}") from None
        except OSError as problem:
            self.close()
            raise unreadable(problem) from None


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
        raise unreadable(problem) from None
    try:
        # the size of what was opened, not of what the name points to a moment later
        size = os.fstat(raw.fileno()).st_size
    except OSError as problem:
        raw.close()
        raise unreadable(problem) from None
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
