"""The data team's results pages: LA against national, the schools' table with suppression,
the spread of results, the exports (pupil-level ones data-minimised on request and audited)
and the comparison figures page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from portal_support import ctf_bytes, make_user, run_tasks, signed_in, upload

from keystage.web.common.xlsx import workbook
from keystage.web.models import AuditEvent, Collection, ComparisonFigure, Role, School, User
from keystage.web.results.comparisons import import_figures

DFE_2022 = (
    Path(__file__).parent
    / "data"
    / ("eyfsp_headline_measures_2021-22_england_westmidlands_birmingham.csv")
)
SOURCE = "DfE, EYFSP results 2021/22"


@pytest.fixture
def eyfsp(db: None) -> Collection:
    today = timezone.localdate()
    return Collection.objects.create(
        kind="EYFSP", academic_year="2025-26", opens=today - dt.timedelta(days=20),
        deadline=today + dt.timedelta(days=7), closes=today + dt.timedelta(days=21),
    )  # fmt: skip


def send(school: School, collection: Collection, content: bytes) -> None:
    upload(signed_in(User.objects.get(username=school.urn)), collection, content, "eyfsp.xml")


@pytest.fixture
def results(schools: list[School], eyfsp: Collection, la_folder: Path) -> dict[str, School]:
    """A and B send their whole files; C a file of three children (a small school)."""
    a, b, c = schools
    send(a, eyfsp, ctf_bytes(la_folder, a, "EYFSP"))
    send(b, eyfsp, ctf_bytes(la_folder, b, "EYFSP"))
    send(c, eyfsp, ctf_bytes(la_folder, c, "EYFSP", change=lambda pupils: pupils[:3]))
    run_tasks()
    import_figures(DFE_2022, source=SOURCE, status="final")
    return {"a": a, "b": b, "c": c}


def page(client: Client, collection: Collection, query: str = "") -> str:
    response = client.get(f"/la/collections/{collection.pk}/results/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_la_against_national_with_year_and_source(
    la_client: Client, eyfsp: Collection, results: dict[str, School]
) -> None:
    html = page(la_client, eyfsp)
    assert "<h1" in html and html.count("<h1") == 1
    # England's figure, with its year (the latest held, before the collection's), who published
    # it and how final it is, and its source.
    assert "65.2%" in html
    assert "2021-22 (latest held), <strong>DfE final</strong>: DfE, EYFSP results 2021/22" in html
    assert "71.9%" in html  # girls, in the breakdown
    # The chart's figures are text (keystage.web.common.charts, as in the reports' PDFs).
    chart = html.split('id="comparison-chart">')[1].split("</svg></div></div>")[0]
    said = r"Good level of development: Birmingham City Council \d+\.\d%, England 65\.2%"
    assert re.search(said, chart)
    assert 'role="img"' in html and '<title id="histogram-title">' in html
    assert 'id="comparison"' in html and 'id="histogram-data"' in html
    for school in results.values():
        assert f'href="/la/collections/{eyfsp.pk}/schools/{school.pk}/"' in html


def test_a_small_school_shows_c(
    la_client: Client, eyfsp: Collection, results: dict[str, School]
) -> None:
    html = page(la_client, eyfsp, "?sort=-eyfsp_gld")
    c = results["c"]
    row = html.split(f"/schools/{c.pk}/")[1].split("</tr>")[0]
    assert row.count(">c</td>") == 3  # three children: every figure suppressed
    a_row = html.split(f"/schools/{results['a'].pk}/")[1].split("</tr>")[0]
    assert ">c</td>" not in a_row and "%</td>" in a_row
    # Sorted by GLD, descending: the suppressed school comes last, whatever its figure.
    order = [html.index(f'/schools/{s.pk}/"') for s in results.values()]
    assert order[2] == max(order)
    assert 'aria-sort="descending"' in html
    # What c means, including the larger group hidden with a small one (complementary).
    assert "5 pupils or fewer" in html and "it may be a large group" in html


def test_the_queries_do_not_grow_with_the_schools(
    la_client: Client, eyfsp: Collection, schools: list[School], la_folder: Path
) -> None:
    a, b, c = schools
    send(a, eyfsp, ctf_bytes(la_folder, a, "EYFSP"))
    run_tasks()
    page(la_client, eyfsp)  # the session and the code table, once
    with CaptureQueriesContext(connection) as one:
        page(la_client, eyfsp)
    send(b, eyfsp, ctf_bytes(la_folder, b, "EYFSP"))
    send(c, eyfsp, ctf_bytes(la_folder, c, "EYFSP"))
    run_tasks()
    with CaptureQueriesContext(connection) as three:
        page(la_client, eyfsp)
    assert len(three) == len(one)


def rows_of(response: object) -> list[dict[str, str]]:
    content = response.content.decode()  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(content)))


def test_school_level_exports(
    la_client: Client, eyfsp: Collection, results: dict[str, School]
) -> None:
    base = f"/la/collections/{eyfsp.pk}/"
    full = rows_of(la_client.get(base + "results.csv"))
    assert [r["LAESTAB"] for r in full] == sorted(s.laestab for s in results.values())
    small = next(r for r in full if r["LAESTAB"] == results["c"].laestab)
    assert small["eyfsp_gld_denominator"] == "3"  # the data team's own copy: every figure
    published = rows_of(la_client.get(base + "results.csv?publication=1"))
    small = next(r for r in published if r["LAESTAB"] == results["c"].laestab)
    assert small["eyfsp_gld_percent"] == "c" and small["eyfsp_gld_denominator"] == "c"
    book = la_client.get(base + "results.xlsx")
    assert book.status_code == 200 and book["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    with zipfile.ZipFile(io.BytesIO(book.content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert results["a"].laestab in sheet and "eyfsp_gld_percent" in sheet
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_pupil_level_exports_minimised_and_audited(
    la_client: Client, eyfsp: Collection, results: dict[str, School]
) -> None:
    base = f"/la/collections/{eyfsp.pk}/"
    full = rows_of(la_client.get(base + "pupils.csv"))
    assert {"UPN", "Surname", "Forename", "Date of birth"} <= set(full[0])
    minimised_response = la_client.get(base + "pupils.csv?minimised=1")
    minimised = rows_of(minimised_response)
    assert len(minimised) == len(full) > 3
    columns = set(minimised[0])
    assert not columns & {"UPN", "Surname", "Forename", "Date of birth", "School"}
    assert {"LAESTAB", "Pupil ID", "Sex", "Term of birth", "eyfsp_gld"} <= columns
    text = minimised_response.content.decode()
    for pupil in full[:10]:
        assert pupil["UPN"] not in text and pupil["Surname"] not in text
        assert pupil["Date of birth"] not in text
    assert len({r["Pupil ID"] for r in minimised}) == len(minimised)
    assert {r["eyfsp_gld"] for r in minimised} <= {"0", "1", ""}
    book = la_client.get(base + "pupils.xlsx?minimised=1")
    with zipfile.ZipFile(io.BytesIO(book.content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "Pupil ID" in sheet and full[0]["UPN"] not in sheet
    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).order_by("at", "id")
    assert [(d.actor, d.detail["minimised"], d.detail["format"]) for d in downloads] == [
        ("data.officer", False, "csv"), ("data.officer", True, "csv"),
        ("data.officer", True, "xlsx"),
    ]  # fmt: skip
    assert downloads[0].collection == "EYFSP 2025-26"


def test_school_users_get_404(
    head_a: Client, eyfsp: Collection, results: dict[str, School]
) -> None:
    base = f"/la/collections/{eyfsp.pk}/"
    for url in ("results/", "results.csv", "results.xlsx", "pupils.csv", "pupils.xlsx",
                "pupils.csv?minimised=1"):  # fmt: skip
        assert head_a.get(base + url).status_code == 404, url
    assert head_a.get("/la/comparisons/").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_the_comparison_figures_page_and_importing(la_client: Client, officer: User) -> None:
    import_figures(DFE_2022, source=SOURCE, status="final")
    html = la_client.get("/la/comparisons/?measure=eyfsp_gld&level=national&group=all").content
    text = html.decode()
    assert "1 figure matching your filters" in text and "65.2" in text and SOURCE in text
    assert 'enctype="multipart/form-data"' not in text  # the data team: no import form
    upload_file = SimpleUploadedFile("f.csv", DFE_2022.read_bytes(), content_type="text/csv")
    posted = la_client.post(
        "/la/comparisons/", {"file": upload_file, "source": "x", "status": "final"}
    )
    assert posted.status_code == 404  # importing is for administrators

    admin = make_user("la.admin", Role.LA_ADMIN, email="admin@la.example")
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(admin, generate_totp_secret())
    client = signed_in(admin)
    assert 'enctype="multipart/form-data"' in client.get("/la/comparisons/").content.decode()
    simple = "measure,group,level,area,academic_year,value,numerator,denominator\n" + (
        "ks1_maths_exs_plus,all,national,England,2022-23,70,,\n"
    )
    posted = client.post(
        "/la/comparisons/",
        {
            "file": SimpleUploadedFile("ks1.csv", simple.encode()),
            "source": "DfE KS1 2023",
            "publisher": "dfe",
            "status": "final",
        },
        follow=True,
    )
    assert "1 figure added, 0 updated." in posted.content.decode()
    figure = ComparisonFigure.objects.get(measure="ks1_maths_exs_plus")
    assert (figure.value, figure.source, figure.imported_by) == (70.0, "DfE KS1 2023", admin)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, actor="la.admin").exists()
    bad = client.post(
        "/la/comparisons/",
        {"file": SimpleUploadedFile("bad.csv", b"a,b\n1,2\n"), "source": "x", "status": "final"},
    )
    assert bad.status_code == 200 and "Columns missing" in bad.content.decode()


def test_the_workbook_writer() -> None:
    body = workbook({"Schools": [["LAESTAB", "Pupils", "GLD"], ["3302001", 41, 62.5]],
                     "Sch/ools": [["=SUM(A1)", None, True]]})  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        book = z.read("xl/workbook.xml").decode()
        first = z.read("xl/worksheets/sheet1.xml").decode()
        second = z.read("xl/worksheets/sheet2.xml").decode()
    assert 'name="Schools"' in book and 'name="Sch ools"' in book
    assert "<v>41</v>" in first and "<v>62.5</v>" in first and ">3302001<" in first
    assert "<f>" not in second and "=SUM(A1)" in second and "True" in second


def test_la_figures_come_from_locked_data_once_any_is_locked(
    la_client: Client, ks1: Collection, la_folder: Path, schools: list[School], officer: User
) -> None:
    from keystage.web.results.pupils import la_pupils
    from keystage.web.submissions.locks import lock

    for school in schools[:2]:
        upload(signed_in(User.objects.get(username=school.urn)), ks1, ctf_bytes(la_folder, school))
    run_tasks()
    everyone, provisional = la_pupils(ks1)
    assert provisional
    assert "provisional" in la_client.get(f"/la/collections/{ks1.pk}/results/").content.decode()
    lock(ks1, schools[0], officer)
    locked_only, provisional = la_pupils(ks1)
    assert not provisional
    mine = {p.upn for p in locked_only}
    assert mine and mine < {p.upn for p in everyone}
    assert mine == {r.upn for r in schools[0].submissions.get(is_current=True).pupil_set.all()}
    assert (
        "made from the locked data"
        in la_client.get(f"/la/collections/{ks1.pk}/results/").content.decode()
    )
