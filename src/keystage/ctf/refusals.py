"""Every way the reader refuses a file, in words for a school office: what is wrong and what
to do. Each returns the CTFError for its caller to raise where the fault is met."""

from __future__ import annotations

import re
from typing import Any

from keystage.ctf.errors import CTFError
from keystage.ctf.limits import MAX_HELD_BYTES, MAX_HELD_ELEMENTS, MAX_RECORDS

REMAKE = "Make the CTF again in your MIS and upload the new file."
# The encodings the reader takes (keystage.ctf.encodings), as a school office is told them.
ENCODINGS = "UTF-8, ISO-8859-1 (Latin-1), Windows-1252 or UTF-16 with a byte-order mark"
ENCODED = (
    f"Keystage reads CTFs saved as {ENCODINGS}, in the encoding named on the first line of "
    "the file (UTF-8 if none is named): export the CTF again from your MIS (do not open and "
    "re-save it in another program) and upload that file."
)
CTF_IS = (
    "A CTF is an XML file your MIS exports (for example 3302001_CTF_330LLLL_001.xml): "
    "export it again and upload that file."
)


def size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count:,} bytes"
    return f"{count / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def too_big(count: int, max_bytes: int, *, exact: bool) -> CTFError:
    """`exact` when the size is known (a path); a stream is refused as soon as it passes."""
    if exact and size(count) != size(max_bytes):
        said = f"The file is {size(count)}; the largest Keystage accepts is {size(max_bytes)}."
    else:
        said = f"The file is larger than {size(max_bytes)}, the largest Keystage accepts."
    return CTFError(
        "FILE-HOSTILE",
        f"{said} A CTF for one school is far smaller: check that this is the right file, "
        "or ask the LA data team.",
    )


def doctype(*, html: bool = False) -> CTFError:
    if html:
        return CTFError("FILE-NOT-CTF", f"This is a web page (HTML), not a CTF. {CTF_IS}")
    return CTFError(
        "FILE-HOSTILE",
        "The file has a DOCTYPE declaration, which a CTF never has and which can hide "
        f"instructions to read other files. Keystage refuses such files. {REMAKE}",
    )


def not_ctf_root(tag: Any, line: int | None) -> CTFError:
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
            + CTF_IS,
            line=line,
        )
    shown = re.sub(r"[^A-Za-z0-9._:-]", "?", name)[:60]
    return CTFError(
        "FILE-NOT-CTF",
        f"This XML file is not a CTF: its main element is <{shown}>, where a CTF has "
        f"<CTfile>. {CTF_IS}",
        line=line,
    )


def too_deep(max_depth: int, line: int | None) -> CTFError:
    return CTFError(
        "FILE-HOSTILE",
        f"The file nests elements more than {max_depth} deep, far deeper than a CTF does. "
        "Keystage refuses such files. " + REMAKE,
        line=line,
    )


def too_large_record() -> CTFError:
    return CTFError(
        "FILE-HOSTILE",
        f"One part of the file is larger than {size(MAX_HELD_BYTES)}, far larger than any "
        f"pupil record. Keystage refuses such files. {REMAKE}",
    )


def too_many_records() -> CTFError:
    return CTFError(
        "FILE-HOSTILE",
        f"The file holds more than {MAX_RECORDS:,} pupil records, far more than a CTF from "
        "one school. Keystage refuses such files: check that this is the right file, or ask "
        "the LA data team.",
    )


def too_many(line: int | None) -> CTFError:
    return CTFError(
        "FILE-HOSTILE",
        f"One part of the file holds more than {MAX_HELD_ELEMENTS:,} elements, far more than "
        "any pupil record. Keystage refuses such files. " + REMAKE,
        line=line,
    )


def unreadable(problem: OSError) -> CTFError:
    reason = problem.strerror or "it could not be read"
    return CTFError("FILE-NOT-XML", f"Keystage could not read the file ({reason}). {REMAKE}")


# --- encodings (keystage.ctf.encodings) ---------------------------------------------------


def _shown(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "?", name)[:40]


def unsupported_encoding(name: str, *, saved: bool = False) -> CTFError:
    """`saved`: told from the file's first bytes, not from what its declaration names."""
    said = f"is saved in {name}" if saved else f"says it is in the {_shown(name)} encoding"
    return CTFError(
        "FILE-NOT-XML", f"The file {said}, which Keystage does not read. {ENCODED}", line=1
    )


def bom_disagrees(saved_as: str | None, declared: str) -> CTFError:
    """The byte-order mark shows one encoding, the declaration names another."""
    if saved_as is None:  # a UTF-16 declaration on bytes that are not UTF-16
        said = (
            f"The file says it is in the {_shown(declared)} encoding, but it is not saved as "
            "UTF-16 (it has no byte-order mark)."
        )
    else:
        said = (
            f"The file is saved as {saved_as} (it starts with a byte-order mark), but its "
            f"first line says it is in the {_shown(declared)} encoding."
        )
    return CTFError("FILE-NOT-XML", f"{said} {ENCODED}", line=1)


def utf16_without_bom() -> CTFError:
    return CTFError(
        "FILE-NOT-XML",
        "The file is saved as UTF-16 without a byte-order mark, so Keystage cannot tell how "
        f"to read it. {ENCODED}",
    )


def binary() -> CTFError:
    return CTFError("FILE-NOT-XML", f"The file is not a text file: it holds binary data. {ENCODED}")


def misencoded(encoding: str, byte: int, *, line: int, column: int) -> CTFError:
    """A byte that is not text in the encoding the file says it is in."""
    said = f"a byte (0x{byte:02X}) that is not a character in {encoding}"
    if encoding == "ISO-8859-1":  # read as Windows-1252 (keystage.ctf.encodings says why)
        said = (
            f"a byte (0x{byte:02X}) that is not a character in ISO-8859-1 as Keystage reads "
            "it (as Windows-1252, which most programs that say ISO-8859-1 really write)"
        )
    return _at(encoding, said, line, column)


def broken_utf16(*, unfinished: bool, line: int, column: int) -> CTFError:
    """UTF-16 that does not decode: a surrogate without its partner, or an odd last byte."""
    if unfinished:
        said = "an unfinished character (the file ends halfway through one)"
    else:
        said = (
            "an unpaired surrogate (a broken character: half of a two-part character, "
            "without its other half)"
        )
    return _at("UTF-16", said, line, column)


def _at(encoding: str, said: str, line: int, column: int) -> CTFError:
    return CTFError(
        "FILE-NOT-XML",
        f"The file says it is in {encoding}, but at line {line}, column {column} it has "
        f"{said}. {ENCODED}",
        line=line,
        column=column,
    )


def not_utf8(where: str, line: int | None, column: int | None) -> CTFError:
    """lxml met bytes that are not UTF-8 in a file that names no other encoding."""
    return CTFError(
        "FILE-NOT-XML",
        f"The file has characters that are not UTF-8 at {where}, though it does not say it "
        f"is in another encoding. {ENCODED}",
        line=line,
        column=column,
    )
