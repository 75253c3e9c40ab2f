"""`keystage validate` and `keystage synth`: the stable interface, end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from keystage.cli import main
from keystage.synth import write_la

FILE_KEYS = {
    "path",
    "collection",
    "school",
    "ctf_version",
    "pupils",
    "errors",
    "queries",
    "findings",
}
FINDING_KEYS = {"code", "severity", "upn", "pupil", "field", "message"}


@pytest.fixture(scope="module")
def clean_la(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("la")
    write_la(la="330", schools=3, collection="ALL", seed=7, out=out, academic_year="2025-26")
    return out


@pytest.fixture(scope="module")
def defective_la(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bad")
    write_la(
        la="330", schools=3, collection="KS1", seed=8, out=out, defects=0.3, academic_year="2025-26"
    )
    return out


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    status = main(["validate", "--json", "--year", "2025-26", *args])
    return status, json.loads(capsys.readouterr().out)


def ks1_files(la: Path) -> list[Path]:
    return sorted((la / "KS1").glob("*.xml"))


def test_clean_file_exits_0_with_the_stable_shape(clean_la, capsys):
    path = ks1_files(clean_la)[0]
    status, out = run_json(capsys, str(path))
    assert status == 0
    (entry,) = out["files"]
    assert set(entry) >= FILE_KEYS
    assert entry["collection"] == "KS1"  # inferred from the content
    assert entry["school"]["la"] == "330" and len(entry["school"]["estab"]) == 4
    assert set(entry["school"]) >= {"la", "estab", "urn", "name"}
    assert entry["ctf_version"] == "25.0"
    assert entry["pupils"] > 0
    assert entry["errors"] == 0
    assert [f for f in entry["findings"] if f["severity"] == "error"] == []


def test_each_collection_is_inferred(clean_la, capsys):
    for collection in ("EYFSP", "PHON", "KS1", "KS2"):
        path = sorted((clean_la / collection).glob("*.xml"))[0]
        status, out = run_json(capsys, str(path))
        assert (status, out["files"][0]["collection"]) == (0, collection)


def test_planted_defects_give_errors_and_exit_1(defective_la, capsys):
    status, out = run_json(capsys, "--collection", "KS1", *map(str, ks1_files(defective_la)))
    assert status == 1
    findings = [f for entry in out["files"] for f in entry["findings"]]
    assert findings and all(set(f) >= FINDING_KEYS for f in findings)
    for entry in out["files"]:
        assert entry["errors"] == sum(f["severity"] == "error" for f in entry["findings"])
    manifest = json.loads((defective_la / "defects.json").read_text())
    planted = {(d["upn"], d["code"]) for d in manifest}
    found = {(f["upn"], f["code"]) for f in findings}
    assert planted <= found


def test_a_hostile_file_is_one_entry_with_a_file_level_error(tmp_path, capsys):
    hostile = tmp_path / "laughs.xml"
    hostile.write_text(
        '<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY a "aaaa">]><CTfile>&a;</CTfile>'
    )
    status, out = run_json(capsys, str(hostile))
    assert status == 1
    (entry,) = out["files"]
    assert set(entry) >= FILE_KEYS
    (finding,) = entry["findings"]
    assert finding["code"] == "FILE-HOSTILE" and finding["upn"] is None
    assert entry["pupils"] == 0


def test_a_file_for_another_school_is_refused(clean_la, capsys):
    path = ks1_files(clean_la)[0]
    status, out = run_json(capsys, "--school", "3309999", str(path))
    assert status == 1
    codes = [f["code"] for f in out["files"][0]["findings"]]
    assert "HDR-SCHOOL" in codes


def test_wrong_collection(clean_la, capsys):
    path = sorted((clean_la / "EYFSP").glob("*.xml"))[0]
    status, out = run_json(capsys, "--collection", "KS1", str(path))
    assert status == 1
    assert [f["code"] for f in out["files"][0]["findings"]] == ["FILE-WRONG-COLLECTION"]


def test_plain_report_groups_by_pupil_with_errors_first(defective_la, capsys):
    status = main(["validate", "--year", "2025-26", *map(str, ks1_files(defective_la))])
    text = capsys.readouterr().out
    assert status == 1
    assert "errors" in text and "(UPN " in text
    # Within the report, pupils with errors are listed before pupils with queries only.
    for block in text.split("\n\n"):
        lines = [
            ln.strip() for ln in block.splitlines() if ln.strip().startswith(("ERROR", "QUERY"))
        ]
        severities = [ln.split()[0] for ln in lines]
        assert severities == sorted(severities)  # ERROR sorts before QUERY


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "/no/such/file.xml"],
        ["validate", "--collection", "KS3", "x.xml"],
        ["validate", "--school", "12", "x.xml"],
        ["validate", "--year", "1999-00", "x.xml"],
        ["validate"],
        ["synth", "--out", "o", "--defects", "2"],
        ["synth", "--out", "o", "--la", "33"],
    ],
)
def test_usage_problems_exit_2(args, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.xml").write_text("<CTfile/>")
    try:
        status = main(args)
    except SystemExit as stop:  # argparse's own usage errors
        status = int(stop.code or 0)
    assert status == 2
    assert "Traceback" not in capsys.readouterr().err


def test_the_console_command_is_installed(clean_la):
    keystage = Path(sys.executable).with_name("keystage")
    path = ks1_files(clean_la)[0]
    done = subprocess.run(
        [str(keystage), "validate", "--json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"][0]["pupils"] > 0


def test_synth_command_writes_an_la(tmp_path, capsys):
    status = main(
        [
            "synth",
            "--la",
            "330",
            "--schools",
            "2",
            "--collection",
            "KS1",
            "--seed",
            "1",
            "--out",
            str(tmp_path),
            "--year",
            "2025-26",
        ]
    )
    assert status == 0
    assert len(list((tmp_path / "KS1").glob("330*_CTF_330LLLL_001.xml"))) == 2
    assert (tmp_path / "schools.csv").exists()


@pytest.mark.parametrize(
    ("declared", "codec", "bom"),
    [("windows-1252", "cp1252", b""), ("UTF-16", "utf-16-le", b"\xff\xfe")],
)
def test_a_file_in_another_encoding_gives_what_its_utf8_twin_gives(
    defective_la, tmp_path, capsys, declared, codec, bom
):
    """Schools' MIS may write Windows-1252 or UTF-16: validate reads them as they declare."""
    text = ks1_files(defective_la)[0].read_text(encoding="utf-8")
    text = text.replace("<Forename>", "<Forename>Ren\u00e9e O\u2019Brien\u2013", 2)
    twin = tmp_path / "utf8.xml"
    twin.write_text(text, encoding="utf-8")
    other = tmp_path / f"{codec}.xml"
    other.write_bytes(bom + text.replace('"UTF-8"', f'"{declared}"', 1).encode(codec))
    _, expected = run_json(capsys, str(twin))
    status, out = run_json(capsys, str(other))
    (entry,), (wanted,) = out["files"], expected["files"]
    assert status == 1 and entry["pupils"] == wanted["pupils"] > 0
    assert entry["findings"] == wanted["findings"] and wanted["findings"]
