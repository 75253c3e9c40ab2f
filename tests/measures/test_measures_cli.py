"""`keystage measures`: the stable JSON shape, the table, pooled files and refused files."""

from __future__ import annotations

import json

from measure_builders import HEADER, ks1, pupil, result

from keystage.ctf.writer import to_bytes
from keystage.measures.cli import run

KS1_PUPILS = [
    ks1(1, "EXS", "EXS", "EXS", "EXS"),
    ks1(2, "GDS", "WTS", "EXS", "EXS"),
    ks1(3, "WTS", "WTS", "PK4", "HNM"),
    ks1(4, "L", "L", "L", "L"),
]


def write(path, pupils):
    path.write_bytes(to_bytes(HEADER, pupils))
    return str(path)


def test_json_shape(tmp_path, capsys):
    path = write(tmp_path / "3302001_CTF_330LLLL_001.xml", KS1_PUPILS)
    assert run([path], json_out=True, collection=None, year="2025-26") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["collection"] == "KS1"
    assert out["academic_year"] == "2025-26"
    assert out["pupils"] == 4
    first = out["measures"][0]
    assert {k: first[k] for k in ("measure", "group", "numerator", "denominator", "percent")} == {
        "measure": "ks1_reading_exs_plus",
        "group": "all",
        "numerator": 2,
        "denominator": 3,
        "percent": 66.7,
    }
    assert first["small"] is True  # 3 pupils: marked, not hidden
    assert first["suppressed"] is False
    names = {m["measure"] for m in out["measures"]}
    assert "ks1_rwm_exs_plus" in names


def test_json_average_shape(tmp_path, capsys):
    pupils = [pupil(n, result("ks2_reading_test", str(100 + n)), nc_year="6") for n in range(3)]
    path = write(tmp_path / "ks2.xml", pupils)
    assert run([path], json_out=True, collection=None, year="2025-26") == 0
    out = json.loads(capsys.readouterr().out)
    average = next(
        m
        for m in out["measures"]
        if m["measure"] == "ks2_reading_avg_score" and m["group"] == "all"
    )
    assert {k: average[k] for k in ("measure", "group", "value", "denominator")} == {
        "measure": "ks2_reading_avg_score",
        "group": "all",
        "value": 101.0,
        "denominator": 3,
    }
    assert "percent" not in average


def test_several_files_are_pooled(tmp_path, capsys):
    one = write(tmp_path / "a.xml", KS1_PUPILS[:3])
    two = write(tmp_path / "b.xml", [ks1(n, "EXS", "EXS", "EXS", "EXS") for n in range(10, 13)])
    assert run([one, two], json_out=True, collection=None, year="2025-26") == 0
    out = json.loads(capsys.readouterr().out)
    first = out["measures"][0]
    assert (first["numerator"], first["denominator"], first["percent"]) == (5, 6, 83.3)
    assert out["pupils"] == 6


def test_a_folder_stands_for_its_xml_files(tmp_path, capsys):
    write(tmp_path / "a.xml", KS1_PUPILS)
    (tmp_path / "defects.json").write_text("[]")
    assert run([str(tmp_path)], json_out=True, collection=None, year="2025-26") == 0
    assert json.loads(capsys.readouterr().out)["pupils"] == 4


def test_refused_file_exit_1_with_a_message(tmp_path, capsys):
    good = write(tmp_path / "good.xml", KS1_PUPILS)
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><CTfile/>')
    assert run([good, str(bad)], json_out=True, collection=None, year="2025-26") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "bad.xml: refused" in captured.err
    assert "1 of 2 files refused" in captured.err


def test_files_of_two_collections_need_collection(tmp_path, capsys):
    ks1_file = write(tmp_path / "ks1.xml", KS1_PUPILS)
    reception = [pupil(1, result("elg01", "2"), nc_year="R")]
    eyfsp_file = write(tmp_path / "eyfsp.xml", reception)
    assert run([ks1_file, eyfsp_file], json_out=True, collection=None, year="2025-26") == 2
    assert "more than one collection" in capsys.readouterr().err
    assert run([ks1_file, eyfsp_file], json_out=True, collection="KS1", year="2025-26") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["collection"] == "KS1"
    assert out["measures"][0]["denominator"] == 3  # the Reception child adds nothing


def test_usage_problems_exit_2(tmp_path, capsys):
    path = write(tmp_path / "a.xml", KS1_PUPILS)
    assert run([str(tmp_path / "nope.xml")], json_out=False, collection=None, year=None) == 2
    assert run([path], json_out=False, collection=None, year="1999-00") == 2
    assert run([path], json_out=False, collection="KS3", year=None) == 2
    err = capsys.readouterr().err
    assert "no such file" in err
    assert "no code table for 1999-00" in err
    assert "unknown collection" in err


def test_plain_table(tmp_path, capsys):
    path = write(tmp_path / "a.xml", KS1_PUPILS)
    assert run([path], json_out=False, collection=None, year="2025-26") == 0
    out = capsys.readouterr().out
    assert "KS1" in out
    line = next(
        x for x in out.splitlines() if x.startswith("ks1_reading_exs_plus") and " all " in x
    )
    assert "66.7%" in line
    assert "2 of 3" in line
    assert line.endswith("*")  # a small group


def test_phonics_table_carries_the_note(tmp_path, capsys):
    pupils = [pupil(1, result("phonics_mark", "33"), nc_year="1")]
    path = write(tmp_path / "phon.xml", pupils)
    assert run([path], json_out=False, collection=None, year="2025-26") == 0
    assert "Note (phon_recheck_met): Re-check only" in capsys.readouterr().out


def test_a_pupil_in_two_files_is_counted_twice_with_a_note(tmp_path, capsys):
    one = write(tmp_path / "a.xml", KS1_PUPILS)
    two = write(tmp_path / "b.xml", KS1_PUPILS[:1])
    assert run([one, two], json_out=True, collection=None, year="2025-26") == 0
    captured = capsys.readouterr()
    assert "1 UPN(s) appear more than once" in captured.err
    assert json.loads(captured.out)["measures"][0]["denominator"] == 4
