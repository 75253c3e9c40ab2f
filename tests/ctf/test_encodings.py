"""CTFs as schools' software writes them: ISO-8859-1, Windows-1252 and UTF-16 with a
byte-order mark are read as they declare, giving the pupils the UTF-8 file gives; the
hardening holds in every encoding; bytes that contradict what the file says are refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from ctf_samples import FOOTER, PUPIL

from keystage.ctf import CTFError, read_all, read_ctf

QUOTE, DASH = "\u2019", "\u2013"  # a closing quote and an en dash: 0x92 and 0x96 in Windows-1252
# Names with letters beyond ASCII; the € is in the header (no name has one).
NAMES = [("Renée", "Muñoz"), ("Seán", f"O{QUOTE}Brien"), ("Zoë", f"Smith{DASH}Jones")]
DESCRIPTOR = f"KS1 results {DASH} trip €5"
LATIN1_NAMES = [("Renée", "Muñoz"), ("Seán", "O'Brien"), ("Zoë", "Smith-Jones")]


def ctf_text(encoding: str | None, names: list[tuple[str, str]], *, euro: bool = True) -> str:
    """A CTF as text, its declaration naming `encoding` (None: no encoding pseudo-attribute)."""
    said = f' encoding="{encoding}"' if encoding else ""
    descriptor = DESCRIPTOR if euro else "KS1 results"
    pupils = "".join(
        PUPIL.decode()
        .replace("<Forename>Ann<", f"<Forename>{forename}<")
        .replace("<Surname>Smith<", f"<Surname>{surname}<")
        for forename, surname in names
    )
    return (
        f'<?xml version="1.0"{said}?>\n<CTfile>\n  <Header>\n'
        f"    <DocumentName>Common Transfer File</DocumentName>\n"
        f"    <CTFversion>25.0</CTFversion>\n"
        f"    <DataDescriptor>{descriptor}</DataDescriptor>\n"
        "    <SourceSchool><LEA>330</LEA><Estab>2001</Estab><AcademicYear>2025</AcademicYear>"
        "</SourceSchool>\n  </Header>\n  <CTFpupilData>\n" + pupils + FOOTER.decode()
    )


def in_encoding(text: str, codec: str, bom: bytes = b"") -> bytes:
    return bom + text.encode(codec)


# (declared name, Python codec, BOM, names): each file holds what its encoding can.
WRITTEN = {
    "utf-8": ("UTF-8", "utf-8", b"", NAMES),
    "utf-8-bom": ("UTF-8", "utf-8", b"\xef\xbb\xbf", NAMES),
    "iso-8859-1": ("ISO-8859-1", "latin-1", b"", LATIN1_NAMES),
    "latin1-lower": ("latin1", "latin-1", b"", LATIN1_NAMES),
    "windows-1252": ("windows-1252", "cp1252", b"", NAMES),
    "cp1252": ("CP1252", "cp1252", b"", NAMES),
    "utf-16-le": ("UTF-16", "utf-16-le", b"\xff\xfe", NAMES),
    "utf-16-be": ("UTF-16", "utf-16-be", b"\xfe\xff", NAMES),
    "utf-16-undeclared": (None, "utf-16-le", b"\xff\xfe", NAMES),
}


def written(kind: str, text: str | None = None) -> bytes:
    declared, codec, bom, names = WRITTEN[kind]
    euro = codec != "latin-1"
    return in_encoding(text or ctf_text(declared, names, euro=euro), codec, bom)


@pytest.mark.parametrize("kind", list(WRITTEN))
def test_each_encoding_gives_the_pupils_the_utf8_file_gives(kind: str, tmp_path: Path) -> None:
    _, codec, _, names = WRITTEN[kind]
    expected = read_all(io.BytesIO(ctf_text(None, names, euro=codec != "latin-1").encode()))
    data = written(kind)
    assert read_all(io.BytesIO(data)) == expected  # a stream
    path = tmp_path / f"{kind}.xml"
    path.write_bytes(data)
    assert read_all(path) == expected  # a path
    assert [p.surname for p in expected[1]] == [surname for _, surname in names]


def test_windows_1252_smart_quotes_dash_and_euro_are_decoded_right() -> None:
    data = written("windows-1252")
    assert b"O\x92Brien" in data and b"Smith\x96Jones" in data and b"\x805" in data
    header, pupils = read_all(io.BytesIO(data))
    assert [p.surname for p in pupils] == ["Muñoz", f"O{QUOTE}Brien", f"Smith{DASH}Jones"]
    assert header.data_descriptor == DESCRIPTOR


def test_latin1_holds_what_it_cannot_encode_as_character_references() -> None:
    text = ctf_text("ISO-8859-1", LATIN1_NAMES, euro=False).replace("O'Brien", "O&#8217;Brien")
    _, pupils = read_all(io.BytesIO(text.encode("latin-1")))
    assert pupils[1].surname == f"O{QUOTE}Brien"


def test_a_utf16_file_is_read_in_chunks_across_many_reads() -> None:
    """Odd-sized reads split characters between chunks: the decoder carries them over."""
    data = in_encoding(ctf_text("UTF-16", NAMES * 400), "utf-16-le", b"\xff\xfe")
    expected = read_all(io.BytesIO(ctf_text(None, NAMES * 400).encode()))
    assert read_all(OddReads(data)) == expected


class OddReads(io.RawIOBase):
    """A stream that hands out at most 4,097 bytes a read, as a socket might."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(size if size >= 0 else 4097, 4097))


