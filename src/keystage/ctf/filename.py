"""The conventional name of a school-to-LA file: `LLLEEEE_KIND_LLLLLLL_NNN.xml`.

`3302001_CTF_330LLLL_001.xml`: the school's LA number and DfE number, the kind (CTF, or FSP
for EYFSP and PHO for phonics, as some LA software names them), the destination (the LA
number and the literal LLLL for "the LA"), and an incrementing number. The header, not the
name, decides which school a file is from; a name that disagrees is only a query.
"""

from __future__ import annotations

import re
from pathlib import PurePath

__all__ = ["KINDS", "expected_name", "parse_name"]

KINDS = ("CTF", "FSP", "PHO")
# Case-insensitive: names pass through e-mail and Windows, which do not keep case reliably.
_NAME = re.compile(
    r"^(?P<la>\d{3})(?P<estab>\d{4})_(?:CTF|FSP|PHO)_\d{3}(?:\d{4}|LLLL)_\d{3}\.xml$",
    re.IGNORECASE,
)


def parse_name(name: str) -> tuple[str, str] | None:
    """(LA number, establishment number) from a conventional file name, else None.

    Only the last part of a path counts, so a full path may be passed.
    """
    found = _NAME.match(PurePath(name).name)
    return (found["la"], found["estab"]) if found else None


def expected_name(la: str, estab: str, dest_la: str, number: int, kind: str = "CTF") -> str:
    """The name a school's file is expected to have: 3302001_CTF_330LLLL_001.xml."""
    if kind not in KINDS:
        raise ValueError(f"kind is one of {', '.join(KINDS)}, not {kind!r}")
    if not (la.isdigit() and len(la) == 3 and dest_la.isdigit() and len(dest_la) == 3):
        raise ValueError("an LA number is 3 digits")
    if not (estab.isdigit() and len(estab) == 4):
        raise ValueError("an establishment number is 4 digits")
    if not 0 <= number <= 999:
        raise ValueError("the file number is 0 to 999")
    return f"{la}{estab}_{kind}_{dest_la}LLLL_{number:03d}.xml"
