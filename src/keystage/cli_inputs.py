"""What a command is given, read the same way by every command: the files named (a folder
standing for the files directly inside it), the code table of --year or of a --codes file,
the school of --school. Anything that cannot be acted on is a UsageError, whose message says
what to change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from keystage import codesets
from keystage.codesets import Codeset
from keystage.ctf.model import SchoolRef
from keystage.validate import default_codeset, school_from_laestab


class UsageError(Exception):
    """Something the person typed cannot be acted on; the message says what to change."""


def files_named(paths: Sequence[str], *, suffix: str | None = None) -> list[Path]:
    """The files named, a folder standing for the files directly inside it: those ending in
    `suffix` (in any case) when it is given, and then a folder without one is a UsageError;
    else all of them but .json files (the notes `synth` writes beside its files)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(_inside(path, name, suffix))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{name}: no such file or folder")
    if not found:
        raise UsageError("no files to check")
    return found


def _inside(folder: Path, name: str, suffix: str | None) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if suffix is None:
        return [p for p in files if p.suffix != ".json"]
    chosen = [p for p in files if p.suffix.lower() == suffix]
    if not chosen:
        raise UsageError(f"{name}: no {suffix} files in this folder")
    return chosen


def chosen_codeset(year: str | None) -> Codeset:
    """The code table chosen with --year (2025-26), or this year's when none was; a year with
    no table is a UsageError, never silently another year's."""
    if year is None:
        return default_codeset()
    try:
        return codesets.load(year)
    except codesets.CodesetError as problem:
        raise UsageError(str(problem)) from None


def codes_file(path: str, year: str | None) -> Codeset:
    """The code tables in a file downloaded from the portal (--codes): the table the portal's
    checks use, so the offline check is the portal's. --year, if given too, must agree."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        raise UsageError(
            f"--codes {path}: {getattr(problem, 'strerror', None) or problem}"
        ) from None
    try:
        table = codesets.parse_text(text, source=path)
    except codesets.CodesetError as problem:
        where = f", line {problem.line}" if problem.line else ""
        raise UsageError(f"--codes{where}: {problem}") from None
    if year is not None and year != table.academic_year:
        raise UsageError(
            f"--codes {path} holds the {table.academic_year} code tables, but --year says "
            f"{year}: leave out --year, or download the {year} tables"
        )
    return table


def missing_year_note(today: dt.date) -> str | None:
    """Said when a command without --year or --codes checks against another year's tables,
    because this version of Keystage has none for this year."""
    year = codesets.year_for(today)
    if year in codesets.available_years():
        return None
    return (
        f"this version of Keystage has no code tables for {year}: files are checked against "
        f"{codesets.available_years()[-1]}'s. Download this year's from the portal's Code "
        "tables page and add --codes FILE, to check as the portal does."
    )


def school_for(laestab: str | None) -> SchoolRef | None:
    """The school of a LAESTAB (3302001), or None when none is given."""
    if not laestab:
        return None
    try:
        return school_from_laestab(laestab)
    except ValueError as problem:
        raise UsageError(str(problem)) from None