# --- the hardening, in every encoding -----------------------------------------------------

XXE = '<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
ENCODED = ["utf-8", "iso-8859-1", "windows-1252", "utf-16-le", "utf-16-be", "utf-16-undeclared"]


def place(text: str, at: str) -> tuple[int, int]:
    """The line and column (from 1, in characters) where `at` first starts in `text`."""
    index = text.index(at)
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def refused(data: bytes, **options: int) -> CTFError:
    with pytest.raises(CTFError) as caught:
        read_all(io.BytesIO(data), **options)
    assert "Traceback" not in caught.value.message and "root:" not in caught.value.message
    return caught.value


def with_doctype(kind: str, doctype: str, *, filler: str = "") -> bytes:
    declared, _, _, names = WRITTEN[kind]
    text = ctf_text(declared, names[:1], euro=False)
    declaration, rest = text.split("\n", 1)
    return written(kind, f"{declaration}\n{filler}{doctype}\n{rest.replace('Zo', '&xxe;')}")


@pytest.mark.parametrize("kind", ENCODED)
def test_a_doctype_is_refused_in_every_encoding(kind: str) -> None:
    assert refused(with_doctype(kind, XXE)).code == "FILE-HOSTILE"


@pytest.mark.parametrize("kind", ["windows-1252", "utf-16-le", "utf-16-be"])
def test_a_doctype_past_the_sniffed_head_is_refused_in_every_encoding(kind: str) -> None:
    late = with_doctype(kind, XXE, filler=f"<!--{'x' * 70_000}-->\n")
    assert refused(late).code == "FILE-HOSTILE"


def test_an_html_page_in_utf16_is_told_apart_from_a_hostile_file() -> None:
    page = in_encoding("<!DOCTYPE html>\n<html><body>Sign in</body></html>", "utf-16-le")
    assert refused(b"\xff\xfe" + page).code == "FILE-NOT-CTF"


def test_the_size_cap_counts_the_bytes_of_the_file_not_of_the_utf8_made_from_it() -> None:
    data = written("utf-16-le")  # twice the size of its UTF-8
    assert read_all(io.BytesIO(data), max_bytes=len(data))[1]
    assert refused(data, max_bytes=len(data) - 1).code == "FILE-HOSTILE"
    latin = in_encoding(ctf_text("ISO-8859-1", [("É" * 2000, "Ñ" * 2000)], euro=False), "latin-1")
    assert read_all(io.BytesIO(latin), max_bytes=len(latin))[1][0].surname == "Ñ" * 2000


def test_depth_and_record_limits_hold_in_utf16() -> None:
    deep = ctf_text("UTF-16", NAMES[:1]).replace("<UPN>", "<a>" * 40 + "</a>" * 40 + "<UPN>")
    error = refused(in_encoding(deep, "utf-16-le", b"\xff\xfe"))
    assert error.code == "FILE-HOSTILE" and "deep" in error.message
    huge = ctf_text("UTF-16", [("Ann", "S" * (3 * 1024 * 1024))])
    error = refused(in_encoding(huge, "utf-16-be", b"\xfe\xff"))
    assert error.code == "FILE-HOSTILE" and "2 MB" in error.message


# --- bytes that contradict what the file says ---------------------------------------------

ACCEPTED = "utf-8, iso-8859-1 (latin-1), windows-1252 or utf-16 with a byte-order mark"


