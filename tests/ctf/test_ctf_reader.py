"""The CTF reader on well-formed files: every field, the documented variants, streaming."""

from __future__ import annotations

import io

import pytest
from ctf_samples import FOOTER, FULL, HEADER, PUPIL, full, small_ctf

from keystage.ctf import (
    Assessment,
    CTFError,
    FSMInstance,
    Header,
    Language,
    Pupil,
    SchoolHistoryEntry,
    SchoolRef,
    SENInstance,
    read_all,
    read_ctf,
)


def test_header_has_every_field() -> None:
    header, _ = read_all(FULL)
    assert header == Header(
        document_name="Common Transfer File",
        ctf_version="25.0",
        date_time="2026-06-20T10:15:00",
        document_qualifier="partial",
        data_qualifier="Assessment",
        data_descriptor="KS1 results",
        supplier_id="Example MIS",
        source=SchoolRef("330", "2001", "103210", "Acorn Primary School", "2025"),
        dest=SchoolRef(la="330", estab="LLLL"),
    )


def test_pupil_has_every_field() -> None:
    _, pupils = read_all(FULL)
    assert pupils[0] == Pupil(
        upn="R674123101121",
        uln="1234567890",
        surname="O'Brien & Sons",
        forename="Zoë",  # stripped of the blanks around it
        dob="2018-11-02",
        sex="F",
        former_upn="N999199900001",
        preferred_surname="Obrien",
        middle_names="Anne Marie",
        nc_year="2",
        ethnicity="WIRI",
        languages=(Language("F", "ENG"), Language("H", "GAE")),
        fsm=(
            FSMInstance("2023-01-09", "2024-03-31", "ENG"),
            FSMInstance("2025-09-01", None, "ENG"),
        ),
        sen=(SENInstance("2024-09-01", "K"),),
        school_history=(
            SchoolHistoryEntry("330", "2001", "Acorn Primary School", "2022-09-01"),
            SchoolHistoryEntry(
                "331", "2100", "Beech Infant School", "2021-09-01", "2022-07-22", "MOV"
            ),
        ),
        assessments=(
            Assessment("KS1", "ENG", "TA", "READ", "TA", "EXS", "ENG", "2026", "R", "2026-06-01"),
            Assessment("KS1", "SCI", "TA", "SCI", "TA", "HNM", "ENG", "2026", "R"),
            Assessment("FSP", "COM", "TA", "ELG01", "EL", "2", "ENG", "2024", "R"),
        ),
    )
    assert pupils[0].line == 24


def test_basic_details_straight_under_pupil() -> None:
    _, pupils = read_all(FULL)
    khan = pupils[1]
    assert (khan.nc_year, khan.ethnicity, khan.languages) == ("2", "APKN", (Language("F", "URD"),))
    assert khan.line == 135


def test_blank_elements_read_as_none() -> None:
    _, pupils = read_all(FULL)
    assert (pupils[2].upn, pupils[2].surname, pupils[2].forename) == (None, None, "Sam")
    assert pupils[2].assessments == ()


def variant(old: bytes, new: bytes) -> bytes:
    data = full()
    assert old in data
    return data.replace(old, new)


def test_gender_is_read_as_sex() -> None:
    data = variant(b"<Sex>F</Sex>", b"<Gender>F</Gender>")
    _, pupils = read_all(io.BytesIO(data))
    assert pupils[0].sex == "F"


def test_ctfversion_with_capital_v() -> None:
    data = variant(b"<CTFversion>25.0</CTFversion>", b"<CTFVersion>25.0</CTFVersion>")
    header, _ = read_all(io.BytesIO(data))
    assert header.ctf_version == "25.0"


@pytest.mark.parametrize("version", ["24.0", "25.0", "26.0"])
def test_versions(version: str) -> None:
    data = variant(b"25.0", version.encode())
    header, pupils = read_all(io.BytesIO(data))
    assert header.ctf_version == version
    assert len(pupils) == 3


def test_other_spellings_are_not_matched() -> None:
    # Tags are exact apart from the documented variants: <upn> is an unknown element.
    data = variant(b"<UPN>R674123101121</UPN>", b"<upn>R674123101121</upn>")
    _, pupils = read_all(io.BytesIO(data))
    assert pupils[0].upn is None


def test_missing_assessment_keys_read_as_empty_strings() -> None:
    data = small_ctf(1).replace(b"<Stage>KS1</Stage>", b"").replace(b"<Method>TA</Method>", b"")
    _, pupils = read_all(io.BytesIO(data))
    assessment = pupils[0].assessments[0]
    assert (assessment.stage, assessment.method, assessment.result) == ("", "", "EXS")


