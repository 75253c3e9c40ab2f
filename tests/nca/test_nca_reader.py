"""The core reads the NCA Portal's KS2 downloads (the samples in tests/data/nca) into the
same Pupils the CTF reader gives, by school; a file it cannot read whole is refused, row by
row."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystage.codesets import codeset_for
from keystage.ctf.reader import read_all
from keystage.nca import CSV_COLUMNS, DownloadError, read_nca_csv, read_nca_ctf

SAMPLES = Path(__file__).parents[1] / "data" / "nca"
CODES = codeset_for("2025-26")


def csv_sample(name: str = "ks2_results_with_ta.csv") -> str:
    return (SAMPLES / name).read_text()


def refused(text: str) -> list[str]:
    with pytest.raises(DownloadError) as caught:
        read_nca_csv(text.encode(), CODES)
    return [str(e) for e in caught.value.errors]


def results(pupil: object) -> dict[str, str | None]:
    return {CODES.lookup(a).role: a.result for a in pupil.assessments}  # type: ignore[attr-defined,union-attr]


def test_the_csv_gives_each_schools_pupils_with_scores_outcomes_and_ta() -> None:
    download = read_nca_csv(csv_sample().encode(), CODES)
    assert download.kind == "CSV" and download.pupils == 5
    assert {k: len(v) for k, v in download.schools.items()} == {"3309999": 3, "3309998": 2}
    callum = download.schools["3309999"][1]
    assert (callum.surname, callum.dob, callum.sex) == ("BRIGHT", "2015-02-17", "M")
    assert results(callum) == {
        "ks2_reading_test": "98", "ks2_gps_test": "95", "ks2_maths_test": "101",
        "ks2_writing_ta": "WTS", "ks2_science_ta": "EXS",
    }  # fmt: skip
    ruma = download.schools["3309999"][2]
    assert results(ruma)["ks2_reading_test"] == "A"  # absent: the outcome, with no score
    seren = download.schools["3309998"][1]
    assert results(seren)["ks2_maths_test"] == "B" and results(seren)["ks2_writing_ta"] == "PK4"


def test_the_csv_and_the_ctf_of_the_same_results_give_the_same_pupils() -> None:
    from_csv = read_nca_csv(csv_sample().encode(), CODES)
    from_ctf = read_nca_ctf((SAMPLES / "ks2_la_combined.xml").read_bytes())
    for laestab, pupils in from_ctf.schools.items():
        assert [(p.upn, results(p)) for p in pupils] == [
            (p.upn, results(p)) for p in from_csv.schools[laestab]
        ]


def test_the_combined_ctf_gives_each_pupil_the_school_of_its_school_history() -> None:
    download = read_nca_ctf((SAMPLES / "ks2_la_combined.xml").read_bytes())
    _, every = read_all(SAMPLES / "ks2_la_combined.xml")
    assert download.kind == "CTF" and download.academic_year == "2025"
    assert {k: len(v) for k, v in download.schools.items()} == {"3309999": 3, "3309998": 2}
    assert download.pupils == len(every)


def test_a_schools_ctf_without_school_history_belongs_to_the_school_its_header_names() -> None:
    download = read_nca_ctf((SAMPLES / "ks2_school_3309999.xml").read_bytes())
    assert list(download.schools) == ["3309999"] and download.pupils == 3


def test_the_column_mapping_is_one_table_naming_every_result_role_of_the_code_table() -> None:
    filled = {c.fills for c in CSV_COLUMNS if c.kind in ("score", "outcome", "ta")}
    ks2_roles = {a.role for a in CODES.assessments if a.collection == "KS2"}
    assert filled == ks2_roles - {"ks2_mtc"}  # the MTC is not in the KS2 results download


def test_a_missing_column_refuses_the_file_naming_it() -> None:
    text = csv_sample().replace("WRITTAOUTCOME", "WRITING")
    assert refused(text) == [
        "Line 1: the heading row lacks the column WRITTAOUTCOME. Is this the “all results "
        "with TA” CSV?"
    ]


def test_bad_rows_are_each_named_by_line_and_pupil() -> None:
    lines = csv_sample().splitlines()
    lines[1] = lines[1].replace("3309999,", "33099,")  # a LAESTAB cut short
    lines[2] = lines[2].replace(",98,NS,", ",,NS,")  # not met, with no score
    lines[3] = lines[3] + ",extra"  # a value too many
    lines.append(lines[4])  # the same pupil twice
    found = refused("\n".join(lines))
    assert found == [
        "Line 2: ASHWORTH, Amelia (T330999919001): the LAESTAB “33099” is not 7 digits",
        "Line 3: BRIGHT, Callum (G330999919002): READOUTCOME is NS but there is no score",
        "Line 4: has 17 values where the heading row has 16: check the file was not cut or edited",
        "Line 7: DUNN, Oliver (J330999819001): the UPN is also on line 5",
    ]


def test_a_score_that_is_not_a_number_is_an_error() -> None:
    text = csv_sample().replace(",104,AS,", ",1O4,AS,")
    assert refused(text) == [
        "Line 2: ASHWORTH, Amelia (T330999919001): READSCORE “1O4” is not a whole-number score"
    ]


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "The file is empty: it has no heading row."),
        (b'<?xml version="1.0"?><CTfile/>', "This is an XML file, not a CSV: import it as a CTF."),
        (b"PK\x03\x04rest", "This is a spreadsheet or a zip file, not a CSV."),
        (b"LAESTAB,UPN\n\xff\xfe", "The file is not UTF-8 text (byte 12)."),
    ],
)
def test_a_file_that_is_not_the_csv_is_refused_saying_what_it_is(data: bytes, said: str) -> None:
    with pytest.raises(DownloadError) as caught:
        read_nca_csv(data, CODES)
    assert str(caught.value.errors[0]).startswith(said)


def test_a_heading_row_with_no_pupils_is_refused() -> None:
    heading = csv_sample().splitlines()[0]
    assert refused(heading + "\n") == ["The file has a heading row but no pupils."]


@pytest.mark.parametrize(
    ("start", "codec"),
    [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")],
)
def test_a_combined_ctf_with_a_byte_order_mark_or_in_utf16_is_read(
    start: bytes, codec: str
) -> None:
    text = (SAMPLES / "ks2_la_combined.xml").read_text()
    if codec != "utf-8":
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    download = read_nca_ctf(start + text.encode(codec))
    expected = read_nca_ctf((SAMPLES / "ks2_la_combined.xml").read_bytes())
    assert download.schools == expected.schools and download.pupils == 5


def test_a_ctf_that_is_not_xml_or_is_broken_is_refused() -> None:
    with pytest.raises(DownloadError) as caught:
        read_nca_ctf(csv_sample().encode())
    said = str(caught.value.errors[0])
    assert "The file is not XML" in said and "it may be a CSV" in said, said
    with pytest.raises(DownloadError, match="not XML"):
        read_nca_ctf(b"\xef\xbb\xbf" + csv_sample().encode())
    broken = (SAMPLES / "ks2_la_combined.xml").read_bytes()[:-40]
    with pytest.raises(DownloadError):
        read_nca_ctf(broken)
