"""Small helpers for messages written for a school office."""

from __future__ import annotations

import re
from collections.abc import Sequence

from keystage.codesets import AssessmentType, ResultSet
from keystage.ctf.model import Assessment, Pupil

FIX = "Correct it in your MIS and make the file again."
_NUMBERED = re.compile(r"^([A-Z]+)(\d+)$")
_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def who(pupil: Pupil) -> str:
    """How a message names a pupil: 'SMITH, Jack (UPN A330200125001)'."""
    return f"{pupil.display_name} (UPN {pupil.upn or 'missing'})"


def tuple_name(a: Assessment, *, qualifier: bool = False) -> str:
    """The tuple as the file spells it: 'KS1 ENG TA READ', with '(TA)' when asked."""
    name = " ".join(p or "?" for p in (a.stage, a.subject, a.method, a.component))
    return f"{name} ({a.qualifier or '?'})" if qualifier else name


def kind_field(kind: AssessmentType) -> str:
    key = kind.key
    return f"{key.stage} {key.subject} {key.method} {key.component}"


def label(kind: AssessmentType) -> str:
    """The assessment's label; a goal named by its code (ELG01) keeps the code in front."""
    if kind.role.upper() == kind.key.component:
        return f"{kind.key.component} {kind.label}"
    return kind.label


def join(items: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def count(number: int, word: str, words: str | None = None) -> str:
    """'1 pupil', '3 pupils'."""
    return f"{number} {word if number == 1 else words or word + 's'}"


def is_numeric(value: str | None) -> bool:
    """Whether a result looks like a number (41, -1, 32.5) rather than a code."""
    return value is not None and _NUMERIC.match(value) is not None


def _compress(codes: list[str]) -> list[str]:
    """PK1, PK2, PK3, PK4 -> PK1-PK4: a run of three or more numbered codes."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        out.extend([f"{run[0]}-{run[-1]}"] if len(run) >= 3 else run)
        run.clear()

    for code in codes:
        match, prev = _NUMBERED.match(code), _NUMBERED.match(run[-1]) if run else None
        if match and prev and prev[1] == match[1] and int(prev[2]) + 1 == int(match[2]):
            run.append(code)
            continue
        flush()
        run.append(code)
    flush()
    return out


def _order(code: str) -> tuple[str, int]:
    # numbered codes in number order (PK2 before PK10)
    match = _NUMBERED.match(code)
    return (match[1], int(match[2])) if match else (code, -1)


def valid_results(results: ResultSet) -> str:
    """'a whole number from 0 to 40, or A, D, L or Q'."""
    codes = _compress(sorted(results.codes, key=_order))
    parts = []
    if results.marks:
        parts.append(f"a whole number from {results.marks[0]} to {results.marks[1]}")
    if codes:
        parts.append(join(codes, "or"))
    return ", or ".join(parts)
