"""Invalid results that a subject's own rule reports instead of RESULT-INVALID, because it can
say more (a phonics mark of 41 is out of range, not an unknown code). Each predicate is asked
only about a result its assessment does not accept.

Roles are the code table's stable names; the codes themselves come from its named groups.
"""

from __future__ import annotations

from collections.abc import Callable

from keystage.checks.text import is_numeric
from keystage.codesets import AssessmentType, Codeset

PHONICS_MARK = "phonics_mark"
KS1_SCIENCE = "ks1_science"
KS2_TESTS = frozenset({"ks2_reading_test", "ks2_gps_test", "ks2_maths_test"})


def phonics_mark_out_of_range(kind: AssessmentType, value: str, codeset: Codeset) -> bool:
    """PHON-MARK-RANGE: a number that is not a whole number 0-40 (41, -1, 32.5)."""
    return kind.role == PHONICS_MARK and is_numeric(value)


def ks1_la_only_code(kind: AssessmentType, value: str, codeset: Codeset) -> bool:
    """KS1-Q-CODE: Q (maladministration) on a KS1 subject."""
    return kind.collection == "KS1" and value in codeset.code_set("la_only")


def ks1_science_pre_key_stage(kind: AssessmentType, value: str, codeset: Codeset) -> bool:
    """KS1-SCIENCE-PK: a pre-key stage standard or EM given for science."""
    return kind.role == KS1_SCIENCE and value in codeset.code_set("pre_key_stage")


def ks2_score_out_of_range(kind: AssessmentType, value: str, codeset: Codeset) -> bool:
    """KS2-SCORE-RANGE: a number outside the scaled-score range on a KS2 test."""
    return kind.role in KS2_TESTS and is_numeric(value)


CLAIMS: tuple[Callable[[AssessmentType, str, Codeset], bool], ...] = (
    phonics_mark_out_of_range,
    ks1_la_only_code,
    ks1_science_pre_key_stage,
    ks2_score_out_of_range,
)


def claimed(kind: AssessmentType, value: str, codeset: Codeset) -> bool:
    return any(claim(kind, value, codeset) for claim in CLAIMS)
