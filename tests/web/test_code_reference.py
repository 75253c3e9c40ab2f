"""The code reference page says what every code means and offers each table in force for
download; the downloaded table gives `keystage validate` the portal's own findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from codetable_support import table_text, without_exs_in_ks1
from django.test import Client
from django.utils.html import escape
from portal_support import ctf_bytes, make_user, run_tasks, upload, with_bad_result, with_old_pupil

from keystage import codesets
from keystage.cli import main
from keystage.web.codetables import loading
from keystage.web.models import Collection, Role, School, Submission, User


@pytest.fixture
def la_admin(db: None) -> User:
    return make_user("la.admin", Role.LA_ADMIN)


def publish(text: str, by: User) -> None:
    loading.publish(loading.load_file(text.encode(), file_name="la.toml", notes="", user=by),
                    user=by)  # fmt: skip


def test_the_page_says_what_every_code_means(db: None) -> None:
    page = Client().get("/codes/2025-26/").content.decode()
    table = codesets.load("2025-26")
    for assessment in table.assessments:
        for code, meaning in table.meanings_of(assessment):
            assert f'>{code}</th><td class="govuk-table__cell">{escape(meaning)}<' in page
    assert "What the results mean: Reading, Writing, Mathematics" in page  # KS1: two sets
    assert "What the results mean (every assessment above)" in page  # EYFSP: one
    assert "32 or more meets the expected standard" in page


def test_a_code_the_year_has_not_is_not_on_its_page(la_admin: User) -> None:
    publish(without_exs_in_ks1(table_text("2027-28")), la_admin)
    page = Client().get("/codes/2027-28/").content.decode()
    ks1 = page[page.index('id="KS1"') : page.index('id="KS2"')]
    assert ">GDS</th>" in ks1 and ">EXS</th>" in ks1  # science still accepts EXS
    core = ks1[
        ks1.index("What the results mean: Reading") : ks1.index("What the results mean: Sci")
    ]
    assert ">EXS</th>" not in core and ">WTS</th>" in core


def test_each_year_links_its_download(db: None) -> None:
    for year in codesets.available_years():
        page = Client().get(f"/codes/{year}/").content.decode()
        assert f'href="/codes/{year}/download/"' in page
        assert "As shipped with" in page


def test_the_download_is_the_table_in_force(la_admin: User) -> None:
    shipped = Client().get("/codes/2025-26/download/")
    assert shipped["Content-Disposition"] == 'attachment; filename="keystage-codes-2025-26.toml"'
    assert shipped.content.decode() == codesets.shipped_text("2025-26")
    assert Client().get("/codes/2027-28/download/").status_code == 404
    assert Client().get("/codes/2027-28/").status_code == 404
    mine = table_text("2027-28", threshold=30)
    publish(mine, la_admin)
    assert Client().get("/codes/2027-28/download/").content.decode() == mine
    page = Client().get("/codes/2027-28/").content.decode()
    assert "Published by" in page and "threshold mark is 30" in page
    assert 'href="/codes/2027-28/"' in Client().get("/codes/2025-26/").content.decode()


def test_an_unknown_year_has_no_download(db: None) -> None:
    assert Client().get("/codes/1999-00/download/").status_code == 404
    assert Client().get("/codes/..%2Fsettings/download/").status_code == 404


def portal_findings(version: Submission) -> set[tuple[str, str, str, str, str]]:
    return {(f.code, f.severity, f.upn, f.field, f.message) for f in version.finding_set.all()}


def offline_findings(capsys: pytest.CaptureFixture[str], *args: str) -> set[tuple]:
    main(["validate", "--json", *args])
    found = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    return {(f["code"], f["severity"], f["upn"] or "", f["field"] or "", f["message"])
            for f in found}  # fmt: skip


def test_the_downloaded_table_gives_the_portals_findings(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, la_admin: User,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A published table (no EXS in KS1) and a file with planted defects: the offline check with
    the downloaded table finds what the portal found; with the shipped table it does not."""
    publish(without_exs_in_ks1(table_text("2025-26", ctf='"25.0"')), la_admin)
    content = ctf_bytes(la_folder, school_a, change=lambda p: with_old_pupil(with_bad_result(p)))
    upload(head_a, ks1, content)
    run_tasks()
    portal = portal_findings(Submission.objects.get(school=school_a))
    assert {"RESULT-INVALID", "DOB-RANGE"} <= {code for code, *_ in portal}
    (tmp_path / "school.xml").write_bytes(content)
    codes = tmp_path / "codes.toml"
    codes.write_bytes(Client().get("/codes/2025-26/download/").content)
    same = ["--school", school_a.laestab, "--collection", "KS1", str(tmp_path / "school.xml")]
    assert offline_findings(capsys, "--codes", str(codes), *same) == portal
    assert offline_findings(capsys, "--year", "2025-26", *same) != portal
