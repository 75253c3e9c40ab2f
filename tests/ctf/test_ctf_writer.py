"""The writer: what it writes reads back as equal objects (a property), in CTF order."""

from __future__ import annotations

import io
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from keystage.ctf import (
    Assessment,
    FSMInstance,
    Header,
    Language,
    Pupil,
    SchoolHistoryEntry,
    SchoolRef,
    SENInstance,
    canonical,
    group_by_stage,
    read_all,
    to_bytes,
    write_ctf,
)

# Text XML 1.0 can carry, as the reader returns it: no control characters, surrogates or
# non-characters, no surrounding white space, never empty (empty reads back as None).
_CHARS = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
text = st.text(_CHARS, min_size=1, max_size=12).map(str.strip).filter(bool)
optional = st.none() | text
key = st.just("") | st.sampled_from(["KS1", "KS2", "FSP", "ENG", "TA"]) | text


def records(kind: type, fields: int) -> st.SearchStrategy[tuple]:
    one = st.builds(kind, *[optional] * fields)
    return st.lists(one, max_size=3).map(tuple)


school_refs = st.builds(SchoolRef, optional, optional, optional, optional, optional)
headers = st.builds(
    Header,
    optional,
    optional,
    optional,
    optional,
    optional,
    optional,
    optional,
    school_refs,
    school_refs,
)
assessments = st.builds(
    Assessment, key, key, key, key, key, optional, optional, optional, optional, optional
)
pupils = st.builds(
    Pupil,
    upn=optional,
    surname=optional,
    forename=optional,
    dob=optional,
    sex=optional,
    former_upn=optional,
    uln=optional,
    preferred_surname=optional,
    middle_names=optional,
    nc_year=optional,
    ethnicity=optional,
    languages=records(Language, 2),
    fsm=records(FSMInstance, 3),
    sen=records(SENInstance, 2),
    school_history=records(SchoolHistoryEntry, 6),
    assessments=st.lists(assessments, max_size=6).map(tuple),
).map(canonical)  # the writer groups assessments by stage: see writer.py


@settings(max_examples=150, deadline=None)
@given(headers, st.lists(pupils, max_size=4))
def test_round_trip(header: Header, written: list[Pupil]) -> None:
    assert read_all(io.BytesIO(to_bytes(header, written))) == (header, written)


def test_interleaved_stages_read_back_grouped() -> None:
    ks1a, ks2, ks1b = (Assessment("KS1", "ENG"), Assessment("KS2", "MAT"), Assessment("KS1", "SCI"))
    pupil = Pupil(upn="R674123101121", assessments=(ks1a, ks2, ks1b))
    _, [read] = read_all(io.BytesIO(to_bytes(Header(), [pupil])))
    assert read.assessments == (ks1a, ks1b, ks2)
    assert read == canonical(pupil)
    assert group_by_stage(pupil.assessments) == [("KS1", [ks1a, ks1b]), ("KS2", [ks2])]


def test_canonical_keeps_a_grouped_pupil() -> None:
    pupil = Pupil(assessments=(Assessment("KS1"), Assessment("KS1"), Assessment("KS2")))
    assert canonical(pupil) is pupil


def test_writes_current_spellings_in_ctf_order(tmp_path) -> None:
    header = Header(document_name="Common Transfer File", ctf_version="25.0")
    pupil = Pupil(
        upn="R674123101121",
        surname="Smith",
        forename="Ann",
        sex="F",
        nc_year="2",
        assessments=(Assessment("KS1", "ENG", "TA", "READ", "TA", "EXS"),),
    )
    path = tmp_path / "out.xml"
    write_ctf(header, [pupil], path)
    data = path.read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<CTfile>')
    assert b"<CTFversion>25.0</CTFversion>" in data and b"<Sex>F</Sex>" in data
    order = [b"<UPN>", b"<Surname>", b"<Forename>", b"<Sex>", b"<BasicDetails>", b"<KeyStage>"]
    assert [data.index(tag) for tag in order] == sorted(data.index(tag) for tag in order)
    assert b"<DOB>" not in data and b"<DestSchool>" not in data  # None fields are left out


def test_writes_to_a_stream_one_pupil_at_a_time() -> None:
    def many() -> Iterator[Pupil]:
        for number in range(3):
            yield Pupil(forename=f"P{number}")

    out = io.BytesIO()
    write_ctf(Header(), many(), out)
    assert not out.closed
    _, read = read_all(io.BytesIO(out.getvalue()))
    assert [p.forename for p in read] == ["P0", "P1", "P2"]
