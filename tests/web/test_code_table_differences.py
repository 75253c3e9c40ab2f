"""What differs between two code tables, as the LA administrator reads it before publishing."""

from __future__ import annotations

from codetable_support import table_text

from keystage import codesets
from keystage.web.codetables.differences import differences

BEFORE = codesets.load("2025-26")


def after(text: str) -> codesets.Codeset:
    return codesets.parse_text(text)


def test_the_same_tables_have_no_differences():
    assert differences(BEFORE, codesets.load("2026-27")).none


def test_a_marks_range_a_meaning_and_a_group_changed_are_each_said():
    text = (
        table_text()
        .replace("phonics_mark = { marks = [0, 40]", "phonics_mark = { marks = [0, 45]")
        .replace('HNM = "Has not met the expected standard"', 'HNM = "Not met"')
        .replace('greater_depth = ["GDS"]', 'greater_depth = ["GDS", "EXS"]')
        .replace('gld = ["ELG01", ', "gld = [")
    )
    found = differences(BEFORE, after(text))
    (phonics,) = [c for c in found.results if c.assessment.role == "phonics_mark"]
    assert phonics.summary == "marks 0 to 40, now 0 to 45"
    science = next(c for c in found.results if c.assessment.role == "ks1_science")
    assert science.summary == "meaning of HNM: “Has not met the expected standard”, now “Not met”"
    assert found.groups == ["greater_depth: GDS, now EXS, GDS"]
    assert found.settings[0].startswith("Goals of a good level of development: ELG01, ELG02")
    assert not found.added and not found.removed


def test_codes_added_and_removed_are_said_together():
    text = table_text().replace(
        'ks1_science = { codes = ["EXS", "HNM", "A"] }',
        'ks1_science = { codes = ["EXS", "A", "L"] }',
    )
    changes = differences(BEFORE, after(text)).results
    science = next(c for c in changes if c.assessment.role == "ks1_science")
    assert science.summary == "codes added L; codes removed HNM"
