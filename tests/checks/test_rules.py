"""Every rule with a check: a case it fails on, and a near case it passes.

A failing case raises its own code and nothing else (so precedence between rules is pinned
too); a passing case raises nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import (
    SCHOOL,
    check,
    make_header,
    make_pupil,
    make_pupils,
    make_result,
    with_result,
    without,
)

from keystage.checks import REGISTRY, Finding
from keystage.ctf import upn as upns
from keystage.ctf.model import Assessment, SchoolRef

Case = Callable[[], list[Finding]]
NAMED = "3302001_CTF_330LLLL_001.xml"
ELM_ROAD = SchoolRef(la="330", estab="2002", name="Elm Road Primary")


def _header(**overrides: object) -> Case:
    return lambda: check(make_pupil(), header=make_header(**overrides))


def _pupil(collection: str = "KS1", **overrides: object) -> Case:
    return lambda: check(make_pupil(collection, **overrides), collection=collection)


def _result(collection: str, role: str, value: str | None) -> Case:
    return lambda: check(with_result(make_pupil(collection), role, value), collection=collection)


def _mistyped(upn: str) -> str:
    """The UPN with a check letter that no longer fits."""
    return ("B" if upn[0] == "A" else "A") + upn[1:]


def _phonics(*marks: tuple[str, str], nc_year: str = "2") -> Case:
    results = tuple(make_result("phonics_mark", v, year=y) for y, v in marks)
    pupil = make_pupil("PHON", nc_year=nc_year, assessments=results)
    return lambda: check(pupil, collection="PHON")


def _ks2(**results: str) -> Case:
    pupil = make_pupil("KS2")
    for role, value in results.items():
        pupil = with_result(pupil, role, value)
    return lambda: check(pupil, collection="KS2")


def _stranger(stage: str) -> Case:
    odd = Assessment(stage, "ENG", "TA", "RDG", "TA", result="EXS", year="2026")
    pupil = make_pupil()
    return lambda: check(replace(pupil, assessments=(*pupil.assessments, odd)))


def _twins(same: bool) -> Case:
    first, second = make_pupils("KS1", 2)
    return lambda: check(first, replace(second, upn=first.upn) if same else second)


def _versions(dropped: bool) -> Case:
    first, second = make_pupils("KS1", 2)
    previous = {p.upn or "": p for p in (first, second)}
    return lambda: check(first, *([] if dropped else [second]), previous=previous)


def _corrected(upn_before: str) -> Case:
    """The previous version gave the pupil `upn_before`; this one their right UPN."""
    pupil = make_pupil()
    before = replace(pupil, upn=upn_before)
    return lambda: check(pupil, previous={upn_before: before})


def _known(**changes: object) -> Case:
    pupil = make_pupil()
    return lambda: check(pupil, known={pupil.upn or "": replace(pupil, **changes)})


PASS = _pupil()
CASES: dict[str, tuple[Case, Case]] = {
    "HDR-DOCNAME": (
        _header(document_name="Admissions File"),
        _header(document_name="common transfer  FILE"),
    ),
    "HDR-VERSION": (_header(ctf_version="22.0"), _header(ctf_version="24.0")),
    "HDR-SCHOOL": (
        lambda: check(make_pupil(), school=ELM_ROAD),
        lambda: check(make_pupil(), school=SCHOOL),
    ),
    "HDR-ACYEAR": (_header(source=replace(SCHOOL, academic_year="2024")), PASS),
    "FILE-NAME": (
        lambda: check(make_pupil(), file_name="3302002_CTF_330LLLL_001.xml"),
        lambda: check(make_pupil(), file_name=NAMED),
    ),
    "FILE-EMPTY": (lambda: check([]), PASS),
    "FILE-WRONG-COLLECTION": (lambda: check(make_pupils("EYFSP"), collection="KS1"), PASS),
    "UPN-MISSING": (_pupil(upn=None), PASS),
    "UPN-INVALID": (_pupil(upn=_mistyped(make_pupil().upn or "")), PASS),
    "UPN-TEMPORARY": (_pupil(upn=upns.make("330", "2001", 23, 12, temporary="A")), PASS),
    "UPN-DUPLICATE": (_twins(same=True), _twins(same=False)),
    "NAME-MISSING": (_pupil(surname=None), PASS),
    "FIELD-TOO-LONG": (_pupil(surname="Long" * 25 + "e"), _pupil(surname="Long" * 25)),
    "DOB-INVALID": (_pupil(dob="2019-02-30"), PASS),
    "DOB-RANGE": (_pupil(dob="2017-08-31"), _pupil(dob="2018-09-01")),
    "SEX-INVALID": (_pupil(sex="X"), _pupil(sex="M")),
    "RESULT-MISSING": (lambda: check(without(make_pupil(), "ks1_science")), PASS),
    "RESULT-INVALID": (_result("KS1", "ks1_writing", "EX"), _result("KS1", "ks1_writing", "WTS")),
    "RESULT-UNKNOWN-ASSESSMENT": (_stranger("KS1"), _stranger("KS2")),
    "EYF-A-PARTIAL": (_result("EYFSP", "elg03", "A"), _result("EYFSP", "elg03", "1")),
    "PHON-MARK-AND-CODE": (
        _phonics(("2026", "35"), ("2026", "D"), nc_year="1"),
        _phonics(("2025", "D"), ("2026", "35")),
    ),
    "PHON-MARK-RANGE": (
        _result("PHON", "phonics_mark", "41"),
        _result("PHON", "phonics_mark", "40"),
    ),
    "PHON-Y2-ALREADY-MET": (
        _phonics(("2025", "32"), ("2026", "36")),
        _phonics(("2025", "31"), ("2026", "36")),
    ),
    "KS1-Q-CODE": (_result("KS1", "ks1_reading", "Q"), _result("KS1", "ks1_reading", "A")),
    "KS1-SCIENCE-PK": (_result("KS1", "ks1_science", "PK2"), _result("KS1", "ks1_science", "HNM")),
    "KS2-SCORE-RANGE": (
        _result("KS2", "ks2_reading_test", "121"),
        _result("KS2", "ks2_reading_test", "120"),
    ),
    "KS2-TA-TEST-CLASH": (
        _ks2(ks2_maths_test="103", ks2_maths_ta="PK6"),
        _ks2(ks2_maths_test="B", ks2_maths_ta="PK6"),
    ),
    "VERSION-PUPILS-DROPPED": (_versions(dropped=True), _versions(dropped=False)),
    "VERSION-UPN-CORRECTED": (
        _corrected(_mistyped(make_pupil().upn or "")),
        _corrected(make_pupil().upn or ""),  # the same UPN in both versions: nothing to note
    ),
    "PUPIL-IDENTITY-CHANGED": (_known(dob="2018-12-01"), _known(surname="SMITH ")),
}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"surname": "S" * 101}, "Surname"),
        ({"forename": "F" * 101}, "Forename"),
        ({"nc_year": "Year 2"}, "NCyearActual"),
    ],
)
def test_a_value_longer_than_keystage_keeps_is_named_with_what_to_do(overrides, field):
    found = _pupil(**overrides)()
    assert [(f.code, f.field) for f in found] == [("FIELD-TOO-LONG", field)]
    assert "Correct it in your MIS" in found[0].message


def test_the_longest_values_keystage_keeps_pass():
    assert _pupil(surname="S" * 100, forename="F" * 100, nc_year="N1")() == []


def test_every_rule_with_a_check_has_a_case():
    implemented = {code for code, item in REGISTRY.items() if item.check is not None}
    assert set(CASES) == implemented


@pytest.mark.parametrize("code", CASES)
def test_rule_fails_on_its_case(code):
    failing, _ = CASES[code]
    found = failing()
    assert {f.code for f in found} == {code}, [f.message for f in found]
    assert all(f.message.endswith((".", ")")) for f in found)


@pytest.mark.parametrize("code", CASES)
def test_rule_passes_the_near_case(code):
    _, passing = CASES[code]
    assert [(f.code, f.message) for f in passing()] == []


def test_a_corrected_upn_is_not_a_dropped_pupil_but_a_note():
    """The head fixed an invalid UPN as told: the pupil is the same (names, date of birth)."""
    pupil = make_pupil()
    mistyped = _mistyped(pupil.upn or "")
    before = replace(pupil, upn=mistyped, surname=" smith ")
    found = check(replace(pupil, surname="SMITH"), previous={mistyped: before})
    assert [(f.code, f.severity) for f in found] == [("VERSION-UPN-CORRECTED", "note")]
    assert mistyped in found[0].message and (pupil.upn or "") in found[0].message


def test_a_temporary_upn_made_permanent_is_the_same_pupil():
    pupil = make_pupil()
    temporary = upns.make("330", "2001", 23, 12, temporary="A")
    found = check(pupil, previous={temporary: replace(pupil, upn=temporary)})
    assert [f.code for f in found] == ["VERSION-UPN-CORRECTED"]


def test_another_child_with_a_valid_upn_is_still_a_dropped_pupil():
    pupil = make_pupil()
    mistyped = _mistyped(pupil.upn or "")
    someone_else = replace(pupil, upn=mistyped, dob="2019-01-02")
    found = check(pupil, previous={mistyped: someone_else})
    assert [f.code for f in found] == ["VERSION-PUPILS-DROPPED"]
