"""The code table in force for a year: one a registered source supplies (the portal registers
the tables the LA has published), else the data file shipped with Keystage, else none.

A source is asked on every call, so a table published in one process is used by the next
check in every other; it answers with a version key (cheap: the portal reads one indexed row)
and a way to read the text, which is read and parsed only when this process has not seen that
version. The core never imports the portal: the portal hands its source in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from keystage.codesets.load import available_years, load, parse_text
from keystage.codesets.model import Codeset, CodesetError

# year -> (version key, read the TOML text) for the table in force, or None to fall through
type Source = Callable[[str], tuple[str, Callable[[], str]] | None]

_sources: list[Source] = []
_parsed: dict[tuple[str, str], Codeset] = {}
_parsing = threading.Lock()
_KEPT = 32  # parsed versions kept: a few years, each replaced a few times at most


def register_source(source: Source) -> None:
    """Consulted by codeset_for before the shipped data files, in the order registered."""
    if source not in _sources:
        _sources.append(source)


def unregister_source(source: Source) -> None:
    if source in _sources:
        _sources.remove(source)


def codeset_for(academic_year: str) -> Codeset:
    """The code table a collection of `academic_year` is checked against: the one a source
    supplies, else the shipped one; a year with neither is a CodesetError, never another
    year's table.

    No year at all ("") gives the newest shipped table: for callers with no year to give,
    such as guessing which collection a file without a header year is for."""
    if not academic_year:
        return newest()
    for source in _sources:
        found = source(academic_year)
        if found is not None:
            return _parsed_version(academic_year, *found)
    if academic_year in available_years():
        return load(academic_year)
    raise CodesetError(
        f"There are no code tables for {academic_year}. Load and publish the {academic_year} "
        "code tables first (the LA administrator's Code tables page)."
    )


def newest() -> Codeset:
    """The newest shipped table."""
    return load(available_years()[-1])


def _parsed_version(academic_year: str, version: str, read: Callable[[], str]) -> Codeset:
    key = (academic_year, version)
    found = _parsed.get(key)
    if found is not None:
        return found
    with _parsing:  # one parse per version, however many threads ask at once
        found = _parsed.get(key)
        if found is None:
            found = parse_text(read(), source=f"the published {academic_year} code tables")
            if found.academic_year != academic_year:
                raise CodesetError(
                    f"the code tables published for {academic_year} are for "
                    f"{found.academic_year}: publish the right file again"
                )
            while len(_parsed) >= _KEPT:
                _parsed.pop(next(iter(_parsed)))
            _parsed[key] = found
    return found
