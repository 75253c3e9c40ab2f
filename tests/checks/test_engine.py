"""The run as a whole: streaming, inferring the collection, order and precedence."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import replace

from builders import (
    CODESET,
    check,
    codes,
    make_header,
    make_pupil,
    make_pupils,
    make_result,
    run,
    with_result,
    without,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from keystage.checks import Context, engine, infer_collection, run_checks
from keystage.ctf.model import Assessment, Pupil


class TrackedPupil(Pupil):
    """A pupil that can be watched with a weak reference (Pupil itself has slots)."""


def test_pupils_are_streamed_not_held():
    alive = [0]
    most = [0]

    def pupils() -> Iterator[Pupil]:
        for serial in range(1, 301):
            pupil = TrackedPupil(**_fields(make_pupil("KS1", serial=serial)))
            alive[0] += 1
            weakref.finalize(pupil, lambda: alive.__setitem__(0, alive[0] - 1))
            most[0] = max(most[0], alive[0])
            yield pupil

    outcome = run_checks(make_header(), pupils(), Context(codeset=CODESET, collection=None))
    assert (outcome.collection, outcome.pupils, outcome.findings) == ("KS1", 300, [])
    assert most[0] <= 5  # the pupil being checked and a few in flight, never the file


def _fields(pupil: Pupil) -> dict[str, object]:
    return {name: getattr(pupil, name) for name in Pupil.__dataclass_fields__}


def test_the_collection_is_inferred_from_the_first_pupil_with_results():
    first = make_pupil("PHON", serial=1, assessments=())
    outcome = run(first, make_pupils("PHON", 2, first=2), collection=None)
    assert outcome.collection == "PHON"
    assert [f.code for f in outcome.findings] == ["RESULT-MISSING"]  # the first, replayed
    assert outcome.findings[0].upn == first.upn


def test_a_file_never_inferred_has_no_collection_and_no_results_checks(monkeypatch):
    bare = make_pupils("KS1", 3, assessments=())
    outcome = run(bare, collection=None)
    assert (outcome.collection, [f.code for f in outcome.findings]) == (None, ["FILE-EMPTY"])
    monkeypatch.setattr(engine, "MAX_BUFFERED", 2)  # gives up rather than hold the file
    outcome = run(bare, make_pupils("KS1", 1, first=9), collection=None)
    assert outcome.collection is None and outcome.pupils == 4


def test_infer_collection_prefers_this_years_results():
    pupil = make_pupil("KS1")
    profile = [replace(a, year="2023") for a in make_pupil("EYFSP").assessments]
    assert infer_collection(pupil, CODESET) == "KS1"
    assert infer_collection(make_pupil("EYFSP", assessments=tuple(profile)), CODESET) == "EYFSP"
    mixed = replace(pupil, assessments=(*profile, *pupil.assessments))  # 17 old goals, 4 KS1
    assert infer_collection(mixed, CODESET) == "KS1"
    assert infer_collection(make_pupil("KS1", assessments=()), CODESET) is None


def test_findings_are_errors_then_queries_file_first_then_pupils_in_order():
    first = make_pupil(serial=1, sex="X", upn="A330200123001")  # invalid UPN too
    second = make_pupil(serial=2, dob="2010-01-01")  # a query
    third = make_pupil(serial=3, surname=None)
    found = check(first, second, third, header=make_header(ctf_version="19.0"), school=None)
    assert [(f.severity, f.code, f.upn) for f in found] == [
        ("error", "UPN-INVALID", first.upn),
        ("error", "SEX-INVALID", first.upn),
        ("error", "NAME-MISSING", third.upn),
        ("query", "HDR-VERSION", None),
        ("query", "DOB-RANGE", second.upn),
    ]
    assert found[0].line == first.line and found[0].pupil == "SMITH, Amy"


def test_a_wrong_collection_is_one_finding_not_one_per_pupil():
    found = check(make_pupils("EYFSP", 5), collection="KS1")
    assert [f.code for f in found] == ["FILE-WRONG-COLLECTION"]
    assert "Early Years Foundation Stage Profile results, not Key Stage 1" in found[0].message


def test_results_of_another_collection_are_left_alone():
    pupil = make_pupil("KS1")
    marks = (make_result("phonics_mark", "41"), make_result("phonics_mark", "Wa"))
    assert check(replace(pupil, assessments=(*pupil.assessments, *marks))) == []


def test_no_results_of_the_collection_is_one_missing_finding_per_pupil():
    pupils = [make_pupil("KS2", serial=1, assessments=()), *make_pupils("KS2", 1, first=2)]
    found = check(pupils, collection="KS2")
    assert [f.code for f in found] == ["RESULT-MISSING"]
    assert "has no Key Stage 2 results" in found[0].message


def test_ks2_needs_one_of_test_or_teacher_assessment():
    pupil = without(make_pupil("KS2"), "ks2_reading_test")
    (found,) = check(pupil, collection="KS2")
    assert found.code == "RESULT-MISSING" and "no reading result" in found.message
    assert codes(with_result(pupil, "ks2_reading_ta", "PK6"), collection="KS2") == []


def test_unknown_tuples_are_reported_once_per_file_with_a_count():
    odd = Assessment("KS1", "ENG", "TA", "RDG", "TA", result="EXS")
    pupils = [replace(p, assessments=(*p.assessments, odd)) for p in make_pupils("KS1", 4)]
    (found,) = check(pupils)
    assert found.code == "RESULT-UNKNOWN-ASSESSMENT" and found.upn is None
    assert "4 results are for the assessment KS1 ENG TA RDG (TA)" in found.message
    assert found.field == "KS1 ENG TA RDG" and found.line is None
    assert f"at line {pupils[0].line}" in found.message


def test_with_no_collection_every_unknown_tuple_is_shown():
    odd = Assessment("XX", "ENG", "TA", "RDG", "TA", result="EXS")
    found = codes(make_pupil(assessments=(odd,)), collection=None)
    assert sorted(found) == ["FILE-EMPTY", "RESULT-UNKNOWN-ASSESSMENT"]


def test_aliases_count_as_the_tuple_they_stand_for():
    pupil = make_pupil("EYFSP")
    aliased = tuple(
        replace(a, component=a.component.replace("ELG", "E")) for a in pupil.assessments
    )
    assert check(replace(pupil, assessments=aliased), collection=None) == []


def test_phonics_recheck_without_years_takes_file_order():
    marks = (make_result("phonics_mark", "35"), make_result("phonics_mark", "38"))
    pupil = make_pupil("PHON", nc_year="2", assessments=tuple(replace(a, year=None) for a in marks))
    assert codes(pupil, collection="PHON") == ["PHON-Y2-ALREADY-MET"]


_text = st.one_of(st.none(), st.text(max_size=14))


@settings(max_examples=60, deadline=None)
@given(
    upn=_text,
    dob=_text,
    sex=_text,
    nc_year=_text,
    result=_text,
    year=_text,
    collection=st.sampled_from([None, "EYFSP", "PHON", "KS1", "KS2"]),
)
def test_rules_never_raise(upn, dob, sex, nc_year, result, year, collection):
    pupil = make_pupil("KS2", upn=upn, dob=dob, sex=sex, nc_year=nc_year)
    pupil = with_result(pupil, "ks2_reading_test", result, year=year)
    pupil = with_result(pupil, "phonics_mark", result, year=year)
    outcome = run(pupil, pupil, collection=collection, previous={"x": pupil}, known={upn: pupil})
    assert all(f.severity in ("error", "query") for f in outcome.findings)


def test_unknown_tuples_past_twenty_are_counted_not_listed():
    odd = tuple(Assessment("KS1", "ENG", "TA", f"X{n:02d}", "TA", result="EXS") for n in range(25))
    pupil = make_pupil()
    found = check(replace(pupil, assessments=(*pupil.assessments, *odd)))
    assert [f.code for f in found] == ["RESULT-UNKNOWN-ASSESSMENT"] * 21
    assert found[-1].message.startswith("5 more results are for assessments")
