"""The DfE return's pure builder: a school's CTF that reads back as the school's, passes the
project's checks and keeps the measures; its name, header and ZIP."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from keystage import codesets
from keystage.checks import Context, run_checks
from keystage.ctf.filename import parse_name
from keystage.ctf.model import Assessment, Header, Pupil, SchoolRef
from keystage.ctf.reader import read_all
from keystage.exports import (
    DFE_LA,
    Producer,
    header_for,
    read_back_errors,
    return_file,
    return_name,
    zip_of,
)
from keystage.measures import compute
from keystage.synth import write_la

CODESET = codesets.load("2025-26")
MADE = Producer(la_name="Test City Council", made_at=dt.datetime(2026, 7, 1, 9, 30), number=4)


@pytest.fixture(scope="module")
def la(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("la")
    write_la(out=folder, la="330", schools=2, collection="ALL", seed=11)
    return folder


def school_files(la: Path, kind: str) -> list[tuple[Header, list[Pupil]]]:
    return [read_all(path) for path in sorted((la / kind).glob("*.xml"))]


@pytest.mark.parametrize("kind", ["EYFSP", "PHON"])
def test_a_return_reads_back_clean_with_the_same_measures(la: Path, kind: str) -> None:
    for header, pupils in school_files(la, kind):
        made = return_file(header.source, pupils, kind, CODESET, MADE)
        back_header, back = read_all(io.BytesIO(made.body))
        context = Context(codeset=CODESET, collection=kind, school=header.source,
                          file_name=made.name)  # fmt: skip
        outcome = run_checks(back_header, back, context)
        assert [f for f in outcome.findings if f.severity == "error"] == []
        assert read_back_errors(made, kind, CODESET) == []
        assert len(back) == len(pupils) == made.pupils
        assert compute(back, kind, CODESET) == compute(pupils, kind, CODESET)
        assert [p.upn for p in back] == [p.upn for p in pupils]


def test_the_header_is_the_schools_from_the_la_to_the_dfe(la: Path) -> None:
    header, _ = school_files(la, "EYFSP")[0]
    school = dataclasses.replace(header.source, academic_year=None)
    made = header_for(school, "EYFSP", CODESET, MADE)
    assert made.source.la == header.source.la and made.source.estab == header.source.estab
    assert made.source.urn == header.source.urn and made.source.academic_year == "2025"
    assert made.dest.la == DFE_LA and made.dest.name == "Department for Education"
    assert "Test City Council" in (made.supplier_id or "")
    assert "Test City Council" in (made.data_descriptor or "")
    assert made.ctf_version == "25.0" and made.date_time == "2026-07-01T09:30:00"


def test_the_name_follows_the_convention() -> None:
    school = SchoolRef(la="330", estab="2001", urn="103210", name="Oak Lane")
    assert return_name(school, 4) == "3302001_CTF_000LLLL_004.xml"
    assert parse_name(return_name(school, 4)) == ("330", "2001")
    with pytest.raises(ValueError, match="LA and establishment"):
        return_name(SchoolRef(name="No numbers"), 1)


def test_only_the_collections_own_results_go(la: Path) -> None:
    header, pupils = school_files(la, "PHON")[0]
    stray = Assessment("KS1", "ENG", "TA", "READ", "TA", "EXS", "ENG", "2026", "R")
    first = dataclasses.replace(pupils[0], assessments=(*pupils[0].assessments, stray))
    made = return_file(header.source, [first, *pupils[1:]], "PHON", CODESET, MADE)
    _, back = read_all(io.BytesIO(made.body))
    assert stray not in back[0].assessments
    assert back[0].assessments == pupils[0].assessments


def test_ks1_and_ks2_are_not_returned_this_way(la: Path) -> None:
    header, pupils = school_files(la, "KS1")[0]
    with pytest.raises(ValueError, match="EYFSP and PHON"):
        return_file(header.source, pupils, "KS1", CODESET, MADE)


def test_read_back_finds_a_file_of_the_wrong_school(la: Path) -> None:
    """The self-check can fail: a file made for one school is not another's."""
    header, pupils = school_files(la, "EYFSP")[0]
    made = return_file(header.source, pupils, "EYFSP", CODESET, MADE)
    other = dataclasses.replace(made, school=SchoolRef(la="330", estab="9999"))
    assert [f.code for f in read_back_errors(other, "EYFSP", CODESET)] == ["HDR-SCHOOL"]
    broken = dataclasses.replace(made, body=made.body[:200])
    assert read_back_errors(broken, "EYFSP", CODESET)


def test_the_zip_holds_every_file_by_name() -> None:
    body = zip_of([("a.xml", b"<a/>"), ("b.csv", b"x,y\r\n")], MADE.made_at)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.namelist() == ["a.xml", "b.csv"]
        assert archive.read("b.csv") == b"x,y\r\n"
        assert archive.getinfo("a.xml").date_time == (2026, 7, 1, 9, 30, 0)


def test_the_builders_never_import_django() -> None:
    code = "import sys, keystage.exports; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
