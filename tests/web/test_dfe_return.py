"""The return to the DfE (EYFSP and phonics: a CTF per confirmed, locked school and the LA's
CSV, in a ZIP): who goes in, who is missing and why, a decision on a pupil in two schools'
files applied, and the round trip through the project's own reader, checks and measures."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from django.test import Client
from export_support import confirm, csv_rows, ready, send, zip_members
from portal_builders import make_window
from portal_support import ctf_bytes

from keystage.checks import Context, run_checks
from keystage.codesets import codeset_for
from keystage.ctf.filename import expected_name
from keystage.ctf.model import Pupil, SchoolRef
from keystage.ctf.reader import read_ctf
from keystage.measures import compute
from keystage.web.models import AuditEvent, Collection, PupilRecord, School, User
from keystage.web.results.pupils import pupils
from keystage.web.submissions.locks import lock

CODESET = codeset_for("2025-26")


def read_back(body: bytes) -> tuple[object, list[Pupil]]:
    with read_ctf(io.BytesIO(body)) as reader:
        return reader.header, list(reader)


def school_ref(school: School) -> SchoolRef:
    return SchoolRef(la=school.la, estab=school.estab, urn=school.urn, name=school.name)


@pytest.mark.parametrize("kind", ["EYFSP", "PHON"])
def test_round_trip_each_file_passes_the_checks_and_keeps_the_measures(
    kind: str, schools: list[School], la_folder: Path, officer: User, la_client: Client
) -> None:
    collection = make_window(kind)
    ready(schools, collection, la_folder, officer)
    before = {s.pk: compute(pupils(collection, s), kind, CODESET) for s in schools}
    counts = {s.pk: len(pupils(collection, s)) for s in schools}

    members = zip_members(la_client.get(f"/la/collections/{collection.pk}/exports/dfe.zip"))

    assert "NOT-INCLUDED.txt" not in members
    for school in schools:
        name = expected_name(school.la, school.estab, "000", 1)
        header, back = read_back(members[name])
        assert header.source.laestab == school.laestab and header.source.urn == school.urn  # type: ignore[attr-defined]
        assert header.dest.la == "000"  # type: ignore[attr-defined]
        assert "Birmingham City Council" in header.supplier_id  # type: ignore[attr-defined]
        context = Context(codeset=CODESET, collection=kind, school=school_ref(school),
                          file_name=name)  # fmt: skip
        outcome = run_checks(header, back, context)  # type: ignore[arg-type]
        assert [f for f in outcome.findings if f.severity == "error"] == []
        assert outcome.collection == kind and len(back) == counts[school.pk]
        assert compute(back, kind, CODESET) == before[school.pk]
    (csv_name,) = [n for n in members if n.endswith(".csv")]
    assert csv_name == f"330_{kind}_2025-26_pupils.csv"
    rows = csv_rows(members[csv_name])
    assert len(rows) == sum(counts.values())
    assert {r["LAESTAB"] for r in rows} == {s.laestab for s in schools}


def moved_pupil(taken: Pupil, school_b: School) -> object:
    def change(found: list[Pupil]) -> list[Pupil]:
        return [dataclasses.replace(found[0], upn=taken.upn), *found[1:]]

    return change


def test_a_moving_pupils_decision_is_applied(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, eyfsp: Collection
) -> None:
    a, b, c = schools
    send(a, eyfsp, ctf_bytes(la_folder, a, "EYFSP"))
    taken = pupils(eyfsp, a)[0]
    assert taken.upn
    send(b, eyfsp, ctf_bytes(la_folder, b, "EYFSP", change=moved_pupil(taken, b)))  # type: ignore[arg-type]
    send(c, eyfsp, ctf_bytes(la_folder, c, "EYFSP"))
    response = la_client.post(f"/la/collections/{eyfsp.pk}/moves/{taken.upn}/",
                              {"school": b.pk})  # fmt: skip
    assert response.status_code == 302
    for school in schools:
        confirm(school, eyfsp)
    lock(eyfsp, None, officer)

    members = zip_members(la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe.zip"))

    holding = [n for n, body in members.items() if n.endswith(".xml")
               and taken.upn in {p.upn for p in read_back(body)[1]}]  # fmt: skip
    assert holding == [expected_name(b.la, b.estab, "000", 1)]
    rows = [r for r in csv_rows(members["330_EYFSP_2025-26_pupils.csv"]) if r["UPN"] == taken.upn]
    assert [r["LAESTAB"] for r in rows] == [b.laestab]


def test_only_confirmed_and_locked_schools_go_and_the_others_are_listed(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, phon: Collection
) -> None:
    a, b, c = schools
    for school in (a, b):
        send(school, phon, ctf_bytes(la_folder, school, "PHON"))
        confirm(school, phon)
    lock(phon, a, officer)  # A locked on its own; B confirmed but not locked; C not started
    page = la_client.get(f"/la/collections/{phon.pk}/exports/").content.decode()
    included = page[page.index('id="included"') : page.index('id="missing"')]
    missing = page[page.index('id="missing"') :]
    assert a.name in included and b.name not in included and c.name not in included
    assert b.name in missing and "Not locked" in missing
    assert c.name in missing and "Not started: the school has not sent a file" in missing

    members = zip_members(la_client.get(f"/la/collections/{phon.pk}/exports/dfe.zip"))
    a_file, la_csv = expected_name(a.la, a.estab, "000", 1), "330_PHON_2025-26_pupils.csv"
    assert sorted(members) == sorted([a_file, la_csv, "NOT-INCLUDED.txt"])
    note = members["NOT-INCLUDED.txt"].decode()
    assert f"{b.laestab} {b.name}: Not locked" in note and c.laestab in note
    assert {r["LAESTAB"] for r in csv_rows(members[la_csv])} == {a.laestab}
    # B's own file is refused, with why; A's is there on its own too.
    response = la_client.get(f"/la/collections/{phon.pk}/exports/dfe/{b.pk}.xml", follow=True)
    assert "cannot go yet: Not locked" in response.content.decode()
    single = la_client.get(f"/la/collections/{phon.pk}/exports/dfe/{a.pk}.xml")
    assert single.status_code == 200
    assert expected_name(a.la, a.estab, "000", 2) in single["Content-Disposition"]

    # The whole collection locked: C uploads but has not confirmed.
    send(c, phon, ctf_bytes(la_folder, c, "PHON"))
    lock(phon, None, officer)
    page = la_client.get(f"/la/collections/{phon.pk}/exports/").content.decode()
    missing = page[page.index('id="missing"') :]
    assert b.name not in missing
    assert "Not confirmed (the school is at “Ready to confirm”)" in missing


def test_nothing_to_export_says_so(
    la_client: Client, schools: list[School], eyfsp: Collection
) -> None:
    response = la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe.zip", follow=True)
    assert "No school is both confirmed and locked yet" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_ks1_is_not_returned_to_the_dfe_but_can_be_benchmarked(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, ks1: Collection
) -> None:
    ready(schools, ks1, la_folder, officer)
    base = f"/la/collections/{ks1.pk}/exports/"
    page = la_client.get(base).content.decode()
    assert 'id="dfe-not-this"' in page and "dfe.zip" not in page
    for url in ("dfe.zip", f"dfe/{schools[0].pk}.xml", "la.csv"):
        assert la_client.get(base + url).status_code == 404, url
    response = la_client.get(base + "benchmark.csv")
    assert response.status_code == 200
    rows = csv_rows(response.content)
    assert len(rows) == sum(len(pupils(ks1, s)) for s in schools)
    assert "ks1_rwm_exs_plus" in rows[0]


def test_a_file_that_fails_the_checks_when_read_back_is_left_out(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, eyfsp: Collection
) -> None:
    """The safety net: a stored record that no longer makes a clean file (here a name gone,
    as a retention purge would leave it) keeps the school out, and says why."""
    ready(schools, eyfsp, la_folder, officer)
    a = schools[0]
    record = PupilRecord.objects.filter(submission__school=a, submission__is_current=True)[0]
    record.data = {**record.data, "surname": None}
    record.save()
    members = zip_members(la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe.zip"))
    assert expected_name(a.la, a.estab, "000", 1) not in members
    assert expected_name(schools[1].la, schools[1].estab, "000", 1) in members
    note = members["NOT-INCLUDED.txt"].decode()
    assert f"{a.laestab} {a.name}: Its file fails 1 check when read back" in note
    assert a.laestab not in {
        r["LAESTAB"] for r in csv_rows(members["330_EYFSP_2025-26_pupils.csv"])
    }
    response = la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe/{a.pk}.xml", follow=True)
    assert "has no surname" in response.content.decode()
