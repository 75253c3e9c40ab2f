"""Key Stage 1 teacher assessment and Key Stage 2 tests and teacher assessment."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from keystage.checks.model import ERROR, QUERY, Finding
from keystage.checks.registry import finding, rule
from keystage.checks.rules.claims import (
    KS1_SCIENCE,
    ks1_la_only_code,
    ks1_science_pre_key_stage,
    ks2_score_out_of_range,
)
from keystage.checks.run import Run
from keystage.checks.text import FIX, kind_field, label, valid_results, who
from keystage.codesets import AssessmentType, Codeset
from keystage.codesets.model import as_mark
from keystage.ctf.model import Pupil

Claim = Callable[[AssessmentType, str, Codeset], bool]


def _claimed(
    pupil: Pupil, run: Run, claim: Claim, *, invalid_only: bool = True
) -> list[tuple[AssessmentType, str]]:
    """The pupil's results that `claim` reports (instead of RESULT-INVALID)."""
    return [
        (kind, a.result)
        for a, kind in run.results(pupil).own
        if a.result is not None
        and not (invalid_only and kind.results.accepts(a.result))
        and claim(kind, a.result, run.codeset)
    ]


@rule(
    code="KS1-Q-CODE",
    severity=QUERY,
    scope="pupil",
    collections=("KS1",),
    fields=("ks1_reading", "ks1_writing", "ks1_maths", KS1_SCIENCE),
    summary="Q (maladministration) is the LA's to apply, not the school's.",
)
def q_code(pupil: Pupil, run: Run) -> Iterable[Finding]:
    return [
        finding(
            "KS1-Q-CODE",
            f"{who(pupil)}: {label(kind)} has {value}. {value} (maladministration) is applied by "
            "the LA, not by schools. Enter the pupil's teacher assessment in your MIS, or tell "
            f"the LA why {value} was given.",
            pupil,
            kind_field(kind),
        )
        # Q is the LA's even if a code table ever accepted it
        for kind, value in _claimed(pupil, run, ks1_la_only_code, invalid_only=False)
    ]


@rule(
    code="KS1-SCIENCE-PK",
    severity=ERROR,
    scope="pupil",
    collections=("KS1",),
    fields=(KS1_SCIENCE,),
    summary="A pre-key stage standard or EM given for science.",
)
def science_pre_key_stage(pupil: Pupil, run: Run) -> Iterable[Finding]:
    return [
        finding(
            "KS1-SCIENCE-PK",
            f"{who(pupil)}: {label(kind)} has {value}. Pre-key stage standards and EM are not "
            f"used for science: give {valid_results(kind.results)}. {FIX}",
            pupil,
            kind_field(kind),
        )
        for kind, value in _claimed(pupil, run, ks1_science_pre_key_stage)
    ]


@rule(
    code="KS2-SCORE-RANGE",
    severity=ERROR,
    scope="pupil",
    collections=("KS2",),
    fields=("ks2_reading_test", "ks2_gps_test", "ks2_maths_test"),
    summary="A test scaled score outside 80-120 (or not a whole number).",
)
def score_range(pupil: Pupil, run: Run) -> Iterable[Finding]:
    return [
        finding(
            "KS2-SCORE-RANGE",
            f"{who(pupil)}: {label(kind)} is {value}, outside the range of scaled scores. It "
            f"must be {valid_results(kind.results)}. {FIX}",
            pupil,
            kind_field(kind),
        )
        for kind, value in _claimed(pupil, run, ks2_score_out_of_range)
    ]


@rule(
    code="KS2-TA-TEST-CLASH",
    severity=QUERY,
    scope="pupil",
    collections=("KS2",),
    fields=("ks2_reading_ta", "ks2_maths_ta"),
    summary="Reading or maths teacher assessment given for a pupil who also has a test score.",
)
def ta_test_clash(pupil: Pupil, run: Run) -> Iterable[Finding]:
    # the required_one_of groups pair each test with the teacher assessment that stands in
    # for it; the test is the member whose results include a score
    given = {kind.role: a.result for a, kind in run.results(pupil).own if a.result is not None}
    found = []
    for group, members in run.groups.items():
        scored = [m for m in members if m.results.marks and as_mark(given.get(m.role)) is not None]
        if not scored:
            continue
        test = scored[0]
        for other in members:
            if other is test or other.role not in given:
                continue
            message = (
                f"{who(pupil)} has a {group} test score ({given[test.role]}) and also has "
                f"{given[other.role]} for the {label(other)}. The teacher assessment is only for "
                "pupils who did not sit the test: remove it in your MIS, or explain."
            )
            found.append(finding("KS2-TA-TEST-CLASH", message, pupil, kind_field(other)))
    return found
