"""A report's "each subject": how many pupils had each result in each subject (assessment),
from the highest standard down, and the spread chart's shades."""

from __future__ import annotations

from dataclasses import dataclass

from keystage.checks.run import Lookup
from keystage.codesets import Codeset
from keystage.codesets.model import as_mark
from keystage.ctf.model import Pupil
from keystage.measures.results import by_role, latest
from keystage.web.common import charts

# The spread chart's shades, by standard()'s first number (and one for no result).
STANDARDS = (
    "Greater depth", "Expected standard", "Scores or marks", "Working towards or not met",
    "Pre-key stage", "Other (absent and the like)", "No result",
)  # fmt: skip


@dataclass
class Subject:
    label: str
    results: list[tuple[str, int]]  # from the highest standard down
    missing: int
    chart: list[tuple[str, int, int]]  # (result, pupils, shade): the spread chart's


def standard(result: str, codeset: Codeset) -> tuple[int, float, str]:
    """Sorts a subject's results from the highest standard down: greater depth, the expected
    standard, marks (highest first), other codes (working towards, has not met), pre-key
    stage (highest first), then one-letter codes (absent, left and the like)."""
    if result in codeset.code_set("greater_depth"):
        return 0, 0, result
    if result in codeset.code_set("expected_or_above"):
        return 1, 0, result
    mark = as_mark(result)
    if mark is not None:
        return 2, -mark, result
    if result in codeset.code_set("pre_key_stage"):
        level = as_mark(result[2:]) if result.startswith("PK") else None
        return 4, -(level or 0), result  # the engagement model (no level) last
    return (3 if len(result) > 1 else 5), 0, result


def subjects(found: list[Pupil], kind: str, codeset: Codeset) -> list[Subject]:
    """Each subject (assessment) of the collection: how many pupils had each result."""
    lookup = Lookup(codeset)
    kinds = codeset.for_collection(kind)
    counts: dict[str, dict[str, int]] = {a.role: {} for a in kinds}
    missing = dict.fromkeys(counts, 0)
    for pupil in found:
        results = by_role(pupil, lookup, kind)
        for a in kinds:
            result = latest(results, a.role)
            if result is None:
                missing[a.role] += 1
            else:
                counts[a.role][result] = counts[a.role].get(result, 0) + 1
    made = []
    for a in kinds:
        ranked = sorted((standard(r, codeset), r, n) for r, n in counts[a.role].items())
        chart = [(r, n, rank[0]) for rank, r, n in ranked]
        chart.append(("No result", missing[a.role], len(STANDARDS) - 1))
        made.append(Subject(a.label, [(r, n) for _, r, n in ranked], missing[a.role], chart))
    return [s for s in made if s.results]


def spread(subjects: list[Subject]) -> str:
    """The spread chart: a stacked bar a subject."""
    return charts.spread([charts.Spread(s.label, s.chart) for s in subjects], STANDARDS)
