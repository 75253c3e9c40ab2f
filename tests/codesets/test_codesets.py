"""The code tables: loaded from data, strict about their schema, never a crash on the unknown."""

from __future__ import annotations

import copy
import datetime as dt
import re
import tomllib
from importlib import resources

import pytest

from keystage import codesets
from keystage.codesets import CodesetError
from keystage.codesets.load import parse, parse_text
from keystage.ctf.model import Assessment, AssessmentKey


def raw(year: str = "2025-26") -> dict:
    path = resources.files("keystage.codesets").joinpath("data", f"{year}.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_every_shipped_year_loads():
    assert codesets.available_years() == ("2024-25", "2025-26", "2026-27")
    for year in codesets.available_years():
        table = codesets.load(year)
        assert table.academic_year == year
        assert table.start_year == int(year[:4])
    for year in ("2024-25", "2025-26"):
        table = codesets.load(year)
        assert table.ctf_versions[0] == f"{(table.start_year) % 100}.0"


def test_2026_27_carries_over_2025_26_with_its_ctf_versions_and_threshold():
    """Until the LA loads its own: the same codes, CTF versions and phonics threshold."""
    last, new = codesets.load("2025-26"), codesets.load("2026-27")
    assert (new.start_year, new.assessment_year) == (2026, "2027")
    assert new.ctf_versions == last.ctf_versions == ("25.0", "24.0")
    assert new.phonics_threshold == last.phonics_threshold == 32
    assert new.assessments == last.assessments and new.meanings == last.meanings


def test_loaded_once_and_immutable():
    table = codesets.load("2025-26")
    assert codesets.load("2025-26") is table
    with pytest.raises(AttributeError):
        table.phonics_threshold = 30  # type: ignore[misc]
    with pytest.raises(TypeError):
        table.codes["la_only"] = frozenset()  # type: ignore[index]


def test_the_collections_hold_the_reference_tuples():
    table = codesets.load("2025-26")
    assert len(table.for_collection("EYFSP")) == 17
    assert [a.role for a in table.for_collection("KS1")] == [
        "ks1_reading",
        "ks1_writing",
        "ks1_maths",
        "ks1_science",
    ]
    assert table.role("phonics_mark").results.accepts("40")
    assert not table.role("phonics_mark").results.accepts("41")
    assert table.role("phonics_mark").results.accepts("D")
    assert table.role("ks2_reading_test").results.accepts("120")
    assert not table.role("ks2_reading_test").results.accepts("79")
    assert table.role("ks1_science").results.accepts("HNM")
    assert not table.role("ks1_science").results.accepts("PK4")
    assert table.gld == tuple(f"elg{n:02d}" for n in range(1, 13))
    assert table.phonics_threshold == 32


def test_an_unknown_tuple_is_none_not_a_crash():
    table = codesets.load("2025-26")
    assert table.lookup(AssessmentKey("KS1", "ENG", "TA", "RDG", "TA")) is None
    assert table.lookup(Assessment(stage="KS9")) is None


def test_aliases_map_to_the_tables_own_spelling():
    table = codesets.load("2025-26")
    assert table.lookup(AssessmentKey("FSP", "COM", "TA", "G01", "EL")) == table.role("elg01")
    local = table.with_aliases({"component": {"RDG": "READ"}})
    assert local.lookup(AssessmentKey("KS1", "ENG", "TA", "RDG", "TA")) == local.role("ks1_reading")
    assert table.lookup(AssessmentKey("KS1", "ENG", "TA", "RDG", "TA")) is None  # unchanged
    with pytest.raises(CodesetError):
        table.with_aliases({"colour": {"a": "b"}})


def test_year_for_a_date():
    assert codesets.year_for(dt.date(2026, 6, 26)) == "2025-26"
    assert codesets.year_for(dt.date(2026, 9, 1)) == "2026-27"
    assert codesets.year_for(dt.date(2099, 12, 31)) == "2099-00"


def test_an_unknown_year_is_refused_with_the_years_there_are():
    with pytest.raises(CodesetError, match="2024-25, 2025-26, 2026-27"):
        codesets.load("1999-00")


@pytest.mark.parametrize(
    ("mutate", "complaint"),
    [
        (lambda d: d.update(colour="red"), "unknown key"),
        (lambda d: d.pop("phonics_threshold"), "missing key"),
        (lambda d: d["assessment"][0].update(colour="red"), "unknown key"),
        (lambda d: d["assessment"][0].update(collection="KS3"), "unknown collection"),
        (lambda d: d["assessment"][0].update(results="nope"), "unknown result set"),
        (lambda d: d["results"]["elg"].update(marks=[1]), "marks"),
        (lambda d: d["assessment"].append(d["assessment"][0]), "declared twice"),
        (lambda d: d.update(gld=["ELG99"]), "unknown goals"),
        (lambda d: d["aliases"].update(colour={}), "unknown field"),
        (lambda d: d.pop("meanings"), "missing key"),
        (lambda d: d["meanings"].pop("HNM"), "'HNM' has no meaning"),
        (lambda d: d["meanings"].update(ZZ="Zed"), "'ZZ' is not a code of any result set"),
        (lambda d: d["meanings"]["elg"].update(GDS="Deep"), "'GDS' is not a code of that"),
        (lambda d: d["meanings"].update(nope={}), r"\[meanings.nope\] names no result set"),
        (lambda d: d["meanings"].update(A=""), "write what 'A' means"),
        (lambda d: d.update(academic_year="2025/26"), "written like"),
        (lambda d: d.update(academic_year="2025-27"), "written like"),
        (lambda d: d.update(start_year=2024), "start_year must be 2025"),
        (lambda d: d.update(assessment_year="2025"), 'assessment_year must be "2026"'),
        (lambda d: d.update(ctf_versions=[]), "ctf_versions must list"),
        (lambda d: d.update(phonics_threshold="32"), "phonics_threshold must be a whole"),
    ],
)
def test_the_schema_is_strict(mutate, complaint):
    data = copy.deepcopy(raw())
    mutate(data)
    with pytest.raises(CodesetError, match=complaint):
        parse(data)


@pytest.mark.parametrize(("older", "newer"), [("2024-25", "2025-26"), ("2025-26", "2026-27")])
def test_each_year_differs_from_the_one_before_only_in_its_dates_and_versions(older, newer):
    before, after = raw(older), raw(newer)
    for key in ("academic_year", "start_year", "assessment_year", "ctf_versions"):
        before.pop(key), after.pop(key)
    assert before == after


def test_every_code_of_every_shipped_table_says_what_it_means():
    for year in codesets.available_years():
        table = codesets.load(year)
        for assessment in table.assessments:
            meant = dict(table.meanings_of(assessment))
            assert set(meant) == set(assessment.results.codes), (year, assessment.role)
            assert all(len(text) > 3 for text in meant.values())
    table = codesets.load("2025-26")
    assert dict(table.meanings_of(table.role("elg01")))["A"].startswith("Not assessed")
    assert dict(table.meanings_of(table.role("ks2_reading_test")))["A"].startswith("Absent")


def test_a_mark_is_plain_decimal_digits_only():
    """'²' and '٣' are digits to Python's isdigit but no mark a file can mean: a code."""
    from keystage.codesets.model import as_mark

    assert [as_mark(v) for v in ("32", "0", "²", "٣", "3.5", "", None)] == [
        32,
        0,
        None,
        None,
        None,
        None,
        None,
    ]


def test_a_table_without_a_code_set_the_checks_need_is_refused() -> None:
    """Else it would load, be published, and then fail every check of its year."""
    whole = codesets.shipped_text("2026-27")
    assert parse_text(whole).code_set("sex") == {"M", "F"}
    without = re.sub(r"(?m)^sex = .*\n", "", whole)
    with pytest.raises(CodesetError, match="no sex: the checks need"):
        parse_text(without)
