"""The headline measures of reference/measures.md, their breakdowns and small-number suppression.

    figures = compute(pupils, "KS1", codesets.load("2025-26"), exclude={"A123..."})
    for_school = mark_small(figures)        # the school's own report: small groups marked
    for_others = suppress(figures)          # beyond the school: small groups shown as `c`

Pure Python: never imports Django.
"""

from keystage.measures.compute import compute
from keystage.measures.model import AVERAGE, PERCENT, SPECS, Measure, Spec
from keystage.measures.suppression import DEFAULT_THRESHOLD, is_small, mark_small, suppress

__all__ = [
    "AVERAGE",
    "DEFAULT_THRESHOLD",
    "PERCENT",
    "SPECS",
    "Measure",
    "Spec",
    "compute",
    "is_small",
    "mark_small",
    "suppress",
]
