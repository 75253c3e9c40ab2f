"""What a command is given, read the same way by every command: the files named (a folder
standing for the files directly inside it), the code table of --year, the school of --school.
Anything that cannot be acted on is a UsageError, whose message says what to change."""

from __future__ import annotations

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


def school_for(laestab: str | None) -> SchoolRef | None:
    """The school of a LAESTAB (3302001), or None when none is given."""
    if not laestab:
        return None
    try:
        return school_from_laestab(laestab)
    except ValueError as problem:
        raise UsageError(str(problem)) from None
