"""The encodings a CTF may come in, and the UTF-8 that lxml is always made to read.

Most MIS write CTFs in UTF-8; some write ISO-8859-1, Windows-1252 or UTF-16 with a byte-order
mark (BOM), all well-formed XML. A file that says ISO-8859-1 (or Latin-1) is read as Windows-1252,
as the WHATWG Encoding Standard has browsers do: many Windows programs label Windows-1252 text
ISO-8859-1, so a curly quote or a dash (bytes 0x80-0x9F) would otherwise refuse a file whose
label the school office cannot change; the five bytes Windows-1252 leaves undefined (0x81, 0x8D,
0x8F, 0x90, 0x9D) are still refused with their place.

The encoding is worked out from the file's first bytes: a BOM if there is one, else the XML
declaration, else UTF-8 (XML's default). A file is read as it says, and refused when its bytes
contradict what it says (a BOM and a declaration that disagree, bytes that are not text in the
declared encoding, UTF-16 with no BOM) or when it names an encoding Keystage does not read:
guessing would put wrong letters in pupils' names.

UTF-8 goes to lxml as it is. Any other encoding is decoded chunk by chunk with an incremental
decoder and re-encoded as UTF-8, so memory stays flat; the declaration is rewritten to say
UTF-8 (padded with blanks so that columns on line 1 stay where they were), and lxml is told
"utf-8" whatever a declaration says. The hardening (no DOCTYPE, the size and record caps)
runs on this decoded text, so a DOCTYPE written in UTF-16 is seen like any other.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from keystage.ctf.errors import CTFError
from keystage.ctf.refusals import (
    binary,
    bom_disagrees,
    broken_utf16,
    misencoded,
    unsupported_encoding,
    utf16_without_bom,
)


@dataclass(frozen=True)
class Encoding:
    name: str  # as a school office would see it named
    codec: str | None = None  # Python's codec; None: UTF-8, handed to lxml as it is
    bom: int = 0  # bytes of byte-order mark to skip before decoding


UTF_8 = Encoding("UTF-8")
ISO_8859_1 = Encoding("ISO-8859-1", "cp1252")  # read as Windows-1252: see the docstring
WINDOWS_1252 = Encoding("Windows-1252", "cp1252")
UTF_16_LE = Encoding("UTF-16", "utf-16-le", bom=2)
UTF_16_BE = Encoding("UTF-16", "utf-16-be", bom=2)

# The names a declaration may give each encoding (compared in lower case). US-ASCII is a
# subset of UTF-8, read as such, as before.
_NAMES: dict[str, Encoding] = {
    **dict.fromkeys(("utf-8", "utf8", "us-ascii", "ascii"), UTF_8),
    **dict.fromkeys(("iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1"), ISO_8859_1),
    **dict.fromkeys(("windows-1252", "cp1252", "x-cp1252"), WINDOWS_1252),
    **dict.fromkeys(("utf-16", "utf16", "utf-16le", "utf-16be"), UTF_16_LE),
}
_DECLARED = re.compile(r"""\A<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1""")
# Encodings told by their first bytes (XML 1.0, appendix F) that Keystage does not read.
_UNREAD = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\x4c\x6f\xa7\x94", "EBCDIC"),  # "<?xm"
)
_SNIFF = 1024  # how far into the file the declaration and the zero bytes are looked for


def encoding_of(head: bytes) -> Encoding:
    """The encoding the file's first bytes show, or a CTFError when they contradict it."""
    for start, other in _UNREAD:
        if head.startswith(start):
            raise unsupported_encoding(other, saved=True)
    for bom, found in ((b"\xff\xfe", UTF_16_LE), (b"\xfe\xff", UTF_16_BE)):
        if head.startswith(bom):
            text = head[2:_SNIFF].decode(found.codec or "", "replace")
            return _agreeing(found, _declared(text))
    if head.startswith(codecs.BOM_UTF8):
        return _agreeing(UTF_8, _declared(head[3:_SNIFF].decode("latin-1")))
    start = head[:_SNIFF]
    if b"\x00" in start:
        raise utf16_without_bom() if _looks_utf16(start) else binary()
    declared = _declared(start.decode("latin-1"))  # any byte decodes: the name is ASCII
    if declared is None:
        return UTF_8
    named = _NAMES.get(declared.lower())
    if named is None:
        raise unsupported_encoding(declared)
    if named.bom:  # says UTF-16, but has neither the BOM nor the zero bytes of UTF-16
        raise bom_disagrees(None, declared)
    return named


