"""What each result code means: the words the code reference page shows beside each code.

A data file says it once for every result set ([meanings], code = "meaning"), and again under
[meanings.<result set>] where a code means something else there: A is "absent" in a test but
"not assessed" in the EYFS profile. Every code a result set accepts must have a meaning, and
every meaning must be of a code some result set accepts, so the page can never be incomplete.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from keystage.codesets.model import CodesetError

Meanings = Mapping[str, Mapping[str, str]]


def resolve(source: str, table: dict[str, Any], codes_in_order: dict[str, list[str]]) -> Meanings:
    """Result set name -> code -> meaning, each set's codes in the order the file lists them.

    `codes_in_order` is each result set's codes as written under [results]."""
    general = {code: text for code, text in table.items() if not isinstance(text, dict)}
    special = {name: own for name, own in table.items() if isinstance(own, dict)}
    for name in special:
        if name not in codes_in_order:
            raise CodesetError(
                f"{source}: [meanings.{name}] names no result set: use one of the names under "
                f"[results] ({', '.join(codes_in_order)})",
                at=("meanings", name),
            )
    used = {code for codes in codes_in_order.values() for code in codes}
    _all_known(source, "meanings", general, used)
    resolved = {}
    for name, codes in codes_in_order.items():
        own = special.get(name, {})
        _all_known(source, f"meanings.{name}", own, set(codes))
        resolved[name] = MappingProxyType({code: _meaning(source, name, code, own, general)
                                           for code in codes})  # fmt: skip
    return MappingProxyType(resolved)


def _all_known(source: str, where: str, given: dict[str, Any], codes: set[str]) -> None:
    for code, text in given.items():
        if code not in codes:
            raise CodesetError(
                f"{source}: {where}: {code!r} is not a code of "
                f"{'any result set' if where == 'meanings' else 'that result set'}: remove it "
                "or check its spelling (codes are case-sensitive)",
                at=("meanings", code),
            )
        if not isinstance(text, str) or not text.strip():
            raise CodesetError(
                f'{source}: {where}: write what {code!r} means as text, e.g. {code} = "Absent"',
                at=("meanings", code),
            )


def _meaning(
    source: str, name: str, code: str, own: dict[str, str], general: dict[str, str]
) -> str:
    found = own.get(code, general.get(code))
    if found is None:
        raise CodesetError(
            f'{source}: results.{name}: the code {code!r} has no meaning: add {code} = "what it '
            f'means" under [meanings] (or under [meanings.{name}] if it means something else '
            "there)",
            at=("results", name),
        )
    return found.strip()
