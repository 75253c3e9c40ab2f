"""`keystage measures [--json] [--collection C] [--year Y] FILE...`: one LA's figures offline.

Several files (one LA's schools) are pooled into one set of figures. Exit status: 0 figures
printed; 1 a file was refused by the reader (each is named on stderr, and no figures are
printed from the rest) or no file holds results; 2 a usage problem (no such file, an unknown
code table year or collection, files of more than one collection without --collection).
Small groups are marked (`small`), not hidden: this is the data team's and the school's view.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from keystage.checks import COLLECTION_NAMES
from keystage.checks.run import Lookup, infer_from
from keystage.cli_inputs import UsageError, chosen_codeset, files_named
from keystage.codesets import COLLECTIONS, Codeset
from keystage.ctf.errors import CTFError
from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.measures.compute import compute
from keystage.measures.model import AVERAGE, Measure
from keystage.measures.suppression import DEFAULT_THRESHOLD, mark_small

OK, REFUSED, USAGE = 0, 1, 2


class _RefusedError(Exception):
    """No figures: the files cannot be read or hold nothing to count."""


def run(paths: list[str], *, json_out: bool, collection: str | None, year: str | None) -> int:
    """Reads the files, pools their pupils and prints the collection's measures."""
    try:
        codeset = chosen_codeset(year)
        if collection is not None and collection not in COLLECTIONS:
            raise UsageError(f"unknown collection {collection!r}: one of {', '.join(COLLECTIONS)}")
        files = files_named(paths, suffix=".xml")
        pupils = _read(files)
        chosen = collection or _infer(pupils, codeset)
    except UsageError as problem:
        print(f"keystage measures: {problem}", file=sys.stderr)
        return USAGE
    except _RefusedError as problem:
        print(f"keystage measures: {problem}", file=sys.stderr)
        return REFUSED
    _warn_repeated(pupils, chosen, codeset)
    pooled = [p for found in pupils.values() for p in found]
    figures = mark_small(compute(pooled, chosen, codeset))
    if json_out:
        json.dump(_json(chosen, codeset, pupils, figures), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(render(chosen, codeset, pupils, figures))
    return OK


def _read(files: list[Path]) -> dict[str, list[Pupil]]:
    """Every file's pupils, by path; every file the reader refuses is named on stderr."""
    pupils: dict[str, list[Pupil]] = {}
    refused = 0
    for path in files:
        try:
            with read_ctf(path) as reader:
                pupils[str(path)] = list(reader)
        except CTFError as problem:
            refused += 1
            where = f" (line {problem.line})" if problem.line else ""
            print(f"{path}: refused{where}: {problem.message}", file=sys.stderr)
    if refused:
        raise _RefusedError(
            f"{refused} of {len(files)} files refused: no figures (the figures of the others "
            "would be incomplete). Make the refused files again and re-run."
        )
    return pupils


def _infer(pupils: dict[str, list[Pupil]], codeset: Codeset) -> str:
    """The one collection the files hold (each file: the most frequent among its pupils)."""
    lookup = Lookup(codeset)
    by_collection: dict[str, list[str]] = {}
    for path, found in pupils.items():
        counts = Counter(c for p in found if (c := infer_from(p, lookup)) is not None)
        if counts:
            by_collection.setdefault(counts.most_common(1)[0][0], []).append(Path(path).name)
    if not by_collection:
        raise _RefusedError("no pupil in these files has a result of any collection")
    if len(by_collection) > 1:
        held = "; ".join(
            f"{c}: {len(names)} file(s), e.g. {names[0]}"
            for c, names in sorted(by_collection.items())
        )
        raise UsageError(
            f"the files hold results of more than one collection ({held}). Give --collection, "
            "or name the files of one collection."
        )
    return next(iter(by_collection))


def _warn_repeated(pupils: dict[str, list[Pupil]], collection: str, codeset: Codeset) -> None:
    """A note on stderr when a UPN with results of the collection is in the files twice."""
    lookup = Lookup(codeset)

    def holds(pupil: Pupil) -> bool:
        return any((k := lookup.kind(a)) and k.collection == collection for a in pupil.assessments)

    upns = Counter(p.upn for found in pupils.values() for p in found if p.upn and holds(p))
    repeated = sum(1 for n in upns.values() if n > 1)
    if repeated:
        print(
            f"keystage measures: note: {repeated} UPN(s) appear more than once in these files "
            "and are counted each time (in the portal, the data team decides which school "
            "reports a pupil sent by two schools).",
            file=sys.stderr,
        )


def _json(
    collection: str, codeset: Codeset, pupils: dict[str, list[Pupil]], figures: list[Measure]
) -> dict[str, Any]:
    """The stable `measures --json` shape: fields may be added, never renamed or removed."""
    return {
        "collection": collection,
        "academic_year": codeset.academic_year,
        "files": list(pupils),
        "pupils": sum(len(found) for found in pupils.values()),
        "small_threshold": DEFAULT_THRESHOLD,
        "measures": [m.to_json() for m in figures],
    }


def _figure(m: Measure) -> tuple[str, str]:
    if m.kind == AVERAGE:
        value = "-" if m.value is None else f"{m.value:.1f}"
        return value, f"mean over {m.denominator}"
    percent = "-" if m.percent is None else f"{m.percent:.1f}%"
    return percent, f"{m.numerator} of {m.denominator}"


def render(
    collection: str, codeset: Codeset, pupils: dict[str, list[Pupil]], figures: list[Measure]
) -> str:
    """The plain table: one line per measure and group; * marks a small group."""
    count = sum(len(found) for found in pupils.values())
    name = COLLECTION_NAMES.get(collection, collection)
    lines = [
        f"{name} ({collection}), code table {codeset.academic_year}: "
        f"{len(pupils)} file(s), {count} pupil(s)",
        "",
        f"{'measure':<26} {'group':<24} {'figure':>8}  pupils",
    ]
    for m in figures:
        figure, pupils_text = _figure(m)
        mark = " *" if m.small else ""
        lines.append(f"{m.measure:<26} {m.group:<24} {figure:>8}  {pupils_text}{mark}")
    lines.append("")
    lines.append(f"* a group of {DEFAULT_THRESHOLD} pupils or fewer: treat its figure with care")
    lines.extend(f"Note ({m.measure}): {m.note}" for m in figures if m.note)
    return "\n".join(lines)