def test_latin1_bytes_in_a_file_that_says_utf8_are_refused_where_they_are() -> None:
    text = ctf_text("UTF-8", LATIN1_NAMES, euro=False)
    error = refused(text.encode("latin-1"))
    line, column = place(text, "ñoz")  # Renée's é is on a later line: Surname comes first
    assert (error.code, error.line, error.column) == ("FILE-NOT-XML", line, column)
    assert f"not UTF-8 at line {line}, column {column}" in error.message
    assert ACCEPTED in error.message.lower()


def test_windows_1252_bytes_in_a_file_that_names_no_encoding_are_refused() -> None:
    text = ctf_text(None, NAMES)
    error = refused(text.encode("cp1252"))
    assert (error.line, error.column) == place(text, f"{DASH} trip")
    assert error.code == "FILE-NOT-XML" and "not UTF-8 at line 6, column 33" in error.message


def test_a_file_that_says_iso_8859_1_but_is_utf16_is_refused() -> None:
    text = ctf_text("ISO-8859-1", LATIN1_NAMES, euro=False)
    error = refused(in_encoding(text, "utf-16-le", b"\xff\xfe"))
    assert error.code == "FILE-NOT-XML" and error.line == 1
    assert error.message.startswith(
        "The file is saved as UTF-16 (it starts with a byte-order mark), but its first line "
        "says it is in the ISO-8859-1 encoding."
    )
    without_bom = refused(in_encoding(text, "utf-16-le"))
    assert "UTF-16 without a byte-order mark" in without_bom.message


def test_utf16_without_a_byte_order_mark_is_refused() -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        error = refused(ctf_text("UTF-16", NAMES).encode(codec))
        assert error.code == "FILE-NOT-XML"
        assert error.message.startswith("The file is saved as UTF-16 without a byte-order mark")


def test_a_file_that_says_utf16_but_is_not_is_refused() -> None:
    error = refused(ctf_text("UTF-16", NAMES).encode("utf-8"))
    assert error.message.startswith(
        "The file says it is in the UTF-16 encoding, but it is not saved as UTF-16"
    )


def test_a_utf8_byte_order_mark_on_a_file_that_says_windows_1252_is_refused() -> None:
    error = refused(b"\xef\xbb\xbf" + ctf_text("windows-1252", NAMES).encode())
    assert "saved as UTF-8 (it starts with a byte-order mark)" in error.message


@pytest.mark.parametrize("name", ["Shift_JIS", "EBCDIC-CP-US", "ISO-8859-15", "nonsense"])
def test_an_encoding_keystage_does_not_read_is_named_with_those_it_does(name: str) -> None:
    error = refused(ctf_text(name, LATIN1_NAMES, euro=False).encode("latin-1"))
    assert error.code == "FILE-NOT-XML" and error.line == 1
    assert error.message.startswith(
        f"The file says it is in the {name} encoding, which Keystage does not read."
    )
    assert ACCEPTED in error.message.lower()


@pytest.mark.parametrize(
    ("start", "called"),
    [(b"\x4c\x6f\xa7\x94\x93", "EBCDIC"), (b"\xff\xfe\x00\x00<\x00\x00\x00", "UTF-32")],
)
def test_a_file_saved_in_ebcdic_or_utf32_is_named(start: bytes, called: str) -> None:
    error = refused(start + b"\x00" * 200)
    assert error.message.startswith(f"The file is saved in {called}, which Keystage does not read")


def test_a_byte_that_is_no_character_in_windows_1252_is_refused_with_its_place() -> None:
    text = ctf_text("windows-1252", NAMES)
    error = refused(text.encode("cp1252").replace(b"Smith\x96", b"Smith\x81"))
    line, column = place(text, DASH + "Jones")
    assert (error.line, error.column) == (line, column)
    assert error.message.startswith(
        f"The file says it is in Windows-1252, but at line {line}, column {column} it has a "
        "byte (0x81) that is not a character in Windows-1252."
    )


