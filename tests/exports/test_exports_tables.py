"""The pupil-level CSV layouts: the LA's CSV for the DfE and the benchmarking file, minimised
(no names, dates of birth or UPNs) or full; every column documented in docs/exports.md."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest

from keystage import codesets
from keystage.ctf.model import Assessment, Pupil
from keystage.ctf.reader import read_all
from keystage.exports import (
    FULL,
    MINIMISED,
    PROFILES,
    SchoolPupil,
    benchmark,
    benchmark_columns,
    la_return,
    la_return_columns,
)
from keystage.exports.tables import this_year
from keystage.synth import write_la

CODESET = codesets.load("2025-26")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "exports.md"


def fake_pseudonym(upn: str) -> str:
    return hashlib.sha256(b"key" + upn.encode()).hexdigest()[:16]


@pytest.fixture(scope="module")
def la(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("la")
    write_la(out=folder, la="330", schools=2, collection="ALL", seed=5)
    return folder


def rows_of(la: Path, kind: str) -> list[SchoolPupil]:
    found = []
    for path in sorted((la / kind).glob("*.xml")):
        header, pupils = read_all(path)
        s = header.source
        found += [SchoolPupil(s.laestab or "", s.urn or "", s.name or "", p) for p in pupils]
    return found


@pytest.mark.parametrize("kind", codesets.COLLECTIONS)
def test_the_minimised_profile_has_no_names_dates_of_birth_or_upns(la: Path, kind: str) -> None:
    rows = rows_of(la, kind)
    table = benchmark(rows, kind, CODESET, profile=MINIMISED, pseudonym=fake_pseudonym)
    head, body = table[0], table[1:]
    assert len(body) == len(rows)
    assert not {"UPN", "Surname", "Forename", "DOB", "SchoolName"} & set(head)
    cells = {str(v) for line in table for v in line if v is not None}
    text = "\n".join(cells)
    for row in rows:
        p = row.pupil
        assert p.upn and p.upn not in text and p.dob and p.dob not in text
        assert p.surname not in cells and p.forename not in cells
    ids = [line[head.index("PupilID")] for line in body]
    assert sorted(ids) == sorted(fake_pseudonym(r.pupil.upn or "") for r in rows)
    # In pupil-ID order within each school: the order says nothing about names.
    keys = [(line[0], line[1]) for line in body]
    assert keys == sorted(keys)
    born = [line[head.index("BirthMonth")] for line in body]
    assert all(re.fullmatch(r"\d{4}-\d{2}", b) for b in born)


def test_the_full_profile_keeps_names_for_the_las_own_use(la: Path) -> None:
    rows = rows_of(la, "KS1")
    table = benchmark(rows, "KS1", CODESET, profile=FULL, pseudonym=fake_pseudonym)
    head = table[0]
    assert {"UPN", "Surname", "Forename", "DOB", "PupilID"} <= set(head)
    assert sorted(line[head.index("UPN")] for line in table[1:]) == sorted(
        r.pupil.upn for r in rows
    )


def test_results_and_flags_follow_the_measures(la: Path) -> None:
    rows = rows_of(la, "EYFSP")
    table = benchmark(rows, "EYFSP", CODESET, profile=MINIMISED, pseudonym=fake_pseudonym)
    head = table[0]
    assert head[-4:] == ["eyfsp_gld", "eyfsp_all_elgs_expected", "eyfsp_avg_elgs_expected",
                         "eyfsp_not_assessed"]  # fmt: skip
    for line in table[1:]:
        goals = [line[head.index(f"elg{n:02d}")] for n in range(1, 18)]
        if all(g == "A" for g in goals):
            continue
        expected = sum(g == "2" for g in goals)
        assert line[head.index("eyfsp_avg_elgs_expected")] == expected
        assert line[head.index("eyfsp_all_elgs_expected")] == int(expected == 17)
        gld = all(g == "2" for g in goals[:12])
        assert line[head.index("eyfsp_gld")] == int(gld)


def test_the_la_csv_has_names_and_each_result_of_the_collection(la: Path) -> None:
    rows = rows_of(la, "PHON")
    table = la_return(rows, "PHON", CODESET)
    assert table[0] == ["LAESTAB", "URN", "UPN", "Surname", "Forename", "DOB", "Sex",
                        "NCyearActual", "phonics_mark", "phonics_outcome"]  # fmt: skip
    assert len(table) == len(rows) + 1
    by_upn = {line[2]: line for line in table[1:]}
    for row in rows:
        assert by_upn[row.pupil.upn][0] == row.laestab


def test_this_years_result_skips_last_years_mark() -> None:
    last = Assessment("KS1", "ENG", "TT", "PSC", "MK", "28", year="2025")
    now = Assessment("KS1", "ENG", "TT", "PSC", "MK", "35", year="2026")
    assert this_year([last, now], "2026") == "35"
    assert this_year([now, last], "2026") == "35"
    assert this_year([last], "2026") is None
    assert this_year([dataclasses.replace(now, year=None)], "2026") == "35"


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="minimised, full"):
        benchmark_columns("KS2", CODESET, "everything")


def test_a_pupil_without_a_upn_still_gets_an_id() -> None:
    row = SchoolPupil("3302001", "103210", "Oak", Pupil(surname="Ng", forename="Al"))
    table = benchmark([row], "KS2", CODESET, profile=MINIMISED, pseudonym=fake_pseudonym)
    assert table[1][1] == fake_pseudonym("no UPN:3302001:Ng:Al:None")


def test_docs_describe_every_column_of_every_layout() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for kind in codesets.COLLECTIONS:
        names = {c.name for p in PROFILES for c in benchmark_columns(kind, CODESET, p)}
        names |= {c.name for c in la_return_columns(kind, CODESET)}
        for name in names:
            assert f"| `{name}` |" in text, f"docs/exports.md does not describe {name}"
