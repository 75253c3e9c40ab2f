"""EYFSP: a good level of development, all goals at the expected level, the average number.

Cohort: children with a completed profile. A child whose every goal given is A (the code
table's elg_not_assessed) is left out of every EYFSP measure and counted in
eyfsp_not_assessed. A child with at least one goal assessed is in the cohort; a goal that is
A or missing then counts as not at the expected level (a partly assessed profile is an error
the checks report; counting it never overstates the figures).
"""

from __future__ import annotations

from collections.abc import Iterator

from keystage.codesets import Codeset
from keystage.ctf.model import Pupil
from keystage.measures.results import Results, Score, Scorer, latest


class EyfspScorer(Scorer):
    collection = "EYFSP"

    def __init__(self, codeset: Codeset) -> None:
        super().__init__(codeset)
        self.goals = tuple(a.role for a in codeset.for_collection(self.collection))
        self.gld = codeset.gld
        self.expected = codeset.code_set("elg_expected")
        self.not_assessed = codeset.code_set("elg_not_assessed")

    def score(self, pupil: Pupil, results: Results) -> Iterator[Score]:
        levels = {goal: latest(results, goal) for goal in self.goals}
        given = [level for level in levels.values() if level is not None]
        if not given:
            return
        if all(level in self.not_assessed for level in given):
            yield "eyfsp_not_assessed", 1
            return
        yield "eyfsp_not_assessed", 0
        at_expected = {goal for goal, level in levels.items() if level in self.expected}
        yield "eyfsp_gld", int(all(goal in at_expected for goal in self.gld))
        yield "eyfsp_all_elgs_expected", int(len(at_expected) == len(self.goals))
        yield "eyfsp_avg_elgs_expected", len(at_expected)
