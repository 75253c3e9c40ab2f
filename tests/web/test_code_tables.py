"""The year's code tables as data the LA manages: loading a file (refused with its line when
wrong), seeing what differs, publishing (audited), and the checks using what is published."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from codetable_support import table_text, without_exs_in_ks1
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from portal_support import ctf_bytes, make_user, run_tasks, signed_in, upload

from keystage import codesets
from keystage.web.codetables import loading, published
from keystage.web.models import AuditEvent, CodeTable, Collection, Role, School, Submission, User


@pytest.fixture
def la_admin(db: None) -> User:
    person = make_user("la.admin", Role.LA_ADMIN, is_staff=True, is_superuser=True,
                       first_name="Ali", last_name="Admin")  # fmt: skip
    TOTP.activate(person, generate_totp_secret())
    return person


@pytest.fixture
def admin_client(la_admin: User) -> Client:
    return signed_in(la_admin)


def load(client: Client, text: str, name: str = "codes.toml", notes: str = "") -> object:
    file = SimpleUploadedFile(name, text.encode(), content_type="application/toml")
    return client.post("/la/code-tables/", {"file": file, "notes": notes})


def test_the_admin_loads_next_years_tables_and_sees_what_differs(admin_client: Client) -> None:
    text = table_text("2027-28", threshold=31, ctf='"27.0", "26.0"')
    text = text.replace(', "HNM", "A"] }', ', "A"] }', 1)  # KS1 science loses HNM
    response = load(admin_client, text, name="2027-28.toml", notes="CTF 27.0")
    row = CodeTable.objects.get()
    assert response["Location"] == f"/la/code-tables/{row.pk}/"
    assert (row.academic_year, row.published_at, row.notes) == ("2027-28", None, "CTF 27.0")
    page = admin_client.get(response["Location"]).content.decode()
    assert "What differs from 2026-27" in page
    assert "CTF versions accepted: 25.0, 24.0, now 27.0, 26.0" in page
    assert "Phonics threshold mark: 32, now 31" in page
    assert "KS1: Science: codes removed HNM" in page
    assert "No code tables are in force for 2027-28 yet" in page
    assert AuditEvent.objects.filter(action="code_tables", what__startswith="Loaded").exists()


def test_assessments_added_and_removed_are_listed(admin_client: Client) -> None:
    text = table_text("2026-27").replace("components = { MTC = ", "components = { MTX = ")
    load(admin_client, text)
    page = admin_client.get(f"/la/code-tables/{CodeTable.objects.get().pk}/").content.decode()
    assert "Assessments added" in page and "KS2 MAT TT MTX" in page
    assert "Assessments removed" in page and "KS2 MAT TT MTC" in page


def test_a_file_with_a_mistake_is_refused_with_its_line(admin_client: Client) -> None:
    lines = table_text("2027-28").splitlines()
    lines[9] = "phonics_threshold = thirty-two"
    response = load(admin_client, "\n".join(lines))
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Line 10: codes.toml: this is not valid TOML at column" in page
    assert "key = value" in page
    assert not CodeTable.objects.exists()


def test_a_file_that_is_not_utf8_says_how_to_save_it(admin_client: Client) -> None:
    file = SimpleUploadedFile("codes.toml", table_text().encode("utf-16"))
    page = admin_client.post("/la/code-tables/", {"file": file}).content.decode()
    assert "Save it as UTF-8" in page and not CodeTable.objects.exists()


def test_the_same_file_loaded_twice_is_one_table(admin_client: Client) -> None:
    load(admin_client, table_text("2027-28"))
    load(admin_client, table_text("2027-28"))
    assert CodeTable.objects.count() == 1


def test_publishing_puts_the_table_in_force_and_is_audited(admin_client: Client) -> None:
    load(admin_client, table_text("2027-28", threshold=30))
    row = CodeTable.objects.get()
    with pytest.raises(codesets.CodesetError):
        codesets.codeset_for("2027-28")
    response = admin_client.post(f"/la/code-tables/{row.pk}/publish/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.published_at is not None and row.published_by is not None
    assert codesets.codeset_for("2027-28").phonics_threshold == 30
    event = AuditEvent.objects.get(action="code_tables", what__startswith="Published")
    assert event.actor == "la.admin" and event.detail["table"] == row.pk
    page = admin_client.get("/la/code-tables/").content.decode()
    assert "In force" in page and "2027-28" in page


def test_a_published_table_replaces_the_shipped_one_for_its_year(la_admin: User) -> None:
    row = loading.load_file(table_text("2025-26", threshold=31).encode(), file_name="a.toml",
                            notes="", user=la_admin)  # fmt: skip
    assert codesets.codeset_for("2025-26").phonics_threshold == 32  # loaded is not published
    loading.publish(row, user=la_admin)
    assert codesets.codeset_for("2025-26").phonics_threshold == 31


def test_the_newest_published_table_of_a_year_is_in_force(la_admin: User) -> None:
    first = loading.load_file(table_text("2027-28", threshold=31).encode(), file_name="a.toml",
                              notes="", user=la_admin)  # fmt: skip
    second = loading.load_file(table_text("2027-28", threshold=30).encode(), file_name="b.toml",
                               notes="", user=la_admin)  # fmt: skip
    loading.publish(first, user=la_admin)
    assert codesets.codeset_for("2027-28").phonics_threshold == 31
    loading.publish(second, user=la_admin)
    assert codesets.codeset_for("2027-28").phonics_threshold == 30
    loading.publish(first, user=la_admin)  # published again: back in force
    assert codesets.codeset_for("2027-28").phonics_threshold == 31


def test_the_data_team_may_look_but_not_load_nor_publish(la_admin: User, la_client: Client) -> None:
    row = loading.load_file(table_text("2027-28").encode(), file_name="a.toml", notes="",
                            user=la_admin)  # fmt: skip
    assert la_client.get("/la/code-tables/").status_code == 200
    assert "Load a year" not in la_client.get("/la/code-tables/").content.decode()
    assert la_client.get(f"/la/code-tables/{row.pk}/").status_code == 200
    assert load(la_client, table_text("2028-29")).status_code == 404  # type: ignore[attr-defined]
    assert la_client.post(f"/la/code-tables/{row.pk}/publish/").status_code == 404
    row.refresh_from_db()
    assert row.published_at is None and CodeTable.objects.count() == 1


def test_school_users_cannot_reach_the_las_code_tables_pages(
    la_admin: User, head_a: Client
) -> None:
    row = loading.load_file(table_text("2027-28").encode(), file_name="a.toml", notes="",
                            user=la_admin)  # fmt: skip
    for url in ("/la/code-tables/", f"/la/code-tables/{row.pk}/"):
        assert head_a.get(url).status_code == 404
    assert head_a.post(f"/la/code-tables/{row.pk}/publish/").status_code == 404
    assert load(head_a, table_text("2028-29")).status_code == 404  # type: ignore[attr-defined]


# -- Collections need their year's tables -------------------------------------------------------

ADD_COLLECTION = "/admin/portal/collection/add/"


def collection_form(year: str) -> dict[str, str]:
    return {"kind": "KS2", "academic_year": year, "opens": "01/06/2028",
            "deadline": "30/06/2028", "closes": "10/07/2028", "reminders_on": "on"}  # fmt: skip


def test_a_collection_cannot_be_set_up_for_a_year_without_tables(admin_client: Client) -> None:
    page = admin_client.post(ADD_COLLECTION, collection_form("2027-28")).content.decode()
    assert "Load and publish the 2027-28 code tables first" in page
    assert not Collection.objects.exists()


def test_a_collection_is_set_up_once_its_years_tables_are_published(
    admin_client: Client, la_admin: User
) -> None:
    row = loading.load_file(table_text("2027-28").encode(), file_name="a.toml", notes="",
                            user=la_admin)  # fmt: skip
    loading.publish(row, user=la_admin)
    response = admin_client.post(ADD_COLLECTION, collection_form("2027-28"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Collection.objects.get().academic_year == "2027-28"


def test_a_collection_without_tables_cannot_be_opened(admin_client: Client) -> None:
    """Made before the rule (or behind its back): changing it, to open it, is refused, and the
    code tables page says it cannot be checked."""
    waiting = Collection.objects.create(kind="KS2", academic_year="2027-28",
                                        opens=dt.date(2028, 6, 1), deadline=dt.date(2028, 6, 30),
                                        closes=dt.date(2028, 7, 10))  # fmt: skip
    with pytest.raises(ValidationError, match="Load and publish the 2027-28 code tables first"):
        waiting.full_clean()
    form = collection_form("2027-28") | {"opens": "01/01/2028"}
    page = admin_client.post(f"/admin/portal/collection/{waiting.pk}/change/", form)
    assert "Load and publish the 2027-28 code tables first" in page.content.decode()
    waiting.refresh_from_db()
    assert waiting.opens == dt.date(2028, 6, 1)
    listing = admin_client.get("/la/code-tables/").content.decode()
    assert "no code tables for its year, so files sent to it cannot be checked" in listing


def test_a_collection_of_a_shipped_year_passes(db: None) -> None:
    Collection(kind="KS1", academic_year="2026-27", opens=dt.date(2027, 6, 1),
               deadline=dt.date(2027, 6, 30), closes=dt.date(2027, 7, 10)).full_clean()  # fmt: skip


# -- The checks use what is published ------------------------------------------------------------


def test_a_check_after_publishing_uses_the_published_table(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, la_admin: User
) -> None:
    """This process checked with the shipped table (and keeps its parse); the LA publishes a
    table without EXS for KS1; the next check finds every EXS invalid."""
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    first = Submission.objects.get(version=1)
    assert not first.finding_set.filter(code="RESULT-INVALID").exists()
    row = loading.load_file(without_exs_in_ks1(table_text("2025-26")).encode(),
                            file_name="no-exs.toml", notes="", user=la_admin)  # fmt: skip
    loading.publish(row, user=la_admin)
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    second = Submission.objects.get(version=2)
    invalid = second.finding_set.filter(code="RESULT-INVALID")
    assert invalid.exists() and all("EXS" in f.message for f in invalid)


def test_a_request_asks_once_a_year_and_the_next_request_sees_a_new_table(
    la_admin: User, django_assert_num_queries: Any
) -> None:
    """A page reading the table once per school costs one query; a table published meanwhile
    is used from the next request (Django sends these signals around each request)."""
    published._request_started()
    try:
        with django_assert_num_queries(1):
            for _ in range(3):
                assert codesets.codeset_for("2025-26").phonics_threshold == 32
        row = loading.load_file(table_text("2025-26", threshold=31).encode(), file_name="a.toml",
                                notes="", user=la_admin)  # fmt: skip
        loading.publish(row, user=la_admin)
        assert codesets.codeset_for("2025-26").phonics_threshold == 32  # this request's table
    finally:
        published._request_finished()
    assert codesets.codeset_for("2025-26").phonics_threshold == 31
