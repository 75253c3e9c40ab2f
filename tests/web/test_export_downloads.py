"""Downloads of the exports: the benchmarking file minimised unless the full profile is asked
for, every download audited and numbered, cells that cannot run as formulas, nothing for a
school's users, and the pages that lead to the downloads and explain their columns."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from django.utils.html import escape
from export_support import csv_rows, ready, zip_members

from keystage.codesets import codeset_for
from keystage.exports.tables import benchmark_columns, la_return_columns
from keystage.web.common.pupil_ids import pseudonym
from keystage.web.exports.files import csv_bytes, next_number
from keystage.web.models import AuditEvent, Collection, School, User
from keystage.web.results.pupils import pupils


def test_the_minimised_benchmark_has_no_names_dates_of_birth_or_upns(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, eyfsp: Collection
) -> None:
    ready(schools, eyfsp, la_folder, officer)
    response = la_client.get(f"/la/collections/{eyfsp.pk}/exports/benchmark.csv")
    text = response.content.decode()
    rows = csv_rows(response.content)
    cells = {v for r in rows for v in r.values()}
    everyone = [p for s in schools for p in pupils(eyfsp, s)]
    assert len(rows) == len(everyone)
    for p in everyone:
        assert p.upn and p.upn not in text and p.dob and p.dob not in text
        assert p.surname not in cells and p.forename not in cells
    assert {r["PupilID"] for r in rows} == {pseudonym(eyfsp, p.upn or "") for p in everyone}
    assert {"UPN", "Surname", "Forename", "DOB"}.isdisjoint(rows[0])
    url = f"/la/collections/{eyfsp.pk}/exports/benchmark.csv"
    full = csv_rows(la_client.get(url + "?profile=full").content)
    assert {r["UPN"] for r in full} == {p.upn for p in everyone}
    assert la_client.get(url + "?profile=all").status_code == 404


def test_every_download_is_audited_and_numbered(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, eyfsp: Collection
) -> None:
    ready(schools, eyfsp, la_folder, officer)
    base = f"/la/collections/{eyfsp.pk}/exports/"
    first = la_client.get(base + "dfe.zip")
    school = la_client.get(base + f"dfe/{schools[0].pk}.xml")
    second = la_client.get(base + "dfe.zip")
    la_client.get(base + "la.csv")
    la_client.get(base + "benchmark.csv")
    la_client.get(base + "benchmark.csv?profile=full")
    assert "dfe-return-001" in first["Content-Disposition"]
    assert "_002.xml" in school["Content-Disposition"]
    assert all(n.endswith("_003.xml") for n in zip_members(second) if n.endswith(".xml"))
    assert next_number(eyfsp) == 4
    events = list(AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).order_by("at", "id"))
    assert [e.detail["export"] for e in events] == [
        "dfe-return", "dfe-return", "dfe-return", "dfe-csv", "benchmark", "benchmark"
    ]  # fmt: skip
    assert all(e.actor == officer.username and e.collection == "EYFSP 2025-26" for e in events)
    assert events[0].detail["pupils"] == sum(len(pupils(eyfsp, s)) for s in schools)
    assert len(events[0].detail["files"]) == len(schools)
    assert events[1].school == schools[0].laestab
    assert [e.detail["profile"] for e in events[4:]] == ["minimised", "full"]


def test_school_users_get_404_on_every_export_url(
    schools: list[School], la_folder: Path, officer: User, head_a: Client, eyfsp: Collection
) -> None:
    ready(schools, eyfsp, la_folder, officer)
    base = f"/la/collections/{eyfsp.pk}/exports/"
    for url in ("", "dfe.zip", f"dfe/{schools[0].pk}.xml", f"dfe/{schools[1].pk}.xml", "la.csv",
                "benchmark.csv", "benchmark.csv?profile=full"):  # fmt: skip
        assert head_a.get(base + url).status_code == 404, url
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_the_progress_page_links_to_the_exports(la_client: Client, eyfsp: Collection) -> None:
    html = la_client.get(f"/la/collections/{eyfsp.pk}/").content.decode()
    assert f'href="/la/collections/{eyfsp.pk}/exports/"' in html


def test_formula_like_cells_are_inert() -> None:
    body = csv_bytes([["Surname"], ['=HYPERLINK("http://x")'], ["+1"], ["Smith"]])
    lines = body.decode().splitlines()
    assert lines[1].startswith("\"'=") or lines[1].startswith("'=")
    assert lines[2] == "'+1" and lines[3] == "Smith"


def test_the_exports_page_explains_the_columns_on_a_page_of_its_own(
    la_client: Client, eyfsp: Collection, ks1: Collection
) -> None:
    page = la_client.get(f"/la/collections/{eyfsp.pk}/exports/").content.decode()
    assert "docs/exports.md" not in page  # a file of Keystage's own is no source for an LA
    layout_url = f"/la/collections/{eyfsp.pk}/exports/layout/"
    assert f'href="{layout_url}"' in page
    layout = la_client.get(layout_url).content.decode()
    codeset = codeset_for(eyfsp.academic_year)
    for column in benchmark_columns("EYFSP", codeset, "full") + la_return_columns("EYFSP", codeset):
        assert f"<code>{column.name}</code>" in layout and escape(column.meaning) in layout
    ks1_layout = la_client.get(f"/la/collections/{ks1.pk}/exports/layout/").content.decode()
    assert "sent with the DfE return" not in ks1_layout  # KS1 is not returned to the DfE
