"""The full 300-school LA, in memory: Birmingham's characteristics and England's outcomes.

Tolerances are a few points: the LA-wide figures are near their targets by construction,
and 300 schools of about 45 pupils each leave little room for chance.
"""

from __future__ import annotations

from collections import Counter
from statistics import mean, pstdev

import pytest

from keystage import codesets
from keystage.codesets.model import as_mark
from keystage.ctf.model import Pupil
from keystage.synth import SchoolFile, SynthConfig, generate_la

CODESET = codesets.load("2025-26")


@pytest.fixture(scope="module")
def la() -> dict[str, list[SchoolFile]]:
    files: dict[str, list[SchoolFile]] = {}
    for item in generate_la(SynthConfig(schools=300, collection="ALL", seed=1)):
        files.setdefault(item.collection, []).append(item)
    return files


def pupils(la: dict[str, list[SchoolFile]], collection: str) -> list[Pupil]:
    return [p for f in la[collection] for p in f.pupils]


def share(items: list[Pupil], test) -> float:
    return sum(1 for p in items if test(p)) / len(items)


ROLE = {a.key: a.role for a in CODESET.assessments}
_RESULTS: dict[int, dict[str, str | None]] = {}


def result(pupil: Pupil, role: str) -> str | None:
    """This year's result for a role (a re-check pupil's last-year mark comes first)."""
    found = _RESULTS.get(id(pupil))
    if found is None:
        found = _RESULTS[id(pupil)] = {ROLE[a.key]: a.result for a in pupil.assessments}
    return found.get(role)


def test_cohort_sizes_and_total(la):
    for collection, files in la.items():
        sizes = [len(f.pupils) for f in files if collection != "PHON"]
        assert all(10 <= n <= 90 for n in sizes), collection
    reception = pupils(la, "EYFSP")
    assert 12_000 <= len(reception) <= 18_000
    sizes = Counter(len(f.pupils) for f in la["KS1"])
    assert sum(sizes.values()) >= 280  # most schools have infants


def test_birmingham_characteristics(la):
    reception = pupils(la, "EYFSP")
    assert 0.28 <= share(reception, lambda p: bool(p.fsm)) <= 0.38
    assert 0.33 <= share(reception, lambda p: p.first_language not in ("ENG", "ENB")) <= 0.45
    assert 0.08 <= share(reception, lambda p: p.sen_provision == "K") <= 0.12
    assert 0.008 <= share(reception, lambda p: p.sen_provision == "E") <= 0.025
    assert 0.47 <= share(reception, lambda p: p.sex == "F") <= 0.52
    groups = Counter((p.ethnicity or "")[0] for p in reception)
    assert groups.most_common(2)[0][0] in ("A", "W")
    assert 0.15 <= Counter(p.ethnicity for p in reception)["APKN"] / len(reception) <= 0.25
    assert share(reception, lambda p: len(p.school_history) > 1) < 0.06


def test_schools_differ(la):
    fsm = [share(f.pupils, lambda p: bool(p.fsm)) for f in la["EYFSP"]]
    assert pstdev(fsm) > 0.08
    gld = [_gld_rate(f.pupils) for f in la["EYFSP"]]
    assert pstdev(gld) > 0.08


def _gld(pupil: Pupil) -> bool:
    return all(result(pupil, goal) == "2" for goal in CODESET.gld)


def _gld_rate(items: list[Pupil]) -> float:
    assessed = [p for p in items if result(p, "elg01") != "A"]
    return share(assessed, _gld) if assessed else 0.0


def test_eyfsp_near_england(la):
    reception = pupils(la, "EYFSP")
    assert 0.64 <= _gld_rate(reception) <= 0.70
    roles = [a.role for a in CODESET.for_collection("EYFSP")]
    assessed = [p for p in reception if result(p, "elg01") != "A"]
    average = mean(sum(result(p, r) == "2" for r in roles) for p in assessed)
    assert 13.6 <= average <= 14.6
    all_a = share(reception, lambda p: result(p, "elg01") == "A")
    assert 0.0005 <= all_a <= 0.01
    # the published gaps point the same way
    girls = _gld_rate([p for p in reception if p.sex == "F"])
    boys = _gld_rate([p for p in reception if p.sex == "M"])
    assert girls > boys + 0.05
    poor = _gld_rate([p for p in reception if p.fsm])
    assert poor < _gld_rate([p for p in reception if not p.fsm]) - 0.05


def test_phonics_near_england(la):
    everyone = pupils(la, "PHON")
    year1 = [p for p in everyone if p.nc_year == "1"]
    counted = [p for p in year1 if result(p, "phonics_mark") not in ("L", None)]
    met = share(counted, lambda p: (as_mark(result(p, "phonics_mark")) or -1) >= 32)
    assert 0.77 <= met <= 0.83
    codes = share(year1, lambda p: as_mark(result(p, "phonics_mark")) is None)
    assert 0.005 <= codes <= 0.04
    rechecks = [p for p in everyone if p.nc_year == "2"]
    assert 0.10 <= len(rechecks) / len(year1) <= 0.25


@pytest.mark.parametrize(
    ("role", "exs", "gds"),
    [("ks1_reading", 0.68, 0.19), ("ks1_writing", 0.60, 0.08), ("ks1_maths", 0.70, 0.16)],
)
def test_ks1_near_england_2023(la, role, exs, gds):
    year2 = pupils(la, "KS1")
    assert abs(share(year2, lambda p: result(p, role) in ("EXS", "GDS")) - exs) <= 0.03
    assert abs(share(year2, lambda p: result(p, role) == "GDS") - gds) <= 0.03


def test_ks1_science_near_england_2023(la):
    assert abs(share(pupils(la, "KS1"), lambda p: result(p, "ks1_science") == "EXS") - 0.79) <= 0.03


def test_ks2_near_england(la):
    year6 = pupils(la, "KS2")

    def score(p: Pupil, role: str) -> int:
        return as_mark(result(p, role)) or 0

    def rwm(p: Pupil) -> bool:
        reading, maths = score(p, "ks2_reading_test"), score(p, "ks2_maths_test")
        return reading >= 100 and maths >= 100 and result(p, "ks2_writing_ta") in ("EXS", "GDS")

    assert 0.57 <= share(year6, rwm) <= 0.65
    for role in ("ks2_reading_test", "ks2_maths_test", "ks2_gps_test"):
        scores = [score(p, role) for p in year6 if score(p, role)]
        assert 103.5 <= mean(scores) <= 107, role
        assert min(scores) >= 80 and max(scores) <= 120
    mtc = [as_mark(result(p, "ks2_mtc")) for p in year6]
    full = sum(1 for m in mtc if m == 25) / len(mtc)
    assert 0.25 <= full <= 0.42
