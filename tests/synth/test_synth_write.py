"""Writing the LA to disk: the folder layout, byte-identical reruns, files that read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keystage.ctf import upn
from keystage.ctf.reader import read_all
from keystage.ctf.writer import canonical
from keystage.synth import SynthConfig, generate_la, write_big_file, write_la


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.*"))}


@pytest.fixture(scope="module")
def small_la(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("la")
    write_la(out=out, schools=5, collection="ALL", seed=3)
    return out


def test_layout(small_la):
    names = sorted(contents(small_la))
    assert "schools.csv" in names and "defects.json" not in names
    ks1 = sorted(p.name for p in (small_la / "KS1").iterdir())
    assert len(ks1) == 5 and ks1[0].endswith("_CTF_330LLLL_001.xml")
    assert {p.name for p in small_la.iterdir()} == {"schools.csv", "EYFSP", "PHON", "KS1", "KS2"}


def test_same_seed_same_bytes_other_seed_other_bytes(small_la, tmp_path):
    again = tmp_path / "again"
    write_la(out=again, schools=5, collection="ALL", seed=3)
    assert contents(again) == contents(small_la)
    other = tmp_path / "other"
    write_la(out=other, schools=5, collection="ALL", seed=4)
    assert contents(other) != contents(small_la)


def test_parallel_writing_gives_the_same_bytes(small_la, tmp_path):
    write_la(out=tmp_path, schools=5, collection="ALL", seed=3, workers=2)
    assert contents(tmp_path) == contents(small_la)


def test_files_read_back_as_generated(small_la):
    for item in generate_la(SynthConfig(schools=5, collection="ALL", seed=3)):
        header, pupils = read_all(small_la / item.path)
        assert header == item.header
        assert pupils == [canonical(p) for p in item.pupils]


def test_a_config_stands_for_the_settings_and_a_rerun_clears_the_old_files(tmp_path):
    write_la(out=tmp_path, schools=6, collection="ALL", seed=1, defects=0.2)
    assert (tmp_path / "defects.json").exists()
    result = write_la(SynthConfig(schools=2, collection="KS1", seed=1), out=tmp_path)
    assert not (tmp_path / "defects.json").exists()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.xml")) == sorted(
        p.relative_to(tmp_path).as_posix() for p in result.files
    )
    assert "2 schools" in result.summary() and "KS1" in result.summary()


def test_defects_manifest_lists_what_was_planted(tmp_path):
    result = write_la(out=tmp_path, schools=4, collection="ALL", seed=2, defects=0.05)
    manifest = json.loads((tmp_path / "defects.json").read_text(encoding="utf-8"))
    assert manifest == [d.to_json() for d in result.defects]
    assert manifest and all((tmp_path / d["file"]).exists() for d in manifest)
    assert set(manifest[0]) == {"file", "upn", "code", "detail"}


def test_big_file_reaches_its_size_with_valid_unique_upns(tmp_path):
    path = tmp_path / "big.xml"
    count = write_big_file(path, target_mb=2.5, collection="KS1", seed=1)
    assert path.stat().st_size >= 2.5 * 1024 * 1024
    _, pupils = read_all(path)
    assert len(pupils) == count > 900  # more than one allocating school's worth
    upns = [p.upn for p in pupils]
    assert len(set(upns)) == len(upns)
    assert all(upn.status(u) == upn.UPNStatus.VALID for u in upns)