def test_no_header_gives_an_empty_header() -> None:
    data = b"<CTfile><CTFpupilData>" + PUPIL + b"</CTFpupilData></CTfile>"
    header, pupils = read_all(io.BytesIO(data))
    assert header == Header()
    assert [p.upn for p in pupils] == ["R674123101121"]


def test_no_pupils() -> None:
    header, pupils = read_all(io.BytesIO(HEADER + FOOTER))
    assert header.document_name == "Common Transfer File"
    assert pupils == []


def test_header_is_complete_before_the_first_pupil() -> None:
    with read_ctf(io.BytesIO(small_ctf(2))) as reader:
        assert reader.header.source.la == "330"
        assert [p.surname for p in reader] == ["Smith", "Smith"]


def test_iterating_first_still_reads_the_header() -> None:
    with read_ctf(io.BytesIO(small_ctf(2))) as reader:
        assert len(list(reader)) == 2
        assert reader.header.document_name == "Common Transfer File"


def test_a_header_after_the_pupils_is_ignored() -> None:
    header_block = HEADER[HEADER.index(b"  <Header>") : HEADER.index(b"  <CTFpupilData>")]
    data = b"<CTfile><CTFpupilData>" + PUPIL + b"</CTFpupilData>" + header_block + b"</CTfile>"
    header, pupils = read_all(io.BytesIO(data))
    assert header == Header()
    assert len(pupils) == 1


def test_unknown_elements_comments_and_pis_are_ignored() -> None:
    data = small_ctf(1).replace(
        b"<Surname>Smith</Surname>",
        b"<!-- a note --><?mis hint?><Extra><Deep>x</Deep></Extra><Surname>Smith</Surname>",
    )
    data = data.replace(b"<CTFpupilData>", b"<Other><Thing/></Other><CTFpupilData>")
    _, pupils = read_all(io.BytesIO(data))
    assert pupils[0].surname == "Smith"


def test_utf8_bom_and_ascii_declaration_are_accepted() -> None:
    data = b"\xef\xbb\xbf" + small_ctf(1).replace(b'encoding="UTF-8"', b'encoding="US-ASCII"')
    _, pupils = read_all(io.BytesIO(data))
    assert len(pupils) == 1


def test_pupils_stream_before_a_later_error() -> None:
    data = small_ctf(3)
    cut = data[: data.rindex(b"<Pupil>") + 20]  # the third pupil is cut short
    seen: list[Pupil] = []
    with pytest.raises(CTFError) as refused, read_ctf(io.BytesIO(cut)) as reader:
        seen.extend(reader)
    assert len(seen) == 2
    assert refused.value.code == "FILE-NOT-XML"
    assert "stops at line" in refused.value.message


def test_a_path_is_closed_and_a_stream_left_open(tmp_path) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(small_ctf(1))
    with read_ctf(path) as reader:
        list(reader)
    assert reader._raw.closed
    stream = io.BytesIO(small_ctf(1))
    read_all(stream)
    assert not stream.closed


def test_a_path_refused_at_once_is_closed(tmp_path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(CTFError):
        read_ctf(path)


def test_a_missing_file_is_a_ctf_error(tmp_path) -> None:
    with pytest.raises(CTFError) as refused:
        read_all(tmp_path / "nowhere.xml")
    assert refused.value.code == "FILE-NOT-XML"


def test_line_numbers_in_long_files() -> None:
    data = small_ctf(5000)  # 85,000 lines: past the 65,535 libxml2 keeps exactly
    _, pupils = read_all(io.BytesIO(data))
    step = PUPIL.count(b"\n")
    first = pupils[0].line
    assert first == HEADER.count(b"\n") + 1
    expected = [first + step * i for i in range(len(pupils))]
    lines = [p.line or 0 for p in pupils]
    exact = [i for i, line in enumerate(expected) if line < 65535]
    assert [lines[i] for i in exact] == [expected[i] for i in exact]
    # Beyond that libxml2 derives an element's line from its first content: one line on.
    assert all(0 <= lines[i] - expected[i] <= 1 for i in range(len(pupils)))


def test_max_depth_is_the_callers() -> None:
    # The sample nests 7 deep (CTfile/CTFpupilData/Pupil/StageAssessments/KeyStage/...).
    assert len(read_all(FULL, max_depth=7)[1]) == 3
    with pytest.raises(CTFError) as refused:
        read_all(FULL, max_depth=6)
    assert refused.value.code == "FILE-HOSTILE"
