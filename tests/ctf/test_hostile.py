"""Hostile and broken files: each is refused with the right code and a plain message.

Every case runs in a child process (hostile/probe.py) that reports its own time and peak
memory, with a timeout as the guard against a hang; the time is printed, never asserted
(timed assertions are flaky), while memory is asserted: a refusal must stay small.
"""

from __future__ import annotations

import io
import json
import random
import socket
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ctf_samples import FOOTER, HEADER, PUPIL, small_ctf

PROBE = Path(__file__).parent / "hostile" / "probe.py"
MB = 1024 * 1024


def probe(path: Path, *options: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(PROBE), str(path), *options],
        capture_output=True,
        text=True,
        timeout=10,  # a hang guard, not a time limit: the time is printed below
        check=False,
    )
    assert done.returncode == 0, done.stderr  # anything but a CTFError escaped
    outcome: dict[str, Any] = json.loads(done.stdout)
    print(f"{path.name}: {outcome['seconds']} s, {outcome['peak_rss_mb']:.0f} MB")
    return outcome


def assert_refused(outcome: dict[str, Any], code: str) -> None:
    assert outcome["code"] == code, outcome
    message = outcome["message"]
    assert message and message.strip()
    assert "Traceback" not in message
    assert "root:" not in message  # nothing from /etc/passwd, ever
    assert outcome["peak_rss_mb"] < 200


