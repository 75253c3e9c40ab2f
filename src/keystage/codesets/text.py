"""Where in a code table's text a problem is: the line an LA administrator opens to fix it.

The schema checks work on parsed TOML, which has no line numbers; they say where a problem is
as a path (("assessment", 3), ("results", "elg"), ("meanings", "A")), and this module finds
that place in the text by the file's own headers and keys.
"""

from __future__ import annotations

import re
import tomllib

from keystage.codesets.model import CodesetError

_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_HEADER = re.compile(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def syntax_error(source: str, broken: tomllib.TOMLDecodeError) -> CodesetError:
    """tomllib's complaint, its line in `line`, and a hint of how TOML is written."""
    said = str(broken)
    where = _WHERE.search(said)
    what = _WHERE.sub("", said)
    column = f" at column {where[2]}" if where else ""
    return CodesetError(
        f"{source}: this is not valid TOML{column} ({what[:1].lower()}{what[1:]}). Each "
        'setting is written key = value, with text in double quotes ("EXS") and lists in '
        'square brackets (["EXS", "GDS"]): compare the line, and the one before it, with the '
        "same lines of a table you downloaded",
        line=int(where[1]) if where else None,
    )


def line_of(text: str, at: tuple[str | int, ...]) -> int | None:
    """The line (from 1) of the place `at` names, or None when it cannot be found."""
    if not at:
        return None
    lines = text.splitlines()
    head = str(at[0])
    if head == "assessment" and len(at) > 1:
        return _nth_header(lines, "assessment", int(at[1]))
    if len(at) == 1:
        return _key_line(lines, head, section=None) or _header_line(lines, head)
    name = str(at[1])
    return _header_line(lines, f"{head}.{name}") or _key_line(lines, name, section=head)


def _section(line: str) -> str | None:
    found = _HEADER.fullmatch(line)
    return found[1].replace('"', "") if found else None


def _nth_header(lines: list[str], name: str, number: int) -> int | None:
    seen = 0
    for index, line in enumerate(lines, start=1):
        if line.strip().startswith("[[") and _section(line) == name:
            seen += 1
            if seen == number:
                return index
    return None


def _header_line(lines: list[str], name: str) -> int | None:
    return next((i for i, line in enumerate(lines, start=1) if _section(line) == name), None)


def _key_line(lines: list[str], key: str, section: str | None) -> int | None:
    """The line setting `key` at the top level (section None) or in a section or below it."""
    assigns = re.compile(rf'\s*"?{re.escape(key)}"?\s*=')
    current: str | None = None
    for index, line in enumerate(lines, start=1):
        header = _section(line)
        if header is not None:
            current = header
            continue
        inside = current is None if section is None else (
            current is not None and (current == section or current.startswith(f"{section}."))
        )  # fmt: skip
        if inside and assigns.match(line):
            return index
    return None