def _declared(text: str) -> str | None:
    found = _DECLARED.match(text)
    return found.group(2).strip() if found else None


def _agreeing(found: Encoding, declared: str | None) -> Encoding:
    """The encoding a BOM shows, if the declaration (when it names one) says the same."""
    if declared is not None:
        named = _NAMES.get(declared.lower())
        if named is None or named.name != found.name:
            raise bom_disagrees(found.name, declared)
    return found


def _looks_utf16(start: bytes) -> bool:
    """UTF-16 text without a BOM: XML is mostly ASCII, so every other byte is a zero."""
    even, odd = start[0::2], start[1::2]
    return max(even.count(0) / max(len(even), 1), odd.count(0) / max(len(odd), 1)) > 0.7


class Transcoder:
    """A file in another encoding turned into UTF-8 as it streams, one chunk at a time.

    It knows the line and column of the text it has passed on, so a byte that is not text in
    the file's encoding is refused with its place, as lxml would give it.
    """

    def __init__(self, encoding: Encoding) -> None:
        assert encoding.codec is not None  # UTF-8 is never transcoded
        self.encoding = encoding
        self._codec = encoding.codec
        self._decoder = codecs.getincrementaldecoder(encoding.codec)("strict")
        self._line = 1
        self._column = 0  # characters passed on since the last line end
        self._after_cr = False  # the text passed on ends in a CR (an LF may follow it)

    def head(self, data: bytes) -> bytes:
        """The first chunk: past the BOM, its declaration rewritten to say UTF-8."""
        return self._utf8(data[self.encoding.bom :], final=False, first=True)

    def feed(self, data: bytes) -> bytes:
        return self._utf8(data, final=False)

    def finish(self) -> bytes:
        """What the decoder still holds at the end (an unfinished character is refused)."""
        return self._utf8(b"", final=True)

    def _utf8(self, data: bytes, *, final: bool, first: bool = False) -> bytes:
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError as error:
            before = error.object[: error.start].decode(self._codec, "replace")
            raise self._refusal(before, error) from None
        if first:
            text = _saying_utf8(text)
        self._advance(text)
        return text.encode("utf-8")

    def _advance(self, text: str) -> None:
        """Moves the place past `text`. A line ends at LF, CRLF or a CR alone (old Mac files),
        as the lines lxml counts once hardening.LineEnds has made each lone CR an LF."""
        if not text:
            return
        if self._after_cr and text[0] == "\n":
            text = text[1:]  # the LF of a CRLF split between chunks: counted at its CR
        ends = text.count("\n") + text.count("\r") - text.count("\r\n")
        if ends:
            self._line += ends
            self._column = len(text) - max(text.rfind("\n"), text.rfind("\r")) - 1
        else:
            self._column += len(text)
        self._after_cr = text.endswith("\r")

    def _refusal(self, before: str, error: UnicodeDecodeError) -> CTFError:
        """The fault is just past `before`, the text of this chunk that decoded."""
        self._advance(before)
        place = {"line": self._line, "column": self._column + 1}
        if self.encoding.bom:  # UTF-16: a broken character, not a byte, is what is wrong
            return broken_utf16(unfinished=error.reason == "truncated data", **place)
        return misencoded(self.encoding.name, error.object[error.start], **place)


def _saying_utf8(text: str) -> str:
    """The declaration made true for the text lxml reads, its length (so columns) unchanged."""
    found = _DECLARED.match(text)
    if not found:
        return text
    name, quote = found.group(2), found.group(1)
    blanks = " " * max(len(name) - len("UTF-8"), 0)  # every accepted name is at least as long
    return text[: found.start(2)] + "UTF-8" + quote + blanks + text[found.end() :]
