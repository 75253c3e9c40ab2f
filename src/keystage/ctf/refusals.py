"""Every way the reader refuses a file, in words for a school office: what is wrong and what
to do. Each returns the CTFError for its caller to raise where the fault is met."""

from __future__ import annotations

import re
from typing import Any

from keystage.ctf.errors import CTFError
from keystage.ctf.limits import MAX_HELD_BYTES, MAX_HELD_ELEMENTS, MAX_RECORDS

REMAKE = "Make the CTF again in your MIS and upload the new file."
UTF8 = (
    "Keystage reads CTFs saved as UTF-8 only: export the CTF again from your MIS (do not "
    "open and re-save it in another program) and upload that file."
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
