"""The code tables page and the LA's first page."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from portal_builders import make_officer
from portal_support import ctf_bytes, run_tasks, signed_in, upload

from keystage import codesets
from keystage.web.models import Collection, School


def test_the_code_tables_come_from_the_years_data(db: None) -> None:
    page = Client().get("/codes/2025-26/").content.decode()
    table = codesets.load("2025-26")
    for kind in ("EYFSP", "PHON", "KS1", "KS2"):
        assert f'id="{kind}"' in page
    for assessment in table.for_collection("KS1"):
        assert assessment.label in page
    assert "GDS" in page and "PK4" in page
    assert f"threshold mark is {table.phonics_threshold}" in page


def test_each_year_has_its_page_and_an_unknown_year_is_404(db: None) -> None:
    client = Client()
    for year in codesets.available_years():
        assert client.get(f"/codes/{year}/").status_code == 200
    assert client.get("/codes/1999-00/").status_code == 404
    assert client.get("/codes/").status_code == 200


def test_the_la_sees_how_many_schools_are_at_each_step(
    school_a: School, head_a: Client, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    client = signed_in(make_officer("officer"))
    assert client.get("/")["Location"] == "/la/"
    page = client.get("/la/").content.decode()
    assert "Ready to confirm" in page and "3 schools" in page


def test_every_page_links_to_the_accessibility_statement(db: None) -> None:
    page = Client().get("/codes/").content.decode()
    assert 'href="/accessibility/"' in page
    statement = Client().get("/accessibility/").content.decode()
    assert "WCAG" in statement and "Birmingham City Council" in statement
