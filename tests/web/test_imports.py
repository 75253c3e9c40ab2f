"""Files from other channels: attributed by their header, processed like uploads, and the files
that cannot be attributed kept and listed for the data team, never dropped.
"""

from __future__ import annotations

import dataclasses
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from portal_support import ctf_bytes, ctf_path, run_tasks

from keystage.ctf.reader import read_ctf
from keystage.ctf.writer import to_bytes
from keystage.web.models import (
    AuditEvent,
    Collection,
    Lock,
    School,
    Submission,
    UnattributedFile,
    User,
)
from keystage.web.submissions.attribution import attribute
from keystage.web.submissions.channels import import_file

HOSTILE = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<CTfile>&a;</CTfile>\n'
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def from_school(la_folder: Path, school: School, **source: str | None) -> bytes:
    """The school's KS1 file with its header's SourceSchool changed."""
    with read_ctf(ctf_path(la_folder, school)) as reader:
        header, pupils = reader.header, list(reader)
    changed = dataclasses.replace(header.source, **source)
    return to_bytes(dataclasses.replace(header, source=changed), pupils)


def write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def lock_ks1(ks1: Collection, officer: User) -> Lock:
    return Lock.objects.create(
        collection=ks1, school=None, locked_by=officer, locked_at=timezone.now()
    )


# --- attribution -----------------------------------------------------------------------------


def test_each_schools_file_is_received_as_an_import_and_checked(
    schools: list[School], ks1: Collection, la_folder: Path
) -> None:
    for school in schools:
        outcome = import_file(ctf_path(la_folder, school))
        assert outcome.result == "received", outcome.message
        assert school.name in outcome.line() and "KS1 2026" in outcome.line()
    versions = list(Submission.objects.order_by("school__laestab"))
    assert [v.school for v in versions] == schools
    assert {v.channel for v in versions} == {"import"}
    assert {v.version for v in versions} == {1}
    run_tasks()
    for version in versions:
        version.refresh_from_db()
        assert version.status == "checked" and version.is_current and version.pupils > 0


def test_the_collection_is_told_from_the_results(
    school_a: School, ks1: Collection, la_folder: Path
) -> None:
    found = attribute(ctf_path(la_folder, school_a).read_bytes())
    assert (found.school, found.collection) == (school_a, ks1)
    assert "from results" in found.reason


def test_a_school_is_found_by_urn_when_its_laestab_is_unknown(
    school_a: School, ks1: Collection, la_folder: Path
) -> None:
    # An academy's new LAESTAB not yet in the register: its URN still names it.
    content = from_school(la_folder, school_a, estab="9999")
    found = attribute(content)
    assert (found.school, found.collection) == (school_a, ks1)


