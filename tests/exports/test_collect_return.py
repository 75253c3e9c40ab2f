"""The COLLECT return files: the envelope and blocks as dfe-returns §2.4 describes them, the
names, and the round trip: a file read back gives the same children and the same headline
figures as the pupils it was made from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from keystage import codesets
from keystage.checks.rules import pupil as pupil_rules
from keystage.codesets import funded
from keystage.ctf.model import Assessment, Pupil
from keystage.ctf.reader import read_all
from keystage.exports import DFE_COLLECTIONS, Producer, collect_checks, packaging, zip_of
from keystage.exports.collect import (
    Establishment,
    children_of,
    file_name,
    header_for,
    return_file,
    write_return,
)
from keystage.exports.collect_reader import ReturnReadError, pupils_of, read_return
from keystage.exports.collect_spec import (
    CONFIRMED,
    FUNDED_WINDOW,
    INFERRED,
    SPECS,
    settings_of,
    spec_for,
)
from keystage.measures import compute
from keystage.synth import write_la

CODESET = codesets.load("2025-26")
MADE = Producer(la_name="Test City Council", made_at=dt.datetime(2026, 7, 1, 9, 30), number=4)
DOCS = Path(__file__).parents[2] / "docs" / "exports.md"
OAK = Establishment("330", "2001", name="Oak Lane")
ACORNS = Establishment("330", ey_urn="512345", name="Little Acorns", is_setting=True)


@pytest.fixture(scope="module")
def la(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("la")
    write_la(out=folder, la="330", schools=2, collection="ALL", seed=11)
    return folder


def school_files(la: Path, kind: str) -> list[tuple[Establishment, list[Pupil]]]:
    found = []
    for path in sorted((la / kind).glob("*.xml")):
        header, pupils = read_all(path)
        found.append((Establishment(header.source.la or "", header.source.estab), pupils))
    return found


def headline(pupils: list[Pupil], kind: str) -> list[object]:
    return [m for m in compute(pupils, kind, CODESET) if m.group == "all"]


@pytest.mark.parametrize("kind", ["EYFSP", "PHON"])
def test_a_file_reads_back_with_the_same_children_and_figures(la: Path, kind: str) -> None:
    spec = spec_for(kind)
    header = header_for(spec, CODESET, "330", MADE)
    for school, pupils in school_files(la, kind):
        children = children_of(pupils, spec, CODESET)
        made = return_file(header, school, children, spec, MADE.number)
        back = read_return(made.body, spec)
        assert back.header == header and back.establishment == school
        assert back.children == children and made.children == len(pupils)
        assert [c.upn for c in back.children] == [p.upn for p in pupils]
        assert headline(pupils_of(back.children, spec, CODESET), kind) == headline(pupils, kind)


def test_the_envelope_and_blocks(la: Path) -> None:
    spec = spec_for("EYFSP")
    school, pupils = school_files(la, "EYFSP")[0]
    made = return_file(header_for(spec, CODESET, "330", MADE), school,
                       children_of(pupils, spec, CODESET), spec, 4)  # fmt: skip
    assert made.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Message>')
    root = etree.fromstring(made.body)
    text = {path: root.findtext(path) for path in (
        "Header/CollectionDetails/Collection", "Header/CollectionDetails/Term",
        "Header/CollectionDetails/Year", "Header/CollectionDetails/ReferenceDate",
        "Header/Source/SourceLevel", "Header/Source/LEA", "Header/Source/SoftwareCode",
        "Header/Source/SerialNo", "Header/Source/DateTime", "School/LEA", "School/Estab",
    )}  # fmt: skip
    assert list(text.values()) == [
        "EYFSP", "SUM", "2026", "2026-06-30", "L", "330", "Keystage", "004",
        "2026-07-01T09:30:00", "330", school.estab,
    ]  # fmt: skip
    assert [e.text for e in root.iterfind("Header/Content/CBDSLevels/CBDSLevel")] == [
        "School", "Pupil"]  # fmt: skip
    first = root.find("Pupils/Pupil")
    assert first is not None
    assert [e.tag for e in first][:5] == ["UPN", "Surname", "Forename", "DOB", "Sex"]
    comps = [e.text for e in first.iterfind("Assessments/Assessment/A_comp")]
    assert comps == list(spec.components.value.values()) and comps[0] == "COM_E01"
    assert first.find("NCyearActual") is None  # not an EYFSP data item
    assert b"000" not in made.name.encode()


def test_a_setting_is_its_early_years_urn() -> None:
    spec = spec_for("EYFSP")
    child = children_of([Pupil(upn="A330200125021", surname="Ng", forename="Li",
                               dob="2021-05-01", sex="F")], spec, CODESET)  # fmt: skip
    made = return_file(header_for(spec, CODESET, "330", MADE), ACORNS, child, spec, 1)
    root = etree.fromstring(made.body)
    assert root.findtext("School/EYURN") == "512345" and root.find("School/Estab") is None
    assert made.name == "330512345_FTF_330DfE_001.xml"
    assert read_return(made.body, spec).establishment == dataclasses.replace(ACORNS, name="")


def test_names_follow_the_ftf_convention() -> None:
    for spec in SPECS.values():
        assert file_name(spec, OAK, 4) == "3302001_FTF_330DfE_004.xml"
    with pytest.raises(ValueError, match="needs its LA and DfE number"):
        file_name(spec_for("EYFSP"), Establishment("330", name="No number"), 1)


def phonics_pupil(*marks: tuple[str, str | None], nc_year: str | None = None) -> Pupil:
    found = tuple(Assessment("KS1", "ENG", "TT", "PSC", "MK", r, year=y) for r, y in marks)
    return Pupil(upn="A330200125021", surname="Ng", forename="Li", dob="2019-05-01", sex="F",
                 nc_year=nc_year, assessments=found)  # fmt: skip


def test_phonics_carries_this_years_mark_or_code_and_the_year_group() -> None:
    spec = spec_for("PHON")
    recheck = phonics_pupil(("20", "2025"), ("33", "2026"))  # last year's mark, then the re-check
    absent = phonics_pupil(("A", "2026"), nc_year="1")
    below = phonics_pupil(("31", "2026"), nc_year="1")
    made = children_of([recheck, absent, below], spec, CODESET)
    assert [(c.nc_year, c.results) for c in made] == [
        ("2", (("PHONICS_MARK", "33"), ("PHONICS_OUTCOME", "Wa"))),
        ("1", (("PHONICS_OUTCOME", "A"),)),
        ("1", (("PHONICS_MARK", "31"), ("PHONICS_OUTCOME", "Wt"))),
    ]
    back = pupils_of(made, spec, CODESET)
    assert [a.result for p in back for a in p.assessments] == ["33", "A", "31"]


def test_only_the_collections_own_results_go(la: Path) -> None:
    spec = spec_for("PHON")
    _, pupils = school_files(la, "PHON")[0]
    stray = Assessment("KS1", "ENG", "TA", "READ", "TA", "EXS", "ENG", "2026")
    first = dataclasses.replace(pupils[0], assessments=(*pupils[0].assessments, stray))
    assert children_of([first], spec, CODESET) == children_of([pupils[0]], spec, CODESET)


def test_children_are_written_as_they_come() -> None:
    """A generator of children is consumed once, a child at a time, into the stream."""
    spec = spec_for("EYFSP")
    made = (children_of([Pupil(upn=f"child{n}")], spec, CODESET)[0] for n in range(3))
    out = io.BytesIO()
    header = header_for(spec, CODESET, "330", MADE)
    assert write_return(header, OAK, made, spec, out) == 3
    assert [c.upn for c in read_return(out.getvalue(), spec).children] == [
        "child0", "child1", "child2"]  # fmt: skip


def test_what_is_not_a_return_is_refused() -> None:
    spec = spec_for("EYFSP")
    with pytest.raises(ReturnReadError, match="well-formed"):
        read_return(b"<Message><Header>", spec)
    with pytest.raises(ReturnReadError, match="CTfile"):
        read_return(b"<CTfile/>", spec)
    evil = b'<!DOCTYPE m [<!ENTITY e "boom">]><Message><School><LEA>&e;</LEA></School></Message>'
    assert read_return(evil, spec).establishment.la == ""  # the entity is never expanded


def test_every_setting_says_how_it_is_known_and_the_docs_name_it() -> None:
    docs = DOCS.read_text()
    for spec in SPECS.values():
        for name, setting in settings_of(spec).items():
            assert setting.status in (CONFIRMED, INFERRED) and setting.basis, name
            assert f"`{name}`" in docs, name


def test_the_funded_windows_dates_are_worked_out_in_one_place() -> None:
    """The basis quotes the 2024 guide; the window it infers for 2025-26 is codesets.funded's,
    and the upload's checks and the return's share one NC year table and date wording."""
    first, last = funded.funded_window(2025)
    said = f"{first.day} {first:%b} - {last.day} {last:%b %Y} for 2025-26"
    assert said in FUNDED_WINDOW.basis
    assert collect_checks.NC_YEARS is pupil_rules.NC_YEARS
    assert collect_checks.day_text is pupil_rules.day_text


def test_the_collections_returned_are_the_specs() -> None:
    assert DFE_COLLECTIONS == tuple(SPECS) == ("EYFSP", "PHON")
    assert packaging.Producer is Producer


def test_the_zip_holds_every_file_by_name() -> None:
    body = zip_of([("a.xml", b"<a/>"), ("b.csv", b"x,y\r\n")], MADE.made_at)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.namelist() == ["a.xml", "b.csv"]
        assert archive.getinfo("a.xml").date_time == (2026, 7, 1, 9, 30, 0)


def test_the_builders_never_import_django() -> None:
    code = "import sys, keystage.exports.collect_checks; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
