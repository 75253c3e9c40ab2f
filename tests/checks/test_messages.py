"""What a school office reads: the pupil named, what is wrong, and what to change."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import (
    SCHOOL,
    check,
    make_dob,
    make_header,
    make_pupil,
    make_pupils,
    make_result,
    with_result,
)

from keystage.checks.rules.header import laestab_of_name
from keystage.checks.text import valid_results
from keystage.codesets import ResultSet
from keystage.ctf.model import SchoolRef


def only(*args, **kwargs):
    (found,) = check(*args, **kwargs)
    return found


def test_an_invalid_result_names_the_pupil_and_the_valid_results():
    pupil = with_result(make_pupil(surname="Smith", forename="Jack"), "ks1_writing", "EX")
    found = only(pupil)
    assert found.message == (
        f"SMITH, Jack (UPN {pupil.upn}): Writing has 'EX', which is not a valid result. Valid "
        "results are A, EM, EXS, GDS, PK1-PK4 or WTS. Correct it in your MIS and make the "
        "file again."
    )
    assert (found.field, found.pupil, found.upn) == ("KS1 ENG TA WRIT", "SMITH, Jack", pupil.upn)


def test_valid_results_say_marks_and_codes():
    assert valid_results(ResultSet(frozenset("ADLQ"), (0, 40))) == (
        "a whole number from 0 to 40, or A, D, L or Q"
    )
    codes = frozenset({"PK1", "PK2", "PK10", "PK3", "EM"})
    assert valid_results(ResultSet(codes)) == "EM, PK1-PK3 or PK10"


def test_the_wrong_school_is_named_both_ways():
    signed_in = SchoolRef(la="330", estab="2002", name="Elm Road Primary")
    found = only(make_pupil(), school=signed_in)
    assert found.message == (
        "This file was made for Oak Lane Primary (330/2001). You are signed in as Elm Road "
        "Primary (330/2002). Check that you chose the right file, or make the CTF again from "
        "your own MIS."
    )


def test_the_urn_is_compared_only_when_both_sides_have_it():
    assert check(make_pupil(), school=replace(SCHOOL, urn="999999"))[0].code == "HDR-SCHOOL"
    assert check(make_pupil(), school=replace(SCHOOL, urn=None)) == []
    header = make_header(source=replace(SCHOOL, urn=None))
    assert check(make_pupil(), header=header, school=replace(SCHOOL, urn="999999")) == []


def test_file_names_are_read_only_when_conventional():
    assert laestab_of_name("/tmp/3302001_FSP_330LLLL_002.XML") == ("330", "2001")
    assert laestab_of_name("3302001_PHO_330LLLL_001.xml") == ("330", "2001")
    assert laestab_of_name("oak lane ks1.xml") is None
    assert check(make_pupil(), file_name="330200_CTF_330LLLL_001.xml") == []


def test_a_duplicate_names_the_first_pupil_and_line():
    first, second, third = make_pupils("KS1", 3)
    found = check(first, replace(second, upn=first.upn), replace(third, upn=first.upn))
    assert [f.code for f in found] == ["UPN-DUPLICATE", "UPN-DUPLICATE"]
    assert f"the same UPN is given to SMITH, Amy (line {first.line})" in found[0].message
    assert [f.line for f in found] == [second.line, third.line]


def test_dropped_pupils_are_listed_up_to_twenty():
    pupils = make_pupils("KS1", 25)
    previous = {p.upn or "": p for p in pupils}
    found = only(pupils[:2], previous=previous)
    assert found.message.startswith("23 pupils in your previous file")
    assert f"SMITH, Amy ({pupils[2].upn})" in found.message
    assert "and 3 more." in found.message and pupils[24].upn not in found.message


def test_identity_changes_are_listed():
    pupil = make_pupil()
    before = replace(pupil, sex="M", dob="2018-12-01", forename="Amelia")
    found = only(pupil, known={pupil.upn: before})
    assert found.field == "Sex, DOB, Forename"
    assert "sex M (this file: F)" in found.message
    assert "date of birth 2018-12-01 (this file: 2019-01-15)" in found.message


def test_upn_problems_are_explained():
    assert "13 characters" not in only(make_pupil(upn="A3302001")).message.split("(")[0]
    assert "has 8 characters, not 13" in only(make_pupil(upn="A3302001")).message
    assert "characters a UPN cannot have" in only(make_pupil(upn="I330200123001")).message


def test_dob_range_gives_the_range():
    found = only(make_pupil(dob="2017-08-31"))
    assert "outside the usual range for Year 2 (1 September 2018 to 31 August 2019)" in (
        found.message
    )
    reception = only(make_pupil("KS1", nc_year="R", dob=make_dob("2")))
    assert "Reception (1 September 2020 to 31 August 2021)" in reception.message


def test_dob_range_uses_the_collections_year_group_when_the_file_has_none():
    assert check(make_pupil("KS2", nc_year=None), collection="KS2") == []
    year2 = make_pupil("KS2", nc_year=None, dob=make_dob("2"))
    assert only(year2, collection="KS2").code == "DOB-RANGE"


def test_a_recheck_pupil_without_nc_year_is_dated_as_year_2():
    marks = (make_result("phonics_mark", "20", year="2025"), make_result("phonics_mark", "33"))
    pupil = make_pupil("PHON", nc_year=None, dob=make_dob("2"), assessments=marks)
    assert check(pupil, collection="PHON") == []


def test_q_is_the_las_to_apply():
    found = only(with_result(make_pupil(), "ks1_maths", "Q"))
    assert (found.code, found.severity, found.field) == ("KS1-Q-CODE", "query", "KS1 MAT TA MAT")
    assert "applied by the LA, not by schools" in found.message


def test_an_unknown_collection_is_the_callers_mistake():
    with pytest.raises(ValueError, match="unknown collection"):
        check(make_pupil(), collection="ks1")
