"""The data team's collection page, its exports and its page for one school."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree
from portal_builders import make_confirmation, make_head, make_school, make_submission
from portal_support import ctf_bytes, run_tasks, signed_in, upload, with_bad_result, with_old_pupil

from keystage.web.common.xlsx import workbook
from keystage.web.models import (
    AuditEvent,
    Collection,
    School,
    Submission,
    TeamQuery,
    User,
)
from keystage.web.submissions.locks import lock
from keystage.web.workspace import la_queries

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture
def progress(
    schools: list[School], ks1: Collection, la_folder: Path, officer: User
) -> dict[str, School]:
    """A has submitted; B has a query to answer and one from the data team; C has not started."""
    a, b, c = schools
    upload(signed_in(User.objects.get(username=a.urn)), ks1, ctf_bytes(la_folder, a))
    upload(
        signed_in(User.objects.get(username=b.urn)),
        ks1,
        ctf_bytes(la_folder, b, change=with_old_pupil),
    )
    run_tasks()
    make_confirmation(Submission.objects.get(school=a, is_current=True), signer_name="Ada Head")
    la_queries.raise_query(school=b, collection=ks1, by=officer, subject="Pupil count",
                        body="Your file has fewer pupils than the census.")  # fmt: skip
    c.phase = "Infant"
    c.save()
    return {"a": a, "b": b, "c": c}


def page(client: Client, ks1: Collection, query: str = "") -> str:
    response = client.get(f"/la/collections/{ks1.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def table_names(html: str, schools: dict[str, School]) -> list[str]:
    """Which of the schools the table shows, in the order it shows them."""
    body = html[html.index('id="schools"') :]
    found = [(body.index(s.name), key) for key, s in schools.items() if s.name in body]
    return [key for _, key in sorted(found)]


def row_of(html: str, school: School) -> str:
    """The table row of one school, as HTML."""
    body = html[html.index('id="schools"') :]
    start = body.rindex("<tr", 0, body.index(school.name))
    return body[start : body.index("</tr>", start)]


def test_every_school_with_its_state_and_the_totals(
    la_client: Client, ks1: Collection, progress: dict[str, School]
) -> None:
    html = page(la_client, ks1)
    assert table_names(html, progress) == sorted(
        progress, key=lambda k: progress[k].name.casefold()
    )
    a, b, c = progress["a"], progress["b"], progress["c"]
    row_a, row_b, row_c = row_of(html, a), row_of(html, b), row_of(html, c)
    assert "Submitted" in row_a and "Ada Head" in row_a  # who confirmed
    assert f'href="/la/collections/{ks1.pk}/schools/{a.pk}/"' in row_a
    assert "Queries to answer" in row_b and "version 1, checked" in row_b
    numbers = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    assert f"{numbers}0</td>{numbers}1</td>{numbers}1</td>" in row_b  # errors, queries, team's
    assert "Not started" in row_c and "Not yet" in row_c
    assert "1 of 3 schools" in html
    assert 'id="total-late">0' in html and 'id="total-not-started">1<' in html
    # the chart: an image with a title, its summary and the same data as a table
    assert 'role="img"' in html and "<title" in html and "<polyline" in html
    assert "1 of 3 schools submitted by" in html and 'id="chart-data"' in html


def test_after_the_deadline_the_schools_not_submitted_are_late(
    la_client: Client, ks1: Collection, progress: dict[str, School]
) -> None:
    ks1.deadline = timezone.localdate() - dt.timedelta(days=1)
    ks1.save()
    html = page(la_client, ks1)
    assert 'id="total-late">2<' in html
    assert page(la_client, ks1, "?state=late").count("govuk-tag--orange") >= 2


def test_names_are_escaped(la_client: Client, ks1: Collection, progress: dict[str, School]) -> None:
    c = progress["c"]
    c.name = "St Mary & St John <Infant>"
    c.save()
    html = page(la_client, ks1)
    assert "St Mary &amp; St John &lt;Infant&gt;" in html and "<Infant>" not in html


def test_filters_sort_and_search(
    la_client: Client, ks1: Collection, progress: dict[str, School]
) -> None:
    a, b, c = progress["a"], progress["b"], progress["c"]
    assert table_names(page(la_client, ks1, "?state=submitted"), progress) == ["a"]
    assert table_names(page(la_client, ks1, "?state=queries"), progress) == ["b"]
    assert table_names(page(la_client, ks1, f"?district={b.district}"), progress) == ["b"]
    assert table_names(page(la_client, ks1, "?phase=Infant"), progress) == ["c"]
    assert table_names(page(la_client, ks1, f"?q={a.urn}"), progress) == ["a"]
    assert table_names(page(la_client, ks1, f"?q={c.la}/{c.estab}"), progress) == ["c"]
    assert table_names(page(la_client, ks1, "?q=/"), progress) == []
    assert table_names(page(la_client, ks1, f"?q={b.name[:6].lower()}"), progress) == ["b"]
    # by state: in the order of the steps, not started first
    assert table_names(page(la_client, ks1, "?sort=state"), progress) == ["c", "b", "a"]
    assert table_names(page(la_client, ks1, "?sort=-state"), progress) == ["a", "b", "c"]
    by_name = table_names(page(la_client, ks1, "?sort=name"), progress)
    assert table_names(page(la_client, ks1, "?sort=-name"), progress) == by_name[::-1]
    # pupils: the school with none comes last both ways
    assert table_names(page(la_client, ks1, "?sort=pupils"), progress)[-1] == "c"
    assert table_names(page(la_client, ks1, "?sort=-pupils"), progress)[-1] == "c"
    assert table_names(page(la_client, ks1, "?sort=-team_queries"), progress)[0] == "b"
    # the totals follow the filters; an unknown value is ignored, not an error
    assert "0 of 1 school" in page(la_client, ks1, "?state=not_started")
    stale = page(la_client, ks1, f"?state=nonsense&sort=nonsense&district={b.district}")
    assert table_names(stale, progress) == ["b"] and "govuk-error-message" not in stale


def test_the_exports_carry_the_filters(
    la_client: Client, ks1: Collection, progress: dict[str, School]
) -> None:
    a, b = progress["a"], progress["b"]
    html = page(la_client, ks1, f"?district={b.district}&sort=-pupils")
    assert f"export.csv?district={b.district.replace(' ', '+')}&amp;sort=-pupils" in html
    response = la_client.get(f"/la/collections/{ks1.pk}/export.csv?district={b.district}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["LAESTAB", "URN", "School"]
    assert [r[2] for r in rows[1:]] == [b.name]
    assert rows[1][5] == "Queries to answer" and rows[1][14] == "1"
    every = la_client.get(f"/la/collections/{ks1.pk}/export.csv").content.decode()
    assert a.name in every and "Ada Head" in every

    response = la_client.get(f"/la/collections/{ks1.pk}/export.xlsx?state=submitted")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    book = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"[Content_Types].xml", "xl/workbook.xml", "_rels/.rels"} <= set(book.namelist())
    sheet = etree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    texts = [t.text for t in sheet.iter(f"{SHEET}t")]
    assert a.name in texts and b.name not in texts and "LAESTAB" in texts


def test_the_xlsx_writer_keeps_numbers_text_and_awkward_characters() -> None:
    book = zipfile.ZipFile(io.BytesIO(workbook({"KS1 2026": [["a & <b>", 7, None, "x\x01y"]]})))
    sheet = etree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    cells = list(sheet.iter(f"{SHEET}c"))
    assert [c.get("r") for c in cells] == ["A1", "B1", "D1"]
    assert cells[0].findtext(f".//{SHEET}t") == "a & <b>"
    assert cells[1].findtext(f"{SHEET}v") == "7" and cells[1].get("t") in (None, "n")
    assert cells[2].findtext(f".//{SHEET}t") == "xy"
    index = etree.fromstring(book.read("xl/workbook.xml"))
    assert index.find(f".//{SHEET}sheet").get("name") == "KS1 2026"


def test_the_school_page_shows_versions_findings_confirmation_queries_and_lock(
    la_client: Client, ks1: Collection, progress: dict[str, School], la_folder: Path
) -> None:
    b = progress["b"]
    head_b = signed_in(User.objects.get(username=b.urn))
    upload(head_b, ks1, ctf_bytes(la_folder, b, change=with_bad_result))
    run_tasks()
    url = f"/la/collections/{ks1.pk}/schools/{b.pk}/"
    html = la_client.get(url).content.decode()
    assert 'href="?version=1#findings"' in html
    assert "RESULT-INVALID" in html  # version 2's findings, the current version
    assert "DOB-RANGE" not in html
    assert "Pupil count" in html and "fewer pupils than the census" in html
    query = TeamQuery.objects.get(school=b)
    assert f'href="/la/queries/{query.pk}/"' in html
    assert f'href="/la/collections/{ks1.pk}/schools/{b.pk}/query/"' in html
    assert f'action="/la/collections/{ks1.pk}/schools/{b.pk}/lock/"' in html
    older = la_client.get(url + "?version=1").content.decode()
    assert "DOB-RANGE" in older and "Not answered" in older
    assert la_client.get(url + "?version=9").status_code == 404

    a = progress["a"]
    confirmed = la_client.get(f"/la/collections/{ks1.pk}/schools/{a.pk}/").content.decode()
    assert "Ada Head" in confirmed and "Year 2: Mr Brown" in confirmed and "Stands" in confirmed

    officer = User.objects.get(username="data.officer")
    lock(ks1, b, officer)
    locked = la_client.get(url).content.decode()
    assert f'action="{url}unlock/"' in locked and 'name="reason"' in locked


def test_the_collection_page_offers_to_lock_and_unlock(
    la_client: Client, ks1: Collection, progress: dict[str, School], officer: User
) -> None:
    html = page(la_client, ks1)
    assert f'href="/la/collections/{ks1.pk}/lock/"' in html  # asks first: test_lock_all
    lock(ks1, None, officer)
    html = page(la_client, ks1)
    assert "locked for every school" in html
    assert f'action="/la/collections/{ks1.pk}/unlock/"' in html


def test_pupil_level_downloads_are_in_the_audit_trail(
    la_client: Client, ks1: Collection, progress: dict[str, School]
) -> None:
    b = progress["b"]
    base = f"/la/collections/{ks1.pk}/schools/{b.pk}/"
    findings = la_client.get(base + "findings.csv?version=1")
    assert findings.status_code == 200 and "DOB-RANGE" in findings.content.decode()
    sent = la_client.get(base + "file/?version=1")
    assert sent.status_code == 200 and b"<CTfile" in sent.getvalue()
    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, school=b.laestab)
    assert [d.actor for d in downloads] == ["data.officer", "data.officer"]
    assert la_client.get(base + "file/").status_code == 404


def test_school_users_get_404(head_a: Client, ks1: Collection, progress: dict[str, School]) -> None:
    a = progress["a"]
    for url in (
        f"/la/collections/{ks1.pk}/",
        f"/la/collections/{ks1.pk}/export.csv",
        f"/la/collections/{ks1.pk}/export.xlsx",
        f"/la/collections/{ks1.pk}/schools/{a.pk}/",
        f"/la/collections/{ks1.pk}/schools/{a.pk}/findings.csv?version=1",
        f"/la/collections/{ks1.pk}/schools/{a.pk}/file/?version=1",
    ):
        assert head_a.get(url).status_code == 404, url


def test_the_number_of_queries_does_not_grow_with_the_schools(
    la_client: Client, ks1: Collection, progress: dict[str, School], officer: User
) -> None:
    def counted() -> int:
        with CaptureQueriesContext(connection) as queries_run:
            assert la_client.get(f"/la/collections/{ks1.pk}/").status_code == 200
        return len(queries_run)

    counted()  # the first page of a session also moves the session's expiry on (a write)
    before = counted()
    assert before > 5, "the page was counted"
    template = Submission.objects.get(school=progress["b"], is_current=True)
    for n in range(10):
        school = make_school(
            laestab=f"330{5000 + n}", urn=f"{900000 + n}", name=f"Extra School {n}",
            district=f"District {n % 3}", phase="Primary",
        )  # fmt: skip
        make_head(school)
        version = make_submission(
            school, ks1, checked=True, file=template.file.name, sha256=template.sha256,
            size=template.size, pupils=20, queries=n % 2,
        )  # fmt: skip
        if n % 3 == 0:
            make_confirmation(version, signer_name=f"Head {n}")
        if n % 4 == 0:
            la_queries.raise_query(school=school, collection=ks1, by=officer, subject="Check",
                                body="Please check.")  # fmt: skip
    assert "Extra School 9" in page(la_client, ks1)
    assert counted() == before