# --- the files ---------------------------------------------------------------------------

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CTfile><Header><DocumentName>&lol9;</DocumentName></Header></CTfile>
"""


def with_doctype(doctype: bytes, name: bytes = b"&xxe;") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + doctype
        + b"\n<CTfile><Header><DocumentName>"
        + name
        + b"</DocumentName></Header></CTfile>\n"
    )


XXE_FILE = with_doctype(b'<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
PARAMETER = with_doctype(
    b'<!DOCTYPE CTfile [<!ENTITY % pe SYSTEM "file:///etc/passwd"> %pe;]>', b"x"
)
# The DOCTYPE sits past the first 64 KB, beyond the byte sniffing: lxml's docinfo catches it.
LATE_DOCTYPE = (
    b'<?xml version="1.0"?>\n<!--'
    + b"x" * (70 * 1024)
    + b'-->\n<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + b"<CTfile><Header><DocumentName>&xxe;</DocumentName></Header></CTfile>\n"
)
TRUNCATED = small_ctf(3)[: -len(FOOTER) - 200]
SMALL, LARGER = small_ctf(20), small_ctf(200)  # about 12 KB and 115 KB
JUST_UNDER, LARGER_JUST_UNDER = str(len(SMALL) - 1), str(len(LARGER) - 1)


def xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def nested(levels: int) -> bytes:
    return HEADER + b"<Pupil>" + b"<a>" * levels + b"</a>" * levels + b"</Pupil>" + FOOTER


def wide(children: int) -> bytes:
    return HEADER + b"<Pupil>" + b"<a/>" * children + b"</Pupil>" + FOOTER


def attributes(count: int) -> bytes:
    """One start tag with `count` attributes: libxml2 holds it whole before any event."""
    names = b" ".join(b'a%d=""' % number for number in range(count))
    return HEADER + b"<Pupil " + names + b"/>" + FOOTER


def utf16(content: bytes) -> bytes:
    """The same file saved as UTF-16 with a byte-order mark, as some MIS write it."""
    return content.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")


def cp1252(content: bytes) -> bytes:
    return content.replace(b'encoding="UTF-8"', b'encoding="windows-1252"')


def utf16_no_bom_no_declaration() -> bytes:
    body = small_ctf(1).split(b"?>", 1)[1]
    return body.decode().encode("utf-16-le")


@dataclass(frozen=True)
class Case:
    content: bytes | Callable[[], bytes]
    code: str
    says: tuple[str, ...] = ()  # words the message must contain (lower case)
    options: tuple[str, ...] = field(default=())


CASES: dict[str, Case] = {
    "billion-laughs": Case(LAUGHS, "FILE-HOSTILE", ("doctype",)),
    "external-entity-file": Case(XXE_FILE, "FILE-HOSTILE", ("doctype",)),
    "plain-doctype": Case(with_doctype(b"<!DOCTYPE CTfile>", b"x"), "FILE-HOSTILE"),
    "doctype-system-id": Case(
        with_doctype(b'<!DOCTYPE CTfile SYSTEM "file:///etc/passwd">', b"x"), "FILE-HOSTILE"
    ),
    "parameter-entities": Case(PARAMETER, "FILE-HOSTILE"),
    "late-doctype": Case(LATE_DOCTYPE, "FILE-HOSTILE"),
    "html-page": Case(b"<!doctype html>\n<html><body>Sign in</body></html>", "FILE-NOT-CTF"),
    "truncated": Case(TRUNCATED, "FILE-NOT-XML", ("stops at line",)),
    "truncated-in-a-tag": Case(small_ctf(2)[:-40], "FILE-NOT-XML", ("stops at line",)),
    "tag-mismatch": Case(small_ctf(1).replace(b"</Surname>", b"</Surnam>"), "FILE-NOT-XML"),
    "junk-after-root": Case(small_ctf(1) + b"<more/>", "FILE-NOT-XML"),
    "undeclared-entity": Case(
        small_ctf(1).replace(b"Smith", b"&smith;"), "FILE-NOT-XML", ("&amp;", "line 11")
    ),
    "bare-ampersand": Case(
        small_ctf(1).replace(b"Smith", b"Smith & Sons"), "FILE-NOT-XML", ("&amp;", "line 11")
    ),
    "binary-garbage": Case(random.Random(7).randbytes(4096), "FILE-NOT-XML"),
    "text-not-xml": Case(b"UPN,Surname,Forename\nR674123101121,Smith,Ann\n", "FILE-NOT-XML"),
    "pdf": Case(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "FILE-NOT-CTF", ("pdf",)),
    "xlsx": Case(xlsx, "FILE-NOT-CTF", ("spreadsheet", "excel")),
    "zip": Case(b"PK\x03\x04" + bytes(40) + b"results.xml", "FILE-NOT-CTF", ("zip",)),
    "old-xls": Case(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "FILE-NOT-CTF", ("excel",)),
    "zero-bytes": Case(b"", "FILE-NOT-XML", ("empty",)),
    "declaration-only": Case(b'<?xml version="1.0" encoding="UTF-8"?>\n', "FILE-NOT-XML"),
    "whitespace-only": Case(b" \n\t\r\n   \n", "FILE-NOT-XML", ("blank",)),
    "long-whitespace": Case(b" " * (100 * 1024), "FILE-NOT-XML"),
    "utf16-no-bom": Case(utf16_no_bom_no_declaration, "FILE-NOT-XML", ("utf-16", "utf-8")),
    "shift-jis-declared": Case(
        small_ctf(1).replace(b"UTF-8", b"Shift_JIS"), "FILE-NOT-XML", ("windows-1252",)
    ),
    # the hardening in the other encodings a school's MIS may write
    "utf16-billion-laughs": Case(lambda: utf16(LAUGHS), "FILE-HOSTILE", ("doctype",)),
    "utf16-external-entity": Case(lambda: utf16(XXE_FILE), "FILE-HOSTILE", ("doctype",)),
    "utf16-late-doctype": Case(lambda: utf16(LATE_DOCTYPE), "FILE-HOSTILE", ("doctype",)),
    "cp1252-external-entity": Case(cp1252(XXE_FILE), "FILE-HOSTILE", ("doctype",)),
    "utf16-deep-100000": Case(
        lambda: utf16(b"<CTfile>" + b"<a>" * 100_000), "FILE-HOSTILE", ("deep",)
    ),
    "utf16-huge-text": Case(
        lambda: utf16(small_ctf(1).replace(b"Smith", b"S" * (3 * MB))), "FILE-HOSTILE", ("2 mb",)
    ),
    "cp1252-many-records": Case(
        lambda: cp1252(HEADER + b"<Pupil/>" * 200_001 + FOOTER), "FILE-HOSTILE", ("200,000",)
    ),
    "latin1-undeclared": Case(
        small_ctf(1).replace(b"Smith", "Zoë".encode("latin-1")), "FILE-NOT-XML", ("utf-8",)
    ),
    "deep-100000": Case(b"<CTfile>" + b"<a>" * 100_000, "FILE-HOSTILE", ("deep",)),
    "deep-40": Case(lambda: nested(40), "FILE-HOSTILE", ("deep",)),
    "wide-pupil": Case(lambda: wide(60_000), "FILE-HOSTILE"),
    "attribute-bomb": Case(lambda: attributes(400_000), "FILE-HOSTILE", ("larger than 2 mb",)),
    "huge-text": Case(
        lambda: small_ctf(1).replace(b"Smith", b"S" * (3 * MB)), "FILE-HOSTILE", ("2 mb",)
    ),
    "many-records": Case(
        lambda: HEADER + b"<Pupil/>" * 200_001 + FOOTER, "FILE-HOSTILE", ("200,000",)
    ),
    "junk-records": Case(lambda: b"<CTfile>" + b"<x/>" * 200_001 + b"</CTfile>", "FILE-HOSTILE"),
    # one byte over a small cap: known from the file's size (a path), from the first 64 KB
    # read (a small stream), and from counting as it reads (a larger stream)
    "over-small-cap": Case(SMALL, "FILE-HOSTILE", ("largest",), ("--max-bytes", JUST_UNDER)),
    "over-small-cap-stream": Case(
        SMALL, "FILE-HOSTILE", ("largest",), ("--max-bytes", JUST_UNDER, "--stream")
    ),
    "over-cap-stream-counted": Case(
        LARGER, "FILE-HOSTILE", ("largest",), ("--max-bytes", LARGER_JUST_UNDER, "--stream")
    ),
    "atfile": Case(
        b'<?xml version="1.0"?><ATfile><Header/><ATFpupilData/></ATfile>',
        "FILE-NOT-CTF",
        ("admissions",),
    ),
    "other-root": Case(b"<Workbook><Sheet/></Workbook>", "FILE-NOT-CTF", ("<workbook>",)),
    "prefixed-root": Case(b"<a:CTfile><Header/></a:CTfile>", "FILE-NOT-CTF", ("<a:ctfile>",)),
    "namespaced-root": Case(
        b'<CTfile xmlns="urn:x"><Header/></CTfile>', "FILE-NOT-CTF", ("namespace",)
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_refused(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    content = case.content() if callable(case.content) else case.content
    path = tmp_path / f"{name}.xml"
    path.write_bytes(content)
    outcome = probe(path, *case.options)
    assert_refused(outcome, case.code)
    for words in case.says:
        assert words in outcome["message"].lower(), outcome["message"]


def test_external_entity_over_http_fetches_nothing(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        doctype = f'<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/x">]>'
        path = tmp_path / "http.xml"
        path.write_bytes(with_doctype(doctype.encode()))
        assert_refused(probe(path), "FILE-HOSTILE")
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody called


def test_exactly_at_the_cap_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "at-cap.xml"
    path.write_bytes(LARGER)
    for options in [(), ("--stream",)]:
        outcome = probe(path, "--max-bytes", str(len(LARGER)), *options)
        assert outcome["code"] is None and outcome["pupils"] == 200, outcome


def test_over_the_default_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    with path.open("wb") as out:
        out.write(HEADER)
        block = PUPIL * 2000
        while out.tell() < 51 * MB:
            out.write(block)
        out.truncate(51 * MB)
    outcome = probe(path)
    assert_refused(outcome, "FILE-HOSTILE")
    assert outcome["message"].startswith("The file is 51 MB; the largest Keystage accepts is 50 MB")


@pytest.mark.parametrize("saved_as", [bytes, cp1252, utf16])
def test_a_valid_file_reads_in_flat_memory(
    saved_as: Callable[[bytes], bytes], tmp_path: Path
) -> None:
    path = tmp_path / "valid.xml"
    # about 13 MB (26 MB in UTF-16); held whole, or transcoded whole, it would be far bigger
    path.write_bytes(saved_as(small_ctf(20_000)))
    outcome = probe(path)
    assert outcome["code"] is None, outcome
    assert outcome["pupils"] == 20_000
    assert outcome["peak_rss_mb"] < 60


def test_truncated_file_says_where(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_bytes(TRUNCATED)
    outcome = probe(path)
    assert outcome["line"] == TRUNCATED.count(b"\n") + 1
    assert outcome["pupils"] >= 1  # pupils before the cut were read, then the file refused
