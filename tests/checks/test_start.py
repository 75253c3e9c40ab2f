"""What a file's start tells (keystage.checks.start): whether it is the school's return for the
collection at all, in the whole check's own codes and words, reading as little as it can."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from builders import CODESET, SCHOOL, make_header, make_pupils, run, with_result

from keystage.checks import REFUSING, Accumulator, Context, Finding, refusal_at_start
from keystage.checks.run import Lookup, Run
from keystage.ctf.errors import CTFError
from keystage.ctf.model import Pupil, SchoolRef
from keystage.ctf.reader import read_all, read_ctf
from keystage.ctf.writer import to_bytes
from keystage.synth import write_la

OTHER_SCHOOL = replace(SCHOOL, estab="2999", urn="999999", name="Elm Road Primary")


def at_start(data: bytes, collection: str, **options: int) -> Finding | None:
    context = Context(CODESET, collection=collection, school=SCHOOL, file_name="x.xml")
    return refusal_at_start(io.BytesIO(data), context, **options)


def whole_check(data: bytes, collection: str) -> Finding | None:
    """The first refusing finding of the whole check, as the portal's task takes it."""
    try:
        header, pupils = read_all(io.BytesIO(data))
    except CTFError as refused:
        return Finding(refused.code, "error", refused.message)
    found = run(pupils, collection=collection, header=header, school=SCHOOL).findings
    return next((f for f in found if f.code in REFUSING), None)


def a_file(pupils: list[Pupil], **header: SchoolRef) -> bytes:
    return to_bytes(make_header(**header), pupils)


def test_another_collections_file_is_refused_in_the_whole_checks_words() -> None:
    data = a_file(make_pupils("KS1", 5))
    found = at_start(data, "PHON")
    assert found is not None and found.code == "FILE-WRONG-COLLECTION"
    assert found == whole_check(data, "PHON")
    assert "Key Stage 1 results, not phonics screening check results" in found.message


def test_another_schools_file_is_refused_by_its_header() -> None:
    data = a_file(make_pupils("PHON", 3), source=OTHER_SCHOOL)
    found = at_start(data, "PHON")
    assert found is not None and found.code == "HDR-SCHOOL"
    assert found == whole_check(data, "PHON")
    assert "Elm Road Primary (330/2999)" in found.message


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<?xml version='1.0'?><ATfile><Header/></ATfile>", "FILE-NOT-CTF"),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CTfile>&e;</CTfile>',
         "FILE-HOSTILE"),
        (b"UPN,Surname\n", "FILE-NOT-XML"),
        (b"<?xml version='1.0'?><CTfile><Header>", "FILE-NOT-XML"),
    ],
)  # fmt: skip
def test_what_the_reader_refuses_is_refused_in_its_words(data: bytes, code: str) -> None:
    found = at_start(data, "KS1")
    assert found is not None and found.code == code
    assert found == whole_check(data, "KS1")


def test_the_right_file_is_settled_by_its_first_pupil_with_a_result() -> None:
    data = a_file(make_pupils("PHON", 600))  # far more than the reader's first read
    raw = io.BytesIO(data)
    context = Context(CODESET, collection="PHON", school=SCHOOL)
    assert refusal_at_start(raw, context) is None
    assert raw.tell() < len(data) / 2  # stopped long before the end


def test_a_file_is_not_refused_for_a_collection_a_later_pupil_holds() -> None:
    # a year 2 pupil with KS1 results only, then re-check pupils with phonics marks
    data = a_file([*make_pupils("KS1", 3), *make_pupils("PHON", 2, first=10)])
    assert at_start(data, "PHON") is None
    assert whole_check(data, "PHON") is None


def test_a_file_with_no_results_is_left_to_the_whole_check() -> None:
    pupils = [replace(p, assessments=()) for p in make_pupils("PHON", 3)]
    assert at_start(a_file(pupils), "PHON") is None  # FILE-EMPTY is an error, not a refusal


@pytest.mark.parametrize("options", [{"max_pupils": 4}, {"budget": 1}])
def test_a_file_undecided_within_the_budget_is_left_to_the_whole_check(
    options: dict[str, int],
) -> None:
    data = a_file(make_pupils("KS1", 20))
    assert at_start(data, "PHON", **options) is None
    assert at_start(data, "PHON") is not None  # read whole, it is refused


def test_an_error_past_the_settling_pupil_is_the_whole_checks_to_find() -> None:
    good = a_file(make_pupils("PHON", 600))
    broken = good.replace(b"</CTFpupilData>", b"<Pupil><UPN>&oops</UPN></Pupil></CTFpupilData>")
    assert at_start(broken, "PHON") is None
    found = whole_check(broken, "PHON")
    assert found is not None and found.code == "FILE-NOT-XML"


def test_a_rule_over_the_file_is_never_settled_unless_it_says_so() -> None:
    run_ = Run(Context(CODESET, collection="PHON"), "PHON", Lookup(CODESET))
    assert Accumulator(run_).settled() is False


def test_a_wrong_result_still_counts_as_the_collections() -> None:
    # an invalid mark is an error for the whole check, not another collection's file
    pupils = [with_result(p, "phonics_mark", "99") for p in make_pupils("PHON", 2)]
    assert at_start(a_file(pupils), "PHON") is None


@pytest.fixture(scope="module")
def synthetic_la(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("start-la")
    write_la(out=folder, la="330", schools=3, collection="ALL", seed=11)
    return folder


def test_the_start_agrees_with_the_whole_check_on_every_file_and_collection(
    synthetic_la: Path,
) -> None:
    files = sorted(synthetic_la.glob("*/*.xml"))
    assert len(files) == 12
    for path in files:
        data = path.read_bytes()
        with read_ctf(io.BytesIO(data)) as reader:
            source = reader.header.source
        for collection in ("EYFSP", "PHON", "KS1", "KS2"):
            ours = replace(source, name=None)  # the school that sends it
            context = Context(CODESET, collection=collection, school=ours)
            started = refusal_at_start(io.BytesIO(data), context)
            header, pupils = read_all(io.BytesIO(data))
            found = run(pupils, collection=collection, header=header, school=ours).findings
            whole = next((f for f in found if f.code in REFUSING), None)
            assert started == whole, (path.parent.name, collection)
            assert (whole is None) == (path.parent.name == collection)
