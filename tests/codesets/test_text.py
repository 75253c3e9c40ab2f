"""An LA administrator's file: each problem says its line and what to change."""

from __future__ import annotations

import pytest

from keystage import codesets
from keystage.codesets import CodesetError

SHIPPED = codesets.shipped_text("2025-26")


def line_number(text: str, starts: str, nth: int = 1) -> int:
    found = [i for i, line in enumerate(text.splitlines(), start=1) if line.startswith(starts)]
    return found[nth - 1]


def problem(text: str) -> CodesetError:
    with pytest.raises(CodesetError) as raised:
        codesets.parse_text(text, source="mine.toml")
    return raised.value


def test_the_shipped_text_parses_as_the_shipped_table():
    assert codesets.parse_text(SHIPPED) == codesets.load("2025-26")


def test_a_toml_syntax_error_says_its_line_and_how_toml_is_written():
    lines = SHIPPED.splitlines()
    lines[9] = "phonics_threshold = thirty-two"
    found = problem("\n".join(lines))
    assert found.line == 10
    assert "not valid TOML at column 21" in str(found) and "key = value" in str(found)


def test_an_unknown_collection_is_on_its_assessments_line():
    text = SHIPPED.replace('collection = "KS1"', 'collection = "KS3"', 1)
    found = problem(text)
    assert found.line == line_number(
        text, "[[assessment]]", nth=7 + 2 + 1
    )  # 7 EYFSP areas, 2 phonics
    assert "use one of EYFSP, PHON, KS1, KS2" in str(found)


def test_a_code_without_a_meaning_is_on_its_result_sets_line():
    text = SHIPPED.replace('"EXS", "HNM", "A"]', '"EXS", "HNM", "A", "X"]', 1)
    found = problem(text)
    assert found.line == line_number(text, "ks1_science =")
    assert 'add X = "what it means" under [meanings]' in str(found)


def test_a_meaning_of_no_code_is_on_its_own_line():
    text = SHIPPED.replace('HNM = "Has not', 'HMN = "Has not', 1)
    found = problem(text)
    assert found.line == line_number(text, "HMN =")
    assert "check its spelling" in str(found)


def test_a_wrong_start_year_is_on_its_line():
    text = SHIPPED.replace("start_year = 2025", "start_year = 2024", 1)
    found = problem(text)
    assert found.line == line_number(text, "start_year")
    assert "start_year must be 2025" in str(found)


def test_a_missing_key_has_no_line_but_says_what_to_add():
    text = SHIPPED.replace("phonics_threshold = 32\n", "", 1)
    found = problem(text)
    assert found.line is None and "missing key(s) phonics_threshold: add" in str(found)
