"""`keystage template` and `keystage validate` on a filled template: the same findings, with
the sheet, row and column added to the stable JSON (fields added, none changed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from template_support import fill

from keystage import codesets
from keystage.cli import main
from keystage.ctf.reader import read_all
from keystage.synth import write_la

CODESET = codesets.load("2025-26")
OLD_FINDING_KEYS = {"code", "severity", "upn", "pupil", "field", "message", "line"}
NEW_FINDING_KEYS = {"location", "sheet", "row", "column"}


@pytest.fixture(scope="module")
def la(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("la")
    write_la(la="330", schools=1, collection="KS1", seed=5, out=out, academic_year="2025-26")
    return out


def test_template_command_writes_the_collections_template(tmp_path, capsys):
    out = tmp_path / "ks1.xlsx"
    status = main(["template", "--collection", "KS1", "--year", "2025-26", "--out", str(out),
                   "--school", "3302001", "--school-name", "Oak Lane Primary"])  # fmt: skip
    assert status == 0 and "KS1" in capsys.readouterr().out
    book = load_workbook(out)
    assert book["Pupils"]["G1"].value == "Reading"
    about = " ".join(str(c.value) for row in book["About"].iter_rows() for c in row if c.value)
    assert "Oak Lane Primary" in about and "3302001" in about


def test_template_command_refuses_a_bad_school_number(tmp_path, capsys):
    status = main(["template", "--collection", "KS1", "--out", str(tmp_path / "x.xlsx"),
                   "--school", "12"])  # fmt: skip
    assert status == 2 and "LAESTAB" in capsys.readouterr().err


def filled_with_mistakes(la: Path, tmp_path: Path) -> Path:
    ctf = next((la / "KS1").glob("*.xml"))
    header, pupils = read_all(ctf)
    blank = tmp_path / "blank.xlsx"
    laestab = header.source.laestab or ""
    assert main(["template", "--collection", "KS1", "--year", "2025-26", "--out", str(blank),
                 "--school", laestab]) == 0  # fmt: skip

    def plant(sheet):
        sheet["D4"] = "31/02/2019"
        sheet["H6"] = "XYZ"

    path = tmp_path / "filled.xlsx"
    path.write_bytes(fill(blank.read_bytes(), pupils, "KS1", CODESET, plant))
    return path


def test_validate_json_gives_each_finding_its_cell(la, tmp_path, capsys):
    path = filled_with_mistakes(la, tmp_path)
    capsys.readouterr()
    status = main(["validate", "--json", str(path)])  # the template's own year, unasked
    assert status == 1
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    assert entry["format"] == "xlsx-template" and entry["collection"] == "KS1"
    by_code = {f["code"]: f for f in entry["findings"]}
    assert set(by_code) == {"TEMPLATE-DATE", "RESULT-INVALID"}
    for finding in entry["findings"]:
        assert set(finding) == OLD_FINDING_KEYS | NEW_FINDING_KEYS
    date = by_code["TEMPLATE-DATE"]
    assert (date["location"], date["sheet"], date["row"], date["column"]) == (
        "Pupils!D4", "Pupils", 4, "D",
    )  # fmt: skip
    assert by_code["RESULT-INVALID"]["location"] == "Pupils!H6"
    assert by_code["RESULT-INVALID"]["line"] == 6


def test_validate_report_names_the_cell(la, tmp_path, capsys):
    path = filled_with_mistakes(la, tmp_path)
    capsys.readouterr()
    assert main(["validate", str(path)]) == 1
    report = capsys.readouterr().out
    assert "TEMPLATE-DATE (Pupils!D4)" in report and "RESULT-INVALID (Pupils!H6)" in report


def test_a_ctf_keeps_its_json_with_the_new_fields_empty(la, capsys):
    ctf = next((la / "KS1").glob("*.xml"))
    content = ctf.read_bytes().replace(b"<Result>EXS</Result>", b"<Result>XYZ</Result>", 1)
    bad = ctf.parent.parent / "bad.xml"
    bad.write_bytes(content)
    main(["validate", "--json", "--year", "2025-26", str(bad)])
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    assert entry["format"] == "ctf" and entry["findings"]
    for finding in entry["findings"]:
        assert finding["location"] is None and finding["row"] is None


def test_validate_refuses_a_zip_that_is_no_workbook(tmp_path, capsys):
    import zipfile

    path = tmp_path / "folder.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert main(["validate", "--json", str(path)]) == 1
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    assert [f["code"] for f in entry["findings"]] == ["TEMPLATE-NOT-XLSX"]
