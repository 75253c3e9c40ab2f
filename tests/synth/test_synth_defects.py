"""Planted defects: each one is what its code says, and nothing else about the pupil changes."""

from __future__ import annotations

from collections import Counter

import pytest

from keystage import codesets
from keystage.codesets.model import as_mark
from keystage.ctf import upn
from keystage.ctf.model import Pupil
from keystage.synth import PlantedDefect, SchoolFile, SynthConfig, generate_la
from keystage.synth.defects import KINDS
from keystage.synth.pupils import dob_range

CODESET = codesets.load("2025-26")
CHECK_CODES = {
    "UPN-INVALID", "UPN-DUPLICATE", "UPN-TEMPORARY", "NAME-MISSING", "DOB-INVALID", "DOB-RANGE",
    "SEX-INVALID", "RESULT-INVALID", "RESULT-MISSING", "EYF-A-PARTIAL", "PHON-MARK-RANGE",
    "PHON-MARK-AND-CODE", "KS1-SCIENCE-PK", "KS1-Q-CODE", "KS2-SCORE-RANGE",
}  # fmt: skip


@pytest.fixture(scope="module")
def files() -> list[tuple[SchoolFile, SchoolFile]]:
    """(clean, with defects) for every file of a small LA planted at a high rate."""
    clean = generate_la(SynthConfig(schools=6, collection="ALL", seed=11))
    planted = generate_la(SynthConfig(schools=6, collection="ALL", seed=11, defects=0.3))
    return list(zip(clean, planted, strict=True))


def test_every_kind_is_planted_and_named_by_a_check_code(files):
    codes = Counter(d.code for _, f in files for d in f.defects)
    assert set(codes) == CHECK_CODES
    assert {code for kinds in KINDS.values() for code, _ in kinds} == CHECK_CODES


def test_planted_defects_change_only_their_pupils(files):
    for clean, planted in files:
        assert clean.header == planted.header
        assert len(clean.pupils) == len(planted.pupils)
        changed = [
            i for i, (a, b) in enumerate(zip(clean.pupils, planted.pupils, strict=True)) if a != b
        ]
        assert len(changed) == len(planted.defects)
        for defect in planted.defects:
            assert defect.file == planted.path


def test_each_defect_is_what_its_code_says(files):
    for _, planted in files:
        by_upn: dict[str | None, list[Pupil]] = {}
        for pupil in planted.pupils:
            by_upn.setdefault(pupil.upn, []).append(pupil)
        for defect in planted.defects:
            pupils = by_upn[defect.upn]
            assert any(_shows(defect, p, planted.collection) for p in pupils), defect
            if defect.code == "UPN-DUPLICATE":
                assert len(pupils) == 2
            else:
                assert len(pupils) == 1, defect


def _shows(defect: PlantedDefect, pupil: Pupil, collection: str) -> bool:
    results = [a.result for a in pupil.assessments if a.year == CODESET.assessment_year]
    match defect.code:
        case "UPN-INVALID":
            return upn.status(pupil.upn) == upn.UPNStatus.INVALID
        case "UPN-TEMPORARY":
            return upn.status(pupil.upn) == upn.UPNStatus.TEMPORARY
        case "UPN-DUPLICATE":
            return upn.status(pupil.upn) == upn.UPNStatus.VALID
        case "NAME-MISSING":
            return not pupil.surname or not pupil.forename
        case "DOB-INVALID":
            return pupil.dob is not None and pupil.dob_date is None
        case "DOB-RANGE":
            first, last = dob_range(CODESET.start_year, pupil.nc_year or "")
            return pupil.dob_date is not None and not first <= pupil.dob_date <= last
        case "SEX-INVALID":
            return pupil.sex not in ("M", "F")
        case "RESULT-INVALID":
            return any(not _accepted(a) for a in pupil.assessments)
        case "RESULT-MISSING":
            required = {a.key for a in CODESET.for_collection(collection) if a.required}
            return not required <= {a.key for a in pupil.assessments}
        case "EYF-A-PARTIAL":
            return "A" in results and set(results) != {"A"}
        case "PHON-MARK-RANGE":
            return any((as_mark(r) or 0) > 40 for r in results)
        case "PHON-MARK-AND-CODE":
            return len(results) == 2 and any(as_mark(r) is None for r in results)
        case "KS1-SCIENCE-PK":
            return pupil.result(CODESET.role("ks1_science").key) in (
                "PK1",
                "PK2",
                "PK3",
                "PK4",
                "EM",
            )
        case "KS1-Q-CODE":
            return "Q" in results
        case "KS2-SCORE-RANGE":
            return any(m is not None and not 80 <= m <= 120 for m in map(as_mark, results))
    return False


def _accepted(assessment) -> bool:
    kind = CODESET.lookup(assessment)
    return kind is not None and kind.results.accepts(assessment.result)


def test_a_rate_is_a_share_of_pupils(files):
    pupils = sum(len(f.pupils) for _, f in files)
    planted = sum(len(f.defects) for _, f in files)
    assert 0.2 <= planted / pupils <= 0.35


def test_defects_are_deterministic():
    config = SynthConfig(schools=3, collection="KS1", seed=5, defects=0.1)
    first = [d for f in generate_la(config) for d in f.defects]
    assert first == [d for f in generate_la(config) for d in f.defects]
