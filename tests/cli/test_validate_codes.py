"""`keystage validate --codes FILE`: the code tables downloaded from the portal, used instead of
the shipped ones, so the offline check is the portal's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from codetable_support import table_text, without_exs_in_ks1

from keystage.cli import main
from keystage.cli_inputs import missing_year_note
from keystage.synth import write_la


@pytest.fixture(scope="module")
def ks1_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("la")
    write_la(la="330", schools=1, collection="KS1", seed=7, out=out, academic_year="2025-26")
    return next((out / "KS1").glob("*.xml"))


def invalid_results(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    status = main(["validate", "--json", *args])
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    assert status == (1 if any(f["severity"] == "error" for f in findings) else 0)
    return [f for f in findings if f["code"] == "RESULT-INVALID"]


def test_the_shipped_tables_accept_exs(ks1_file, capsys):
    assert invalid_results(capsys, "--year", "2025-26", str(ks1_file)) == []


def test_a_codes_file_is_used_instead_of_the_shipped_tables(ks1_file, tmp_path, capsys):
    codes = tmp_path / "keystage-codes-2025-26.toml"
    codes.write_text(without_exs_in_ks1(table_text("2025-26")), encoding="utf-8")
    found = invalid_results(capsys, "--codes", str(codes), str(ks1_file))
    assert found and all("EXS" in f["message"] for f in found)


def test_a_broken_codes_file_is_a_usage_error_with_its_line(ks1_file, tmp_path, capsys):
    codes = tmp_path / "codes.toml"
    codes.write_text(table_text().replace("phonics_threshold = 32", "phonics_threshold = "))
    assert main(["validate", "--codes", str(codes), str(ks1_file)]) == 2
    said = capsys.readouterr().err
    assert "--codes, line 9: " in said and "not valid TOML at column 21" in said


def test_a_codes_file_of_another_year_than_year_says_so(ks1_file, tmp_path, capsys):
    codes = tmp_path / "codes.toml"
    codes.write_text(table_text("2027-28"))
    assert main(["validate", "--codes", str(codes), "--year", "2025-26", str(ks1_file)]) == 2
    assert "holds the 2027-28 code tables, but --year says 2025-26" in capsys.readouterr().err


def test_a_missing_codes_file_is_a_usage_error(ks1_file, tmp_path, capsys):
    assert main(["validate", "--codes", str(tmp_path / "none.toml"), str(ks1_file)]) == 2
    assert "No such file" in capsys.readouterr().err


def test_no_tables_for_this_year_is_said_not_hidden():
    assert missing_year_note(dt.date(2026, 12, 5)) is None  # 2026-27 is shipped
    note = missing_year_note(dt.date(2031, 6, 1))
    assert note is not None and "no code tables for 2030-31" in note and "--codes FILE" in note