def test_a_file_from_a_school_we_do_not_have_is_kept_with_the_reason(
    schools: list[School], ks1: Collection, la_folder: Path, tmp_path: Path
) -> None:
    content = from_school(la_folder, schools[0], la="999", estab="9999", urn="999999")
    outcome = import_file(write(tmp_path, "stranger.xml", content))
    assert outcome.result == "unattributed"
    kept = UnattributedFile.objects.get()
    assert "LAESTAB 9999999" in kept.reason and "URN 999999" in kept.reason
    assert kept.channel == "import" and kept.original_name == "stranger.xml"
    assert kept.file.read() == content and kept.size == len(content)
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("hostile.xml", HOSTILE, "DOCTYPE"),
        ("results.pdf", PDF, "PDF"),
        ("empty.xml", b"", "empty"),
    ],
)
def test_a_file_that_is_not_a_ctf_is_kept_never_dropped(
    schools: list[School], ks1: Collection, tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    outcome = import_file(write(tmp_path, name, content))
    assert outcome.result == "unattributed"
    kept = UnattributedFile.objects.get()
    assert said in kept.reason and said in outcome.line()
    assert kept.original_name == name and kept.size == len(content)
    with kept.file.open("rb") as stored:
        assert stored.read() == content
    assert not Submission.objects.exists()


def test_a_file_for_a_collection_keystage_does_not_run_is_kept(
    school_a: School, ks1: Collection, la_folder: Path
) -> None:
    outcome = import_file(ctf_path(la_folder, school_a, "KS2"))
    assert outcome.result == "unattributed"
    assert "no KS2 collection for 2025-26" in UnattributedFile.objects.get().reason


def test_a_file_that_cannot_be_opened_is_reported_and_left_alone(
    schools: list[School], tmp_path: Path
) -> None:
    outcome = import_file(tmp_path)  # a folder: opening it fails
    assert outcome.result == "unreadable" and "could not be opened" in outcome.message
    assert not UnattributedFile.objects.exists()
    assert AuditEvent.objects.get(action="import").detail["outcome"] == "unreadable"


def test_the_same_file_twice_is_received_once(
    school_a: School, ks1: Collection, la_folder: Path
) -> None:
    path = ctf_path(la_folder, school_a)
    assert import_file(path).result == "received"
    again = import_file(path)
    assert again.result == "skipped" and "already received as version 1" in again.message
    assert Submission.objects.count() == 1


def test_the_same_unattributable_file_twice_is_kept_once(
    schools: list[School], tmp_path: Path
) -> None:
    path = write(tmp_path, "hostile.xml", HOSTILE)
    import_file(path)
    again = import_file(path)
    assert again.result == "skipped" and "already in the list" in again.message
    assert UnattributedFile.objects.count() == 1


def test_a_file_for_a_locked_collection_is_kept_with_the_lock(
    school_a: School, ks1: Collection, la_folder: Path, officer: User
) -> None:
    lock_ks1(ks1, officer)
    outcome = import_file(ctf_path(la_folder, school_a))
    assert outcome.result == "unattributed"
    kept = UnattributedFile.objects.get()
    assert "locked" in kept.reason and school_a.name in kept.reason
    assert not Submission.objects.exists()


def test_importing_again_after_unlocking_resolves_the_kept_copy(
    school_a: School, ks1: Collection, la_folder: Path, officer: User
) -> None:
    held = lock_ks1(ks1, officer)
    import_file(ctf_path(la_folder, school_a))
    Lock.objects.filter(pk=held.pk).update(
        unlocked_at=timezone.now(), unlocked_by=officer, unlock_reason="late file"
    )
    assert import_file(ctf_path(la_folder, school_a)).result == "received"
    assert UnattributedFile.objects.get().resolved_as == Submission.objects.get()


# --- the management command ------------------------------------------------------------------


def test_the_command_imports_a_folder_and_sums_up(
    schools: list[School], ks1: Collection, la_folder: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "transfer"
    shutil.copytree(la_folder / "KS1", folder)
    write(folder, "zz-hostile.xml", HOSTILE)
    out = StringIO()
    call_command("importctf", str(folder), stdout=out)
    said = out.getvalue()
    for school in schools:
        assert f"{school.name} ({school.laestab}), KS1 2026 (from results): version 1" in said
    assert "zz-hostile.xml: not attributed: It could not be read as a CTF (FILE-HOSTILE)" in said
    assert "4 files: 3 received, 1 not attributed" in said
    assert Submission.objects.filter(channel="import").count() == 3
    assert AuditEvent.objects.filter(action="import").count() == 4

    again = StringIO()
    call_command("importctf", str(folder), stdout=again)
    assert "4 files: 4 already received" in again.getvalue()
    assert Submission.objects.count() == 3 and UnattributedFile.objects.count() == 1


def test_the_command_takes_the_collection_when_told(
    school_a: School, ks1: Collection, la_folder: Path
) -> None:
    out = StringIO()
    call_command("importctf", str(ctf_path(la_folder, school_a)), "--collection", "KS1", stdout=out)
    assert "(collection given): version 1" in out.getvalue()
    assert Submission.objects.get().collection == ks1


def test_the_command_refuses_a_path_that_is_not_there(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("importctf", str(tmp_path / "missing"))


# --- the data team's pages -------------------------------------------------------------------


def test_the_data_team_uploads_a_file_for_a_school(
    la_client: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    url = f"/la/collections/{ks1.pk}/schools/{school_a.pk}/upload/"
    assert la_client.get(url).status_code == 200
    response = la_client.post(
        url, {"file": SimpleUploadedFile("ks1.xml", ctf_bytes(la_folder, school_a))}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/la/collections/{ks1.pk}/schools/{school_a.pk}/"
    version = Submission.objects.get()
    assert version.channel == "la" and version.school == school_a
    run_tasks()
    version.refresh_from_db()
    assert version.status == "checked" and version.is_current


def test_the_data_team_upload_is_refused_while_locked(
    la_client: Client, school_a: School, ks1: Collection, la_folder: Path, officer: User
) -> None:
    lock_ks1(ks1, officer)
    response = la_client.post(
        f"/la/collections/{ks1.pk}/schools/{school_a.pk}/upload/",
        {"file": SimpleUploadedFile("ks1.xml", ctf_bytes(la_folder, school_a))},
    )
    assert response.status_code == 400 and b"is locked" in response.content
    assert not Submission.objects.exists()


def test_the_list_shows_what_was_kept_and_why(
    la_client: Client, schools: list[School], tmp_path: Path
) -> None:
    import_file(write(tmp_path, "hostile.xml", HOSTILE))
    page = la_client.get("/la/unattributed/").content.decode()
    assert "hostile.xml" in page and "DOCTYPE" in page and "Secure transfer" in page


def test_the_data_team_imports_several_files_at_once(
    la_client: Client, officer: User, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    files = [
        SimpleUploadedFile("a.xml", ctf_bytes(la_folder, school_a)),
        SimpleUploadedFile("notes.pdf", PDF),
        SimpleUploadedFile("empty.xml", b""),
    ]
    response = la_client.post("/la/unattributed/", {"ctf_files": files}, follow=True)
    assert response.status_code == 200
    assert Submission.objects.get().channel == "la"
    kept = UnattributedFile.objects.order_by("original_name")
    assert [(k.original_name, k.channel, k.received_by) for k in kept] == [
        ("empty.xml", "la", officer),
        ("notes.pdf", "la", officer),
    ]
    page = response.content.decode()
    assert "a.xml: " in page and "notes.pdf: not attributed" in page


def test_an_unattributed_file_is_attributed_by_hand(
    la_client: Client, school_a: School, ks1: Collection, la_folder: Path, officer: User
) -> None:
    held = lock_ks1(ks1, officer)
    import_file(ctf_path(la_folder, school_a))
    Lock.objects.filter(pk=held.pk).update(unlocked_at=timezone.now(), unlocked_by=officer)
    kept = UnattributedFile.objects.get()
    url = f"/la/unattributed/{kept.pk}/"
    page = la_client.get(url).content.decode()
    assert school_a.laestab in page and "Attribute it by hand" in page
    response = la_client.post(url, {"school": school_a.pk, "collection": ks1.pk})
    assert response.status_code == 302
    version = Submission.objects.get()
    assert (version.school, version.collection, version.channel) == (school_a, ks1, "import")
    assert version.uploaded_by == officer
    kept.refresh_from_db()
    assert kept.resolved_as == version
    run_tasks()
    version.refresh_from_db()
    assert version.status == "checked"
    assert "Attribute it by hand" not in la_client.get(url).content.decode()


def test_attributing_by_hand_shows_why_it_was_refused(
    la_client: Client, school_a: School, ks1: Collection, officer: User, tmp_path: Path
) -> None:
    import_file(write(tmp_path, "notes.pdf", PDF))
    kept = UnattributedFile.objects.get()
    response = la_client.post(
        f"/la/unattributed/{kept.pk}/", {"school": school_a.pk, "collection": ks1.pk}
    )
    assert response.status_code == 400 and b"PDF" in response.content
    assert not Submission.objects.exists()
    kept.refresh_from_db()
    assert kept.resolved_as is None


def test_attributing_by_hand_waits_for_the_lock(
    la_client: Client, school_a: School, ks1: Collection, la_folder: Path, officer: User
) -> None:
    lock_ks1(ks1, officer)
    import_file(ctf_path(la_folder, school_a))
    kept = UnattributedFile.objects.get()
    response = la_client.post(
        f"/la/unattributed/{kept.pk}/", {"school": school_a.pk, "collection": ks1.pk}
    )
    assert response.status_code == 400
    assert "KS1 2026 is locked for every school" in response.content.decode()
    assert not Submission.objects.exists()


def test_downloading_an_unattributed_file_is_recorded(
    la_client: Client, schools: list[School], tmp_path: Path, officer: User
) -> None:
    import_file(write(tmp_path, "hostile.xml", HOSTILE))
    kept = UnattributedFile.objects.get()
    response = la_client.get(f"/la/unattributed/{kept.pk}/download/")
    assert b"".join(response.streaming_content) == HOSTILE  # type: ignore[attr-defined]
    assert 'filename="hostile.xml"' in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="download")
    assert event.actor == officer.username and "hostile.xml" in event.what


def test_school_users_get_404_on_these_pages(
    head_a: Client, school_a: School, ks1: Collection, tmp_path: Path
) -> None:
    import_file(write(tmp_path, "hostile.xml", HOSTILE))
    kept = UnattributedFile.objects.get()
    for url in (
        f"/la/collections/{ks1.pk}/schools/{school_a.pk}/upload/",
        "/la/unattributed/",
        f"/la/unattributed/{kept.pk}/",
        f"/la/unattributed/{kept.pk}/download/",
    ):
        assert head_a.get(url).status_code == 404, url
        assert head_a.post(url).status_code == 404, url
    assert not Submission.objects.exists()
