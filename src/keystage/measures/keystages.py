"""KS1 teacher assessment and KS2: the share at the expected standard (and above).

A pupil counts in a subject's denominator when the subject has a result that is not left out
(KS1: ks1_left_out, L; KS2: ks2_left_out, L and M); a missing result is left out. Every other
result counts, and meets the standard only when the code table says so (expected_or_above,
greater_depth) or, for a KS2 test, when it is a valid scaled score at or above the threshold:
A, D, WTS, PK1-PK6, EM, HNM, B, H, J, Q, U all count as not meeting, and so does a result
the code table does not know (an error the checks report: never silently dropped).

Combined (reading, writing and maths): pupils counted in all three subjects; a pupil left
out of any of the three is left out of the combined measures (and still counts in the
subjects they have).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from keystage.codesets import Codeset
from keystage.codesets.model import as_mark
from keystage.ctf.model import Pupil
from keystage.measures import tables
from keystage.measures.results import Results, Score, Scorer, latest


@dataclass(frozen=True, slots=True)
class Outcome:
    """A subject's counted result: whether it meets the expected and the higher standard,
    and the scaled score when it is a test's."""

    expected: bool
    high: bool
    score: int | None = None


class Ks1Scorer(Scorer):
    collection = "KS1"
    CORE = ("reading", "writing", "maths")  # ks1_<subject> roles of the code table

    def __init__(self, codeset: Codeset) -> None:
        super().__init__(codeset)
        self.left_out = codeset.code_set("ks1_left_out")
        self.expected = codeset.code_set("expected_or_above")
        self.greater_depth = codeset.code_set("greater_depth")

    def outcome(self, results: Results, role: str) -> Outcome | None:
        result = latest(results, role)
        if result is None or result in self.left_out:
            return None
        return Outcome(result in self.expected, result in self.greater_depth)

    def score(self, pupil: Pupil, results: Results) -> Iterator[Score]:
        core = {subject: self.outcome(results, f"ks1_{subject}") for subject in self.CORE}
        for subject, found in core.items():
            if found is not None:
                yield f"ks1_{subject}_exs_plus", int(found.expected)
                yield f"ks1_{subject}_gds", int(found.high)
        science = self.outcome(results, "ks1_science")
        if science is not None:
            yield "ks1_science_exs", int(science.expected)
        counted = [found for found in core.values() if found is not None]
        if len(counted) == len(core):
            yield "ks1_rwm_exs_plus", int(all(found.expected for found in counted))


class Ks2Scorer(Scorer):
    """Reading and maths: the test result, or the teacher assessment of a pupil without one
    (pre-key stage, EM, A: not meeting). Writing: teacher assessment. GPS: the test only.
    Averages: over pupils with a valid scaled score only."""

    collection = "KS2"
    TESTED = (("reading", True), ("maths", True), ("gps", False))  # subject, has a TA role

    def __init__(self, codeset: Codeset) -> None:
        super().__init__(codeset)
        self.left_out = codeset.code_set("ks2_left_out")
        self.expected = codeset.code_set("expected_or_above")
        self.greater_depth = codeset.code_set("greater_depth")

    def tested(self, results: Results, subject: str, has_ta: bool) -> Outcome | None:
        test_role = f"ks2_{subject}_test"
        result = latest(results, test_role)
        if result is None and has_ta:
            result = latest(results, f"ks2_{subject}_ta")
        if result is None or result in self.left_out:
            return None
        score = as_mark(result)
        if score is None or not self.codeset.role(test_role).results.accepts(result):
            return Outcome(False, False)
        return Outcome(
            score >= tables.KS2_EXPECTED_SCORE, score >= tables.KS2_HIGH_SCORE, score=score
        )

    def writing(self, results: Results) -> Outcome | None:
        result = latest(results, "ks2_writing_ta")
        if result is None or result in self.left_out:
            return None
        return Outcome(result in self.expected, result in self.greater_depth)

    def score(self, pupil: Pupil, results: Results) -> Iterator[Score]:
        found = {s: self.tested(results, s, has_ta) for s, has_ta in self.TESTED}
        found["writing"] = self.writing(results)
        rwm = [found["reading"], found["writing"], found["maths"]]
        if all(subject is not None for subject in rwm):
            yield "ks2_rwm_exs_plus", int(all(s.expected for s in rwm if s is not None))
            yield "ks2_rwm_high", int(all(s.high for s in rwm if s is not None))
        for subject in ("reading", "writing", "maths", "gps"):
            outcome = found[subject]
            if outcome is not None:
                yield f"ks2_{subject}_exs_plus", int(outcome.expected)
        for subject, _ in self.TESTED:
            outcome = found[subject]
            if outcome is not None and outcome.score is not None:
                yield f"ks2_{subject}_avg_score", outcome.score