def test_a_file_that_says_iso_8859_1_is_read_as_windows_1252() -> None:
    """Windows programs label Windows-1252 text ISO-8859-1: its quotes, dashes and € are read."""
    text = ctf_text("ISO-8859-1", NAMES)
    header, pupils = read_all(io.BytesIO(text.encode("cp1252")))
    assert [p.surname for p in pupils] == ["Muñoz", f"O{QUOTE}Brien", f"Smith{DASH}Jones"]
    assert header.data_descriptor == DESCRIPTOR
    assert read_all(io.BytesIO(ctf_text("latin1", NAMES).encode("cp1252")))[1] == pupils


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_a_byte_windows_1252_leaves_undefined_is_refused_in_iso_8859_1(byte: int) -> None:
    text = ctf_text("ISO-8859-1", NAMES)
    error = refused(text.encode("cp1252").replace(b"Smith\x96", b"Smith" + bytes([byte])))
    line, column = place(text, DASH + "Jones")
    assert (error.code, error.line, error.column) == ("FILE-NOT-XML", line, column)
    assert error.message.startswith(
        f"The file says it is in ISO-8859-1, but at line {line}, column {column} it has a "
        f"byte (0x{byte:02X}) that is not a character in ISO-8859-1 as Keystage reads it (as "
        "Windows-1252"
    )


def test_broken_utf16_is_refused_with_its_place() -> None:
    data = written("utf-16-le")
    half_a_pair = "Mu".encode("utf-16-le") + b"\x00\xd8"  # a surrogate with no partner
    error = refused(data.replace("Muñ".encode("utf-16-le"), half_a_pair))
    text = ctf_text("UTF-16", NAMES)
    line, column = place(text, "ñoz")
    assert (error.line, error.column) == (line, column)
    assert error.message.startswith(
        f"The file says it is in UTF-16, but at line {line}, column {column} it has an "
        "unpaired surrogate (a broken character"
    )
    assert "0x00" not in error.message  # the surrogate's first byte says nothing to anyone
    cut = refused(data[:-1])  # half a character at the end
    assert cut.code == "FILE-NOT-XML" and "an unfinished character" in cut.message


# --- positions ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ENCODED)
def test_a_fault_is_placed_where_the_utf8_file_places_it(kind: str) -> None:
    declared, _, _, names = WRITTEN[kind]
    text = ctf_text(declared, names, euro=kind != "iso-8859-1")
    broken = text.replace("</Surname>", "</Surnam>", 2)
    reference = refused(broken.replace(f' encoding="{declared}"', "").encode())
    error = refused(written(kind, broken))
    assert (error.line, error.column) == (reference.line, reference.column)
    assert error.line == place(text, "</Surname>")[0]
    assert error.message == reference.message


@pytest.mark.parametrize("kind", ["windows-1252", "utf-16-le"])
def test_a_fault_on_the_first_line_keeps_its_column(kind: str) -> None:
    declared, codec, bom, _ = WRITTEN[kind]
    text = f'<?xml version="1.0" encoding="{declared}"?><CTfile><Header></Headr></CTfile>'
    error = refused(in_encoding(text, codec, bom))
    assert (error.line, error.column) == (1, text.index("</Headr>") + 9)


@pytest.mark.parametrize("kind", ["utf-8", "windows-1252", "utf-16-le"])
def test_a_cut_off_file_says_where_it_stops(kind: str) -> None:
    declared, codec, bom, names = WRITTEN[kind]
    text = ctf_text(declared, names)
    cut = text[: text.index("</Pupil>", text.index("Jones"))]
    error = refused(in_encoding(cut, codec, bom))
    assert f"stops at line {cut.count(chr(10)) + 1}" in error.message


def test_read_ctf_streams_a_utf16_file_pupil_by_pupil() -> None:
    with read_ctf(io.BytesIO(written("utf-16-be"))) as reader:
        assert reader.header.data_descriptor == DESCRIPTOR
        assert [pupil.forename for pupil in reader] == ["Renée", "Seán", "Zoë"]


@pytest.mark.parametrize(
    ("declared", "codec", "bom", "bad"),
    [("windows-1252", "cp1252", b"", b"\x81"), ("UTF-16", "utf-16-le", b"\xff\xfe", b"\x00\xdc")],
)
def test_a_bad_byte_past_the_head_is_placed_from_the_lines_before_it(
    declared: str, codec: str, bom: bytes, bad: bytes
) -> None:
    """Far into the file (chunks after the first 64 KB), the place still counts every line."""
    text = ctf_text(declared, NAMES * 300)  # about 180 KB as UTF-8
    last = text.rindex("ñoz")  # the ñ is replaced by a byte that is no character
    data = bom + text[:last].encode(codec) + bad + text[last + 1 :].encode(codec)
    assert len(data) > 2 * 64 * 1024
    error = refused(data)
    line = text.count("\n", 0, last) + 1
    assert (error.line, error.column) == (line, last - text.rfind("\n", 0, last))
    assert f"at line {line}, column " in error.message
