"""The DfE's checks run on a return before its files are made: a clean return passes them all;
each rule fails on its own fault, with the school or setting to chase named."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from keystage import codesets
from keystage.ctf.reader import read_all
from keystage.exports import Producer
from keystage.exports.collect import Establishment, children_of, header_for
from keystage.exports.collect_checks import funded_only, run
from keystage.exports.collect_registry import RULES, Draft, blocked, rules_for
from keystage.exports.collect_spec import spec_for
from keystage.synth import write_la

CODESET = codesets.load("2025-26")
MADE = Producer(la_name="Test City Council", made_at=dt.datetime(2026, 7, 1, 9, 30), number=1)
Change = Callable[[Draft], Draft]


@pytest.fixture(scope="module")
def la(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("la")
    write_la(out=folder, la="330", schools=2, collection="ALL", seed=5)
    return folder


def clean(la: Path, kind: str) -> Draft:
    spec = spec_for(kind)
    entries = []
    for path in sorted((la / kind).glob("*.xml")):
        header, pupils = read_all(path)
        school = Establishment(header.source.la or "", header.source.estab, name="School")
        school = dataclasses.replace(school, name=f"School {header.source.estab}")
        entries.append((school, children_of(pupils, spec, CODESET)))
    return Draft(spec, CODESET, header_for(spec, CODESET, "330", MADE), "330", entries)


def child(draft: Draft, entry: int = 0, at: int = 0, **changes: object) -> Draft:
    """The draft with one child changed."""
    entries = [(e, list(c)) for e, c in draft.entries]
    entries[entry][1][at] = dataclasses.replace(entries[entry][1][at], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(draft, entries=entries)


def establishment(draft: Draft, entry: int = 0, **changes: object) -> Draft:
    entries = list(draft.entries)
    entries[entry] = (dataclasses.replace(entries[entry][0], **changes), entries[entry][1])  # type: ignore[arg-type]
    return dataclasses.replace(draft, entries=entries)


def header(draft: Draft, **changes: object) -> Draft:
    return dataclasses.replace(draft, header=dataclasses.replace(draft.header, **changes))  # type: ignore[arg-type]


def a_setting(draft: Draft, dob: str, others: str = "2021-05-01") -> Draft:
    """The first school made a PVI setting (early years URN 512345), its first child born
    on `dob` and the others on `others` (in 2025-26's funded window)."""
    made = establishment(draft, is_setting=True, estab=None, ey_urn="512345")
    entries = [(e, list(c)) for e, c in made.entries]
    entries[0] = (entries[0][0], [dataclasses.replace(c, dob=others) for c in entries[0][1]])
    return child(dataclasses.replace(made, entries=entries), dob=dob)


def goals(draft: Draft, change: Callable[[tuple[tuple[str, str], ...]], tuple]) -> Draft:
    first = draft.entries[0][1][0]
    return child(draft, results=change(first.results))


def duplicate_child(draft: Draft) -> Draft:
    entries = [(e, list(c)) for e, c in draft.entries]
    entries[1][1].append(entries[0][1][0])
    return dataclasses.replace(draft, entries=entries)


def duplicate_school(draft: Draft) -> Draft:
    first, second = draft.entries[0], draft.entries[1]
    twin = dataclasses.replace(second[0], estab=first[0].estab)
    return dataclasses.replace(draft, entries=[first, (twin, second[1])])


MARK, OUTCOME = "PHONICS_MARK", "PHONICS_OUTCOME"

# (collection, code, the change that breaks it, the establishment it names: entry or None)
FAILING: list[tuple[str, str, Change, int | None]] = [
    ("EYFSP", "EYR-HDR-COMPLETE", lambda d: header(d, term=""), None),
    ("EYFSP", "EYR-HDR-COMPLETE", lambda d: header(d, reference_date="2026-13-01"), None),
    ("PHON", "PHR-HDR-COMPLETE", lambda d: header(d, date_time="yesterday"), None),
    ("EYFSP", "EYR-HDR-LA", lambda d: header(d, la="331"), None),
    ("PHON", "PHR-HDR-LA", lambda d: establishment(d, 1, la="331"), 1),
    ("EYFSP", "EYR-SETTING-ID", lambda d: establishment(d, estab="201"), 0),
    ("EYFSP", "EYR-SETTING-ID",
     lambda d: establishment(a_setting(d, "2021-05-01"), ey_urn="412345"), 0),
    ("PHON", "PHR-ESTAB-ID", lambda d: a_setting(d, "2021-05-01"), 0),
    ("EYFSP", "EYR-ESTAB-ONCE", duplicate_school, 1),
    ("PHON", "PHR-ESTAB-ONCE", duplicate_school, 1),
    ("EYFSP", "EYR-CHILD-ONCE", duplicate_child, 0),
    ("PHON", "PHR-PUPIL-ONCE", duplicate_child, 1),
    ("EYFSP", "EYR-UPN", lambda d: child(d, upn="A33020012502"), 0),
    ("PHON", "PHR-UPN", lambda d: child(d, 1, upn=None), 1),
    ("EYFSP", "EYR-NAME", lambda d: child(d, forename=None), 0),
    ("PHON", "PHR-NAME", lambda d: child(d, surname=""), 0),
    ("EYFSP", "EYR-SEX", lambda d: child(d, sex="U"), 0),
    ("PHON", "PHR-SEX", lambda d: child(d, sex=None), 0),
    ("EYFSP", "EYR-DOB", lambda d: child(d, dob="2021-02-30"), 0),
    ("PHON", "PHR-DOB", lambda d: child(d, dob="2026-07-01"), 0),
    ("PHON", "PHR-DOB", lambda d: child(d, dob=None), 0),
    ("EYFSP", "EYR-DOB-RANGE", lambda d: child(d, dob="2019-08-31"), 0),
    ("PHON", "PHR-DOB-RANGE", lambda d: child(d, nc_year="1", dob="2018-12-01"), 0),
    ("EYFSP", "EYR-FUNDED", lambda d: a_setting(d, "2021-03-31"), 0),
    ("EYFSP", "EYR-FUNDED", lambda d: a_setting(d, "2021-09-01"), 0),
    ("EYFSP", "EYR-ELG17", lambda d: goals(d, lambda r: r[:-1]), 0),
    ("EYFSP", "EYR-ELG17", lambda d: goals(d, lambda r: (*r[:-1], (r[-1][0], "3"))), 0),
    ("EYFSP", "EYR-ELG17", lambda d: goals(d, lambda r: (*r[:-1], (r[-1][0], "A"))), 0),
    ("PHON", "PHR-RESULT", lambda d: child(d, results=((MARK, "41"), (OUTCOME, "Wa"))), 0),
    ("PHON", "PHR-RESULT", lambda d: child(d, results=((MARK, "35"), (OUTCOME, "A"))), 0),
    ("PHON", "PHR-RESULT", lambda d: child(d, results=()), 0),
    ("PHON", "PHR-NCYEAR", lambda d: child(d, nc_year="3"), 0),
]  # fmt: skip

# Near misses: the same kind of change, within the rule.
PASSING: list[tuple[str, str, Change]] = [
    ("EYFSP", "EYR-FUNDED", lambda d: a_setting(d, "2021-04-01")),
    ("EYFSP", "EYR-FUNDED", lambda d: a_setting(d, "2021-08-31")),
    ("EYFSP", "EYR-SETTING-ID", lambda d: a_setting(d, "2021-05-01")),
    ("EYFSP", "EYR-DOB-RANGE", lambda d: a_setting(d, "2021-05-01")),
    ("EYFSP", "EYR-ELG17", lambda d: goals(d, lambda r: tuple((c, "A") for c, _ in r))),
    ("PHON", "PHR-RESULT", lambda d: child(d, results=((OUTCOME, "D"),))),
    ("PHON", "PHR-RESULT", lambda d: child(d, results=((MARK, "0"), (OUTCOME, "Wt")))),
    ("PHON", "PHR-UPN", lambda d: child(d, upn=d.entries[0][1][0].upn[:-1] + "A")),  # temporary
]  # fmt: skip


@pytest.mark.parametrize("kind", ["EYFSP", "PHON"])
def test_a_clean_return_passes_every_check(la: Path, kind: str) -> None:
    assert run(clean(la, kind)) == []


@pytest.mark.parametrize(("kind", "code", "change", "chase"), FAILING)
def test_each_check_fails_on_its_fault(
    la: Path, kind: str, code: str, change: Change, chase: int | None
) -> None:
    draft = change(clean(la, kind))
    found = [f for f in run(draft) if f.code == code]
    assert found, code
    if chase is None:
        assert all(f.establishment is None for f in found)
        return
    named = draft.entries[chase][0]
    assert any(f.establishment == named and named.label in f.message for f in found)


@pytest.mark.parametrize(("kind", "code", "change"), PASSING)
def test_each_check_passes_its_near_miss(la: Path, kind: str, code: str, change: Change) -> None:
    assert [f.code for f in run(change(clean(la, kind))) if f.code == code] == []


def test_every_check_has_a_failing_case() -> None:
    declared = {code for kind in ("EYFSP", "PHON") for code, _ in rules_for(kind)}
    assert declared == {code for _, code, _, _ in FAILING}
    assert len(RULES) == 14


def test_an_error_keeps_its_school_out_and_a_header_error_stops_the_return(la: Path) -> None:
    draft = child(clean(la, "EYFSP"), 1, sex="X")
    header_wrong, kept_out = blocked(run(draft))
    assert not header_wrong and kept_out == {draft.entries[1][0]}
    queried = child(clean(la, "EYFSP"), 1, dob="2019-08-31")
    assert blocked(run(queried)) == (False, set())  # a query is for the LA to explain
    assert blocked(run(header(draft, la="999")))[0]


def test_an_unfunded_child_is_left_out_and_its_setting_still_goes(la: Path) -> None:
    """The DfE takes no unfunded children: one is left out of its setting's file, noted, and
    nothing about it (here an unreadable sex too) keeps the setting out."""
    draft = a_setting(clean(la, "EYFSP"), "2021-09-01")
    draft = child(draft, sex="X")
    found = run(draft)
    assert blocked(found) == (False, set())
    (note,) = [f for f in found if f.code == "EYR-FUNDED"]
    assert note.severity == "note" and "left out of the setting's file" in note.message
    assert not [f for f in found if f.code == "EYR-SEX"]
    setting, children = draft.entries[0]
    kept = dict(funded_only(draft).entries)[setting]
    assert [c.upn for c in kept] == [c.upn for c in children[1:]]


def test_the_funded_window_moves_with_the_cohort(la: Path) -> None:
    """The 2024 guide's window for 2023-24 is 1 April to 31 August 2019: a year later for
    2024-25, as for each cohort."""
    earlier = dataclasses.replace(clean(la, "EYFSP"), codeset=codesets.load("2024-25"))
    made = a_setting(earlier, "2020-04-01", others="2020-05-01")
    assert not [f for f in run(made) if f.code == "EYR-FUNDED"]
    late = a_setting(earlier, "2021-04-01", others="2020-05-01")
    (message,) = [f.message for f in run(late) if f.code == "EYR-FUNDED"]
    assert "born 1 April 2020 to 31 August 2020" in message
    assert "EY URN 512345" in message


def test_a_child_in_two_places_names_both(la: Path) -> None:
    draft = duplicate_child(clean(la, "EYFSP"))
    message = next(f.message for f in run(draft) if f.code == "EYR-CHILD-ONCE")
    assert all(e.label in message for e, _ in draft.entries)
    assert "shared pupils page" in message


def test_the_docs_list_every_check() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "exports.md").read_text()
    for kind in ("EYFSP", "PHON"):
        for code, item in rules_for(kind):
            assert f"`{code}`" in docs and f"| {item.severity.value} |" in docs, code
