"""Old Mac line ends (a CR alone) end lines like LF and CRLF: a fault in such a file is placed
on the line a school office's editor shows, in every encoding, however the reads split it; and
the per-record cap counts the UTF-8 a record becomes, not the bytes it was in."""

from __future__ import annotations

import io

import pytest
from test_encodings import NAMES, WRITTEN, ctf_text, in_encoding, place, refused

from keystage.ctf import CTFError, read_all
from keystage.ctf.limits import MAX_HELD_BYTES

KINDS = ["utf-8", "windows-1252", "iso-8859-1", "utf-16-le", "utf-16-be"]


def encoded(kind: str, text: str) -> bytes:
    _, codec, bom, _ = WRITTEN[kind]
    return in_encoding(text, "cp1252" if codec == "latin-1" else codec, bom)  # as it is read


def with_fault(kind: str) -> str:
    """A CTF longer than the sniffed head whose last Surname holds a byte its encoding has no
    character for (or, in UTF-8 and UTF-16, a mismatched closing tag); LF line ends."""
    text = ctf_text(WRITTEN[kind][0], NAMES * 300, euro=False)
    fault = "\x81" if kind in ("windows-1252", "iso-8859-1") else "</Surnam>"
    at = text.rindex("</Surname>")
    return text[:at] + fault + text[at:]


def bytes_of(kind: str, text: str) -> bytes:
    if "\x81" in text:  # the one byte Windows-1252 leaves undefined, put in as it is
        head, tail = text.split("\x81")
        return encoded(kind, head) + b"\x81" + encoded(kind, tail)
    return encoded(kind, text)


class SplitAfterCR(io.RawIOBase):
    """A stream whose every read ends just after a CR: a CRLF is always split between reads."""

    def __init__(self, data: bytes, cr: bytes) -> None:
        self._data, self._cr, self._at = data, cr, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        end = self._data.find(self._cr, self._at)
        end = len(self._data) if end < 0 else end + len(self._cr)
        end = min(end, self._at + (size if size >= 0 else len(self._data)))
        data, self._at = self._data[self._at : end], end
        return data


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_a_fault_is_on_the_same_line_whatever_ends_the_lines(kind: str, ending: str) -> None:
    text = with_fault(kind)
    reference = refused(bytes_of(kind, text))  # LF line ends
    assert reference.line == place(text, "\x81" if "\x81" in text else "</Surnam>")[0] > 1000
    data = bytes_of(kind, text.replace("\n", ending))
    error = refused(data)
    assert (error.line, error.column) == (reference.line, reference.column)
    assert error.message == reference.message
    cr = encoded(kind, "\r").removeprefix(WRITTEN[kind][2])
    with pytest.raises(CTFError) as caught:  # the CR ends one read, its LF starts the next
        read_all(SplitAfterCR(data, cr))
    split = caught.value
    assert (split.line, split.column) == (reference.line, reference.column)


def test_the_place_of_a_bad_windows_1252_byte_counts_lone_crs_as_line_ends() -> None:
    text = with_fault("windows-1252")
    line, column = place(text, "\x81")
    error = refused(bytes_of("windows-1252", text.replace("\n", "\r")))
    assert (error.line, error.column) == (line, column)
    assert f"at line {line}, column {column} it has a byte (0x81)" in error.message


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_a_file_with_cr_line_ends_gives_the_pupils_and_lines_an_lf_file_gives(
    ending: str,
) -> None:
    text = ctf_text("windows-1252", NAMES)
    expected = read_all(io.BytesIO(text.encode("cp1252")))
    data = text.replace("\n", ending).encode("cp1252")
    assert read_all(io.BytesIO(data)) == expected
    assert read_all(SplitAfterCR(data, b"\r")) == expected
    cut = text[: text.index("</Pupil>", text.index("Jones"))]
    error = refused(cut.replace("\n", ending).encode("cp1252"))
    assert f"stops at line {cut.count(chr(10)) + 1}" in error.message


def test_the_record_cap_counts_the_utf8_a_windows_1252_record_becomes() -> None:
    """Each € is one byte in Windows-1252 but three in the UTF-8 lxml holds."""
    euros = "€" * (MAX_HELD_BYTES - 100_000)  # under the cap as bytes of the file
    text = ctf_text("windows-1252", [("Ann", euros)])
    data = text.encode("cp1252")
    assert len(data) < MAX_HELD_BYTES
    error = refused(data)
    assert error.code == "FILE-HOSTILE" and "2 MB" in error.message
    small = ctf_text("windows-1252", [("Ann", "€" * (MAX_HELD_BYTES // 4))])
    assert read_all(io.BytesIO(small.encode("cp1252")))[1][0].surname.count("€")
